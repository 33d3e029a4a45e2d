"""Pages before signing in: the platform's front page, each campaign's 活动主页, the blank forms 附件1–4,
and 进度查询 for workers."""
