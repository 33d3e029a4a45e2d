"""The account screens, one module a screen: login, password, 市级账号, 区县局管理员账号, 用户管理, 安全日志."""
