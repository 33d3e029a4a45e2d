"""Password rules (SPEC §7). Pure: no Flask, no database."""

MIN_LENGTH = 8
HISTORY_SIZE = 5

#: Passwords that meet the character rules yet are among the first any attacker tries.
COMMON_PASSWORDS = frozenset(p.lower() for p in (
    "Password1", "Password1!", "Password123", "P@ssw0rd", "P@ssword1", "Passw0rd", "Passw0rd!", "Admin123",
    "Admin@123", "Admin123!", "Abc12345", "Abc123456", "Abcd1234", "Abcd@1234", "Aa123456", "Aa123456!",
    "Qwer1234", "Qwerty123", "Qwerty123!", "1qaz2WSX", "1qaz@WSX", "Zxcv1234", "Welcome1", "Welcome123",
    "Test1234", "Test@123", "Root1234", "Shanghai123", "Shanghai@123", "Woaini1314", "Iloveyou1",
    "Asdf1234", "Asd123456", "A1234567", "a1234567", "Aa111111", "Aa000000", "Aa888888", "Qq123456",
    "Zz123456", "Pass1234", "Pass@123", "Changeme1", "Changeme123", "Letmein1", "Sunshine1", "Monkey123",
    "Dragon123", "Football1", "Baseball1", "Master123", "Superman1", "Trustno1!", "Jishi2015", "Jishi@2015",
))


def character_classes(password):
    return sum((
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))


def password_problems(password, username=""):
    """Chinese messages for every rule the password breaks (empty list: acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码至少需要{MIN_LENGTH}个字符")
    if character_classes(password) < 3:
        problems.append("密码须包含大写字母、小写字母、数字、符号中的至少三类")
    if username and username.lower() in password.lower():
        problems.append("密码不能包含用户名")
    if password.lower() in COMMON_PASSWORDS:
        problems.append("该密码过于常见，请换一个")
    return problems
