"""The account screens, one module a screen: login, password, 用户列表, 区县局管理员账号, 用户管理, 安全日志."""
