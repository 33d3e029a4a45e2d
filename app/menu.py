"""Every view and menu entry, in the order users see them."""
from flask_babel import lazy_gettext as _l

from app.accounts.views.city_accounts import CityAccountModelView
from app.accounts.views.district_admins import DistrictAdminModelView
from app.accounts.views.password import PasswordChangeView
from app.accounts.views.security_log import SecurityEventModelView
from app.accounts.views.user_management import GrassrootsUserModelView
from app.applications.views import ApplicationDocumentView, ApplyView, MyApplicationModelView
from app.campaigns.request_views import DistrictRequestAdminView, DistrictRequestView
from app.campaigns.views import BatchModelView, CampaignView
from app.orgs.views import OrganisationModelView
from app.payments.report_views import PaymentReportView, ReconciliationView
from app.payments.transfer_views import FundingDueView, TransferView
from app.payments.views import FundingModelView
from app.public.views import PublicView
from app.reference.views import ReferenceItemModelView
from app.review.views import DistrictReviewModelView, FinalReviewModelView
from app.stats.views import StatsView


def register_views(appbuilder):
    # Pages before signing in (front page, 活动主页, blank forms, 进度查询): no menu entry.
    appbuilder.add_view_no_menu(PublicView)
    appbuilder.add_view(CampaignView, "报名活动", label=_l("报名活动"), icon="fa-flag")
    appbuilder.add_view(BatchModelView, "批次", label=_l("批次"), icon="fa-calendar", category="系统管理",
                        category_label=_l("系统管理"))
    appbuilder.add_view(OrganisationModelView, "组织机构", label=_l("组织机构"), icon="fa-sitemap",
                        category="系统管理")
    appbuilder.add_view(ReferenceItemModelView, "参考数据", label=_l("参考数据"), icon="fa-book",
                        category="系统管理")

    appbuilder.add_view(CityAccountModelView, "市级账号", label=_l("市级账号"), icon="fa-user-circle",
                        category="系统管理")
    appbuilder.add_view(DistrictAdminModelView, "区县局管理员账号", label=_l("区县局管理员账号"), icon="fa-user-secret",
                        category="系统管理")
    appbuilder.add_view(SecurityEventModelView, "安全日志", label=_l("安全日志"), icon="fa-shield",
                        category="系统管理")
    appbuilder.add_view(GrassrootsUserModelView, "用户管理", label=_l("用户管理"), icon="fa-users")

    appbuilder.add_view(ApplyView, "我要报名", label=_l("我要报名"), icon="fa-pencil-square-o")
    appbuilder.add_view(MyApplicationModelView, "本单位报名管理", label=_l("报名管理"), icon="fa-list-alt")
    appbuilder.add_view_no_menu(ApplicationDocumentView)

    appbuilder.add_view(DistrictReviewModelView, "区县局报名管理", label=_l("报名管理"), icon="fa-check-square-o")
    appbuilder.add_view(FinalReviewModelView, "终审", label=_l("终审"), icon="fa-gavel")
    appbuilder.add_view(FundingModelView, "配套发放", label=_l("配套发放"), icon="fa-jpy")

    appbuilder.add_view(FundingDueView, "奖励资金划拨", label=_l("奖励资金划拨"), icon="fa-university")
    appbuilder.add_view(TransferView, "划拨记录", label=_l("划拨记录"), icon="fa-exchange")
    appbuilder.add_view(PaymentReportView, "发放情况备案", label=_l("发放情况备案"), icon="fa-archive")
    appbuilder.add_view(ReconciliationView, "对账", label=_l("对账"), icon="fa-balance-scale")

    appbuilder.add_view(DistrictRequestView, "申请单", label=_l("申请单"), icon="fa-file-text-o")
    appbuilder.add_view(DistrictRequestAdminView, "申请单汇总", label=_l("申请单汇总"), icon="fa-files-o")

    appbuilder.add_view(StatsView, "统计分析", label=_l("统计分析"), icon="fa-bar-chart")

    appbuilder.add_view_no_menu(PasswordChangeView)
