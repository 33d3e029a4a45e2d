"""Every view and menu entry, in the order users see them.

The left menu is grouped by job (FAB categories): 报名与审核, 奖励发放 and 系统管理, with 统计分析 and a district's
用户管理 on their own. Each role sees
only the entries its permissions (app.accounts.roles ROLE_MENUS, FAB's menu_access) allow; a group shows
when the role sees any of its entries (app/shell.py).
"""
from flask_babel import lazy_gettext as _l

from app.accounts.views.city_accounts import CityAccountModelView
from app.accounts.views.district_admins import DistrictAdminModelView
from app.accounts.views.password import PasswordChangeView
from app.accounts.views.security_log import SecurityEventModelView
from app.accounts.views.tokens import ApiTokenView
from app.api.applications import ApplicationApi
from app.api.campaigns import BatchApi, CampaignApi
from app.api.docs import ApiDocsView, OpenApiView
from app.api.requests import DistrictRequestApi
from app.api.stats import StatsApi
from app.accounts.views.user_management import GrassrootsUserModelView
from app.applications.bulk_views import BulkIntakeView
from app.applications.views import ApplicationDocumentView, ApplyView, MyApplicationModelView
from app.campaigns.request_views import DistrictRequestAdminView, DistrictRequestView
from app.campaigns.views import BatchModelView, CampaignView
from app.jobs.views import JobView
from app.notifications.views import NotificationView
from app.ocr.views import ScanFormView
from app.orgs.views import OrganisationModelView
from app.payments.report_views import PaymentReportView, ReconciliationView
from app.payments.transfer_views import FundingDueView, TransferView
from app.payments.views import FundingModelView
from app.public.views import PublicView
from app.reference.views import ReferenceItemModelView
from app.review.views import DistrictReviewModelView, FinalReviewModelView
from app.stats.views import StatsView
from app.verification.views import RegisterView

#: The menu groups (FAB categories), in the order the left menu shows them: (name, label, icon).
APPLY, MONEY, SYSTEM = "报名与审核", "奖励发放", "系统管理"
GROUPS = (
    (APPLY, _l("报名与审核"), "fa-edit"),
    (MONEY, _l("奖励发放"), "fa-jpy"),
    (SYSTEM, _l("系统管理"), "fa-cogs"),
)


def _in_group(group):
    """add_view's category arguments for one of GROUPS (the group is created by its first entry)."""
    name, label, icon = next(g for g in GROUPS if g[0] == group)
    return {"category": name, "category_label": label, "category_icon": icon}


def register_views(appbuilder):
    # Pages before signing in (front page, 活动主页, blank forms, 进度查询): no menu entry.
    appbuilder.add_view_no_menu(PublicView)

    appbuilder.add_view(CampaignView, "报名活动", label=_l("报名活动"), icon="fa-flag", **_in_group(APPLY))
    appbuilder.add_view(ApplyView, "我要报名", label=_l("我要报名"), icon="fa-pencil-square-o", **_in_group(APPLY))
    appbuilder.add_view(MyApplicationModelView, "本单位报名管理", label=_l("报名管理"), icon="fa-list-alt",
                        **_in_group(APPLY))
    appbuilder.add_view_no_menu(BulkIntakeView)  # 批量导入, reached from 我要报名 (the same permission)
    appbuilder.add_view_no_menu(ScanFormView)  # the form's 从扫描件识别 (the same permission)
    appbuilder.add_view_no_menu(ApplicationDocumentView)
    appbuilder.add_view(DistrictReviewModelView, "区县局报名管理", label=_l("报名管理"), icon="fa-check-square-o",
                        **_in_group(APPLY))
    appbuilder.add_view(FinalReviewModelView, "终审", label=_l("终审"), icon="fa-gavel", **_in_group(APPLY))
    appbuilder.add_view(DistrictRequestView, "申请单", label=_l("申请单"), icon="fa-file-text-o", **_in_group(APPLY))
    appbuilder.add_view(DistrictRequestAdminView, "申请单汇总", label=_l("申请单汇总"), icon="fa-files-o",
                        **_in_group(APPLY))

    appbuilder.add_view(RegisterView, "证书信息核对", label=_l("证书信息核对"), icon="fa-id-card-o",
                        **_in_group(APPLY))

    appbuilder.add_view(FundingModelView, "配套发放", label=_l("配套发放查询"), icon="fa-jpy", **_in_group(MONEY))
    appbuilder.add_view(FundingDueView, "奖励资金划拨", label=_l("奖励资金划拨"), icon="fa-university",
                        **_in_group(MONEY))
    appbuilder.add_view(TransferView, "划拨记录", label=_l("划拨记录"), icon="fa-exchange", **_in_group(MONEY))
    appbuilder.add_view(PaymentReportView, "发放情况备案", label=_l("发放情况备案"), icon="fa-archive",
                        **_in_group(MONEY))
    appbuilder.add_view(ReconciliationView, "对账", label=_l("对账"), icon="fa-balance-scale", **_in_group(MONEY))

    appbuilder.add_view(StatsView, "统计分析", label=_l("统计分析"), icon="fa-bar-chart")
    appbuilder.add_view(JobView, "我的任务", label=_l("我的任务"), icon="fa-tasks")
    # A 区县局（产业）工会's own 基层工会 accounts (the system admin's account screens are under 系统管理).
    appbuilder.add_view(GrassrootsUserModelView, "用户管理", label=_l("用户管理"), icon="fa-users")

    appbuilder.add_view(BatchModelView, "批次", label=_l("批次"), icon="fa-calendar", **_in_group(SYSTEM))
    appbuilder.add_view(OrganisationModelView, "组织机构", label=_l("组织机构"), icon="fa-sitemap",
                        **_in_group(SYSTEM))
    appbuilder.add_view(ReferenceItemModelView, "参考数据", label=_l("参考数据"), icon="fa-book",
                        **_in_group(SYSTEM))
    appbuilder.add_view(CityAccountModelView, "市级账号", label=_l("市级账号"), icon="fa-user-circle",
                        **_in_group(SYSTEM))
    appbuilder.add_view(DistrictAdminModelView, "区县局管理员账号", label=_l("区县局管理员账号"), icon="fa-user-secret",
                        **_in_group(SYSTEM))
    appbuilder.add_view(SecurityEventModelView, "安全日志", label=_l("安全日志"), icon="fa-shield",
                        **_in_group(SYSTEM))

    appbuilder.add_view_no_menu(PasswordChangeView)
    # 消息中心, API令牌 and API文档: reached from the top bar (the bell, the user menu), not the side menu.
    appbuilder.add_view_no_menu(NotificationView)
    appbuilder.add_view_no_menu(ApiTokenView)
    appbuilder.add_view_no_menu(ApiDocsView)

    # The REST API under /api/v1 (personal API tokens only) and its OpenAPI document.
    for api in (ApplicationApi, CampaignApi, BatchApi, DistrictRequestApi, StatsApi, OpenApiView):
        appbuilder.add_api(api)
