"""Django settings for Youpin, read from the environment.

`YOUPIN_ENV` is `development` (default: embedded SQLite under var/, a generated
secret key kept in var/) or `production` (PostgreSQL expected, a real secret key
and DEBUG off are required; unsafe values refuse to start). `DATABASE_URL`
selects the database for every command.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _default_var_dir() -> Path:
    """Return var/ in the source checkout when run from one, else ./var."""
    src = PACKAGE_DIR.parent
    if src.name == "src" and (src.parent / "pyproject.toml").exists():
        return src.parent / "var"
    return Path.cwd() / "var"


def _env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


ENVIRONMENT = os.environ.get("YOUPIN_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"YOUPIN_ENV must be development, production or test, not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"

VAR_DIR = Path(os.environ.get("YOUPIN_VAR_DIR") or _default_var_dir())

DEBUG = _env_bool("YOUPIN_DEBUG", default=False)

INSECURE_KEY_PREFIX = "django-insecure"


def _secret_key() -> str:
    """Take the secret key from the environment; outside production, keep one in var/."""
    key = os.environ.get("YOUPIN_SECRET_KEY", "").strip()
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("YOUPIN_SECRET_KEY must be set in production")
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    generated = secrets.token_urlsafe(50)
    path.write_text(generated)
    path.chmod(0o600)
    return generated


SECRET_KEY = _secret_key()

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("YOUPIN_DEBUG must be off in production")
    if (
        len(SECRET_KEY) < 40
        or SECRET_KEY.startswith(INSECURE_KEY_PREFIX)
        or len(set(SECRET_KEY)) < 10
    ):
        raise ImproperlyConfigured(
            "YOUPIN_SECRET_KEY is too weak for production (40+ varied characters)"
        )

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "YOUPIN_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if h.strip()
]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("YOUPIN_ALLOWED_HOSTS must name the site's host names in production")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("YOUPIN_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "youpin.core",
    "youpin.geo",
    "youpin.accounts",
    "youpin.catalog",
    "youpin.logistics",
    "youpin.stations",
    "youpin.counter",
    "youpin.routing",
    "youpin.commerce",
    "youpin.ingest",
    "youpin.demo",
    "youpin.facts",
    "youpin.trust",
    "youpin.plans",
    "youpin.delivery",
    "youpin.cockpit",
    "youpin.reports",
    "youpin.metrics",
    "youpin.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "youpin.config.urls"
WSGI_APPLICATION = "youpin.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "youpin.portal.context.site",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    """Build the default database from DATABASE_URL, or the embedded SQLite file."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        url = f"sqlite:///{VAR_DIR / 'youpin.sqlite3'}"
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if str(config["ENGINE"]).endswith("sqlite3"):
        if config["NAME"] != ":memory:":
            Path(str(config["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        # Connections are kept, as on PostgreSQL: opening one per request costs the pragmas
        # and the loaders' temporary tables each time, and closing the last one checkpoints
        # the WAL (a disk flush per request; docs/BENCHMARKS.md, pushes).
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
        if config["NAME"] != ":memory:":
            db_path = Path(str(config["NAME"]))
            config["TEST"] = {"NAME": str(db_path.with_name(f"test_{db_path.name}"))}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("YOUPIN_HSTS_SECONDS", "3600"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal": {"()": "youpin.core.logging.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("YOUPIN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50

# Synthetic demo data is flagged on every page while present.
YOUPIN_REGION_CODE = os.environ.get("YOUPIN_REGION_CODE", "640500000000")

# After each import batch, refresh the facts of its days and re-verify its orders
# (youpin.facts.after_import); 0 leaves it to the scheduled refreshes (docs/OPERATIONS.md).
YOUPIN_REFRESH_AFTER_IMPORT = _env_bool("YOUPIN_REFRESH_AFTER_IMPORT", default=True)

# Tracking push endpoints (/push/kuaidi100/, /push/kdniao/, /push/wechat/): the secrets the
# providers sign with. In production an empty secret turns its endpoint off (403); in
# development and tests an empty secret lets unsigned pushes in, marked as unchecked.
YOUPIN_KUAIDI100_SALT = os.environ.get("YOUPIN_KUAIDI100_SALT", "")
YOUPIN_KDNIAO_APP_KEY = os.environ.get("YOUPIN_KDNIAO_APP_KEY", "")
YOUPIN_KDNIAO_EBUSINESS_ID = os.environ.get("YOUPIN_KDNIAO_EBUSINESS_ID", "")
YOUPIN_WECHAT_TOKEN = os.environ.get("YOUPIN_WECHAT_TOKEN", "")
