"""Configuration from the environment. Nothing secret lives in the repository."""
import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Settings read from the environment when the object is made (so tests can change the environment)."""

    def __init__(self):
        self.APP_ENV = os.environ.get("APP_ENV", "development")
        self.INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))
        self.SECRET_KEY = self._secret_key()
        #: Personal numbers at rest: 'id:key,...' (the first encrypts, all decrypt) and the look-up hash key.
        self.DATA_KEYS = self._generated_key("DATA_KEYS", "data_keys", lambda: f"k1:{_new_key()}")
        self.DATA_LOOKUP_KEY = self._generated_key("DATA_LOOKUP_KEY", "data_lookup_key", _new_key)
        self.SQLALCHEMY_DATABASE_URI = self._database_url()
        self.UPLOAD_DIR = str(Path(os.environ.get("UPLOAD_DIR", self.INSTANCE_DIR / "uploads")))
        redis_url = os.environ.get("REDIS_URL")
        self.REDIS_URL = redis_url
        self.RATELIMIT_STORAGE_URI = redis_url or "memory://"
        self.SESSION_COOKIE_SECURE = self.APP_ENV == "production"
        #: How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none, trust no header).
        self.TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
        #: 对账 flags rows funded but not paid to workers for more than this many days.
        self.RECONCILIATION_UNPAID_DAYS = int(os.environ.get("RECONCILIATION_UNPAID_DAYS", "30"))
        #: E-mail copies of 消息中心 messages (none without SMTP_HOST), sent by the job queue.
        self.SMTP_HOST = os.environ.get("SMTP_HOST") or None
        self.SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
        self.SMTP_USERNAME = os.environ.get("SMTP_USERNAME") or None
        self.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
        self.SMTP_STARTTLS = _env_bool("SMTP_STARTTLS")
        self.SMTP_SSL = _env_bool("SMTP_SSL")
        self.MAIL_FROM = os.environ.get("MAIL_FROM") or None
        #: The address users reach the platform at (the link in e-mails).
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL") or None
        #: Audit and security records are kept at least this long (never deleted by the app; at least 180).
        self.AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "180"))
        #: Logs as JSON lines on stderr (app/ops/logs.py).
        self.LOG_JSON = _env_bool("LOG_JSON", True)
        #: Background jobs (app/jobs): Redis when REDIS_URL is set, else this SQLite file in the instance folder.
        self.JOBS_SQLITE_PATH = str(self.INSTANCE_DIR / "jobs-queue.db")
        #: Where job results (e.g. a large 汇总表) are written; on storage every consumer and web worker shares.
        self.JOB_RESULT_DIR = str(Path(os.environ.get("JOB_RESULT_DIR", self.INSTANCE_DIR / "job-results")))
        #: Result files are deleted this many days after their job finished.
        self.JOB_RESULT_DAYS = int(os.environ.get("JOB_RESULT_DAYS", "7"))
        #: A 汇总表 of more rows than this is written by a background job (smaller ones download at once).
        self.EXPORT_JOB_THRESHOLD = int(os.environ.get("EXPORT_JOB_THRESHOLD", "5000"))
        #: 证书信息核对: a register file of more rows, or a matching of more applications, runs as a background job.
        self.REGISTER_JOB_THRESHOLD = int(os.environ.get("REGISTER_JOB_THRESHOLD", "5000"))
        #: 批量导入: a workbook of more rows is imported by a background job (progress on 我的任务).
        self.INTAKE_JOB_THRESHOLD = int(os.environ.get("INTAKE_JOB_THRESHOLD", "500"))
        #: Scans (身份证, 等级证书) are read by OCR in a background job (app/ocr); 0 turns it off.
        self.OCR_ENABLED = _env_bool("OCR_ENABLED", True)

    # Flask / Flask-SQLAlchemy
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    #: pool_pre_ping: a connection is tested before use, so the app recovers from a database restart by itself;
    #: hide_parameters: SQL parameters (personal numbers) never appear in error messages or logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)
    #: Idle sessions end after this many minutes (checked on every request).
    SESSION_IDLE_MINUTES = 30
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which the idle timeout ends

    # Flask-AppBuilder
    APP_NAME = "技师奖励申报平台"
    APP_THEME = ""
    FAB_CREATE_DB = False  # the schema is built by Alembic migrations only
    FAB_UPDATE_PERMS = False  # permissions are synchronised by `flask seed`, never while the app starts
    FAB_ADD_SECURITY_API = False
    FAB_API_SWAGGER_UI = False  # our own OpenAPI view and Swagger page (app/api/docs.py)
    #: Personal API tokens (app/accounts/tokens.py) through FAB's protect(); FAB's key API stays off.
    FAB_API_KEY_ENABLED = True
    FAB_API_KEY_PREFIXES = ["jst_"]
    #: Requests per personal API token (Flask-Limiter syntax).
    API_RATE_LIMIT = "120 per minute"
    #: How often the top bar's bell asks for the unread count (seconds).
    NOTIFICATION_POLL_SECONDS = 30
    FAB_PASSWORD_HASH_METHOD = "scrypt"
    AUTH_TYPE = 1  # AUTH_DB
    AUTH_ROLE_ADMIN = "系统管理员"
    AUTH_ROLE_PUBLIC = "公开"
    AUTH_USER_REGISTRATION = False
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {"zh": {"flag": "cn", "name": "简体中文"}}
    FAB_INDEX_VIEW = "app.views.HomeView"
    FAB_SECURITY_MANAGER_CLASS = "app.accounts.security.AppSecurityManager"
    FAB_ROLES = {}  # filled from app.accounts.roles in create_app
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    #: Rate limit per client address on the login form (Flask-Limiter syntax).
    LOGIN_RATE_LIMIT = "30 per minute"
    #: 进度查询 (public): POSTs per client address, and lookups per ID number that passed the captcha.
    PROGRESS_RATE_LIMIT = "20 per 10 minutes"
    PROGRESS_ID_RATE_LIMIT = "5 per hour"
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    #: Only TestConfig may set this: the captcha then always expects this answer.
    CAPTCHA_FIXED_ANSWER = None
    MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    MAX_PAGE_SIZE = 100
    #: Lists count exactly up to this many rows; above it they show 约 and an exact count at most
    #: LIST_COUNT_CACHE_SECONDS old (kept per process), so a city-wide list is not counted on every page.
    LIST_EXACT_COUNT = 10_000
    LIST_COUNT_CACHE_SECONDS = 60
    #: Name of the job queue (the Redis key prefix).
    JOBS_QUEUE_NAME = "jishi"
    #: Huey's immediate mode: a submitted job runs at once inside the submitting process (tests only).
    JOBS_IMMEDIATE = False
    #: Worker threads of the consumer that `python run.py` starts beside the web server.
    JOBS_EMBEDDED_WORKERS = 2

    def _secret_key(self):
        key = os.environ.get("SECRET_KEY")
        if key:
            return key
        if self.APP_ENV == "production":
            raise RuntimeError("APP_ENV=production 时必须通过环境变量 SECRET_KEY 提供密钥")
        path = self.INSTANCE_DIR / "secret_key"
        if not path.exists():
            self.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()

    def _generated_key(self, variable, file_name, make):
        """From the environment; else (not in production) generated once into instance/ like the secret key."""
        value = os.environ.get(variable)
        if value:
            return value.strip()
        if self.APP_ENV == "production":
            raise RuntimeError(f"APP_ENV=production 时必须通过环境变量 {variable} 提供个人信息加密密钥")
        path = self.INSTANCE_DIR / file_name
        if not path.exists():
            self.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(make())
            path.chmod(0o600)
        return path.read_text().strip()

    def _database_url(self):
        url = os.environ.get("DATABASE_URL")
        if url:
            return _normalise_db_url(url)
        self.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.INSTANCE_DIR / 'jishi.db'}"

    def validate(self):
        """Refuse settings that must never reach production."""
        if self.APP_ENV == "production" and self.CAPTCHA_FIXED_ANSWER:
            raise RuntimeError("生产环境不允许固定验证码（CAPTCHA_FIXED_ANSWER）")
        if getattr(self, "AUDIT_RETENTION_DAYS", 180) < 180:
            raise RuntimeError("审计记录至少保留180天（AUDIT_RETENTION_DAYS 不能小于180）")


def _new_key():
    """A fresh 256-bit key, base64url without padding (the format of DATA_KEYS and DATA_LOOKUP_KEY)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _normalise_db_url(url):
    # psycopg 3 is the driver we ship; accept the usual postgres:// spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class TestConfig(Config):
    """Used by the test suite only: database from TEST_DATABASE_URL, fixed captcha answer."""

    __test__ = False  # not a pytest test class
    TESTING = True
    CAPTCHA_FIXED_ANSWER = "TEST"
    RATELIMIT_ENABLED = True
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing keeps the suite quick

    def __init__(self, database_url, instance_dir):
        os.environ.setdefault("INSTANCE_DIR", str(instance_dir))
        super().__init__()
        self.INSTANCE_DIR = Path(instance_dir)
        self.SQLALCHEMY_DATABASE_URI = _normalise_db_url(database_url)
        self.UPLOAD_DIR = str(Path(instance_dir) / "uploads")
        self.RATELIMIT_STORAGE_URI = "memory://"
        # The job queue: its own SQLite file in the test's instance folder (never the developer's Redis).
        self.REDIS_URL = None
        self.JOBS_SQLITE_PATH = str(Path(instance_dir) / "jobs-queue.db")
        self.JOB_RESULT_DIR = str(Path(instance_dir) / "job-results")
