"""The four roles and exactly what each may do, as FAB built-in roles (declared, not stored).

Each role lists the views it may use (FAB view class names) with the permissions it has on each,
and the menu entries it sees. FAB checks these at every request; nothing else grants access.
"""
import re

SYSTEM_ADMIN = "系统管理员"
FINANCE = "市总财务"
DISTRICT_ADMIN = "区县局管理员"
GRASSROOTS = "基层工会用户"
ROLE_NAMES = (SYSTEM_ADMIN, FINANCE, DISTRICT_ADMIN, GRASSROOTS)

READ = ("can_list", "can_show")
CRUD = ("can_list", "can_show", "can_add", "can_edit", "can_delete")
#: The review screens: list, page, single and bulk decisions, 下载Excel (plus each screen's FAB actions).
REVIEW = ("can_list", "can_show", "can_decide", "can_bulk", "can_excel")
#: 申请表 print view and attachment downloads (scoped to the user's organisation subtree).
DOCUMENTS = ("can_print", "can_download")
#: 统计分析: the page, its charts' data and each table as Excel (scoped to the user's organisation subtree).
STATS = ("can_list", "can_data", "can_excel")


#: 我的任务: the user's own background jobs (every role that can start one: exports, imports, intake).
JOBS = {"JobView": ("can_list",)}

#: What both city roles see of every district: transfers, 发放情况备案, 对账 and 统计分析.
CITY_OVERVIEW_VIEWS = {
    "TransferView": READ,
    "PaymentReportView": ("can_list", "can_show", "can_print", "can_excel"),
    "ReconciliationView": ("can_list", "can_excel"),
    "StatsView": STATS,
}

#: What every signed-in user has: 消息中心, its own API tokens, the API documentation, and the API's reads of
#: applications (its scope), campaigns and batches; transitions are further limited to the pages' decisions.
PERSONAL_VIEWS = {
    "NotificationView": ("can_list", "can_read"),
    "ApiTokenView": ("can_list", "can_add", "can_delete"),
    "ApiDocsView": ("can_list",),
    "ApplicationApi": ("can_read", "can_transition"),
    "CampaignApi": ("can_read",),
    "BatchApi": ("can_read",),
}

ROLE_VIEWS = {
    SYSTEM_ADMIN: {
        # 市级账号: the city centre's own 系统管理员 and 市总财务 accounts.
        "CityAccountModelView": CRUD + ("resetpassword",),
        # No can_delete: an organisation is deactivated (停用), never deleted.
        "OrganisationModelView": ("can_list", "can_show", "can_add", "can_edit", "deactivate", "activate"),
        "DistrictAdminModelView": CRUD + ("resetpassword",),
        "SecurityEventModelView": READ,
        # 报名活动 and its batches (changed on the campaign page); 批次一览 lists them all.
        "CampaignView": CRUD + ("can_publish",),
        "BatchModelView": ("can_list",),
        "ReferenceItemModelView": CRUD,
        "ApplicationDocumentView": DOCUMENTS,
        "FinalReviewModelView": REVIEW + ("approve_final", "reject_final", "void"),
        # 证书信息核对: import the certificate register, match applications against it.
        "RegisterView": ("can_list", "can_import", "can_match"),
        "DistrictRequestAdminView": ("can_list", "can_show", "can_return", "can_excel", "can_print"),
        **CITY_OVERVIEW_VIEWS,
        **PERSONAL_VIEWS,
        "DistrictRequestApi": ("can_read",),
        "StatsApi": ("can_read",),
        **JOBS,
    },
    FINANCE: {
        "CampaignView": READ,
        # 配套发放查询: look up and download only (funding is 奖励资金划拨's, under a voucher).
        "FundingModelView": ("can_list", "can_show", "can_excel"),
        # 奖励资金划拨: what is due per district and batch, funded a row or ticked rows at a time.
        "FundingDueView": ("can_list", "can_show", "can_fund"),
        **CITY_OVERVIEW_VIEWS,
        **PERSONAL_VIEWS,
        "StatsApi": ("can_read",),
        **JOBS,
    },
    DISTRICT_ADMIN: {
        "CampaignView": READ,
        "GrassrootsUserModelView": CRUD + ("resetpassword",),
        "ApplicationDocumentView": DOCUMENTS,
        "DistrictReviewModelView": REVIEW + ("approve_by_district", "reject_by_district", "record_payment", "void"),
        "DistrictRequestView": ("can_list", "can_edit", "can_print"),
        # Its own transfers, paid to the workers in one step; its 发放情况备案; its 对账.
        "TransferView": READ + ("can_pay",),
        "PaymentReportView": ("can_list", "can_show", "can_submit", "can_print", "can_excel"),
        "ReconciliationView": ("can_list", "can_excel"),
        "StatsView": STATS,
        **PERSONAL_VIEWS,
        "DistrictRequestApi": ("can_read",),
        "StatsApi": ("can_read",),
        **JOBS,
    },
    GRASSROOTS: {
        "CampaignView": READ,
        "ApplyView": ("can_apply",),
        "MyApplicationModelView": READ + ("withdraw",),
        "ApplicationDocumentView": DOCUMENTS,
        # Only the home page's chart of its own unit (no 统计分析 page).
        "StatsView": ("can_data",),
        **PERSONAL_VIEWS,
        **JOBS,
    },
}

ROLE_MENUS = {
    SYSTEM_ADMIN: ("系统管理", "组织机构", "报名活动", "批次", "参考数据", "市级账号", "区县局管理员账号", "安全日志",
                   "终审", "证书信息核对", "申请单汇总",
                   "划拨记录", "发放情况备案", "对账", "统计分析", "我的任务"),
    FINANCE: ("报名活动", "配套发放", "奖励资金划拨", "划拨记录", "发放情况备案", "对账", "统计分析", "我的任务"),
    DISTRICT_ADMIN: ("报名活动", "用户管理", "区县局报名管理", "申请单", "划拨记录", "发放情况备案", "对账",
                     "统计分析", "我的任务"),
    GRASSROOTS: ("报名活动", "我要报名", "本单位报名管理", "我的任务"),
}


def role_permissions(role):
    """(permission, view) pairs of one role, the menus included as FAB's menu_access."""
    pairs = [(perm, view) for view, perms in ROLE_VIEWS[role].items() for perm in perms]
    pairs += [("menu_access", menu) for menu in ROLE_MENUS[role]]
    return pairs


def fab_roles():
    """FAB_ROLES: anchored regular expressions, so a name never matches a longer one by prefix."""
    return {
        role: [["^%s$" % re.escape(view), "^%s$" % re.escape(perm)] for perm, view in role_permissions(role)]
        for role in ROLE_NAMES
    }
