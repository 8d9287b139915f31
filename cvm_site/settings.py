"""CVM Lab settings: one module, driven by environment variables, safe defaults for a laptop.

Production: DEBUG=0 HTTPS=1 SECRET_KEY=... ALLOWED_HOSTS=example.org DATABASE_URL=postgres://...
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable. A word outside both lists stops start-up: `HTTPS=ture` read as "off"
    would quietly serve a production site without HSTS or secure cookies."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is neither on ({', '.join(TRUE_WORDS)}) "
        f"nor off ({', '.join(FALSE_WORDS)})."
    )


def env_int(name: str, default: int) -> int:
    """A whole number; anything else stops start-up with a message naming the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(f"{name}={os.environ[name]!r} is not a whole number.")
    return int(value)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# HTTPS=1 when the site is served over TLS (behind a proxy): turns on HSTS, secure cookies and the
# HTTP-to-HTTPS redirect. Off by default so `make run` and `make serve` work on plain http://127.0.0.1.
HTTPS = env_bool("HTTPS", False)


def local_secret_key(path: Path) -> str:
    """The key in `path`, made on first start. Written beside and linked into place, so two
    workers starting together agree on one key; the file is git-ignored."""
    if not path.exists():
        from django.core.management.utils import get_random_secret_key

        draft = path.with_name(f"{path.name}.{os.getpid()}")
        draft.write_text(get_random_secret_key())
        draft.chmod(0o600)
        try:
            os.link(draft, path)
            print(
                f"CVM Lab: created a secret key in {path} (set SECRET_KEY to choose one).",
                file=sys.stderr,
            )
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


# Never a key built into the code: a site running on a published key lets anyone forge sessions
# and password-reset links. Without SECRET_KEY, a local start makes its own key once.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if HTTPS:
        raise ImproperlyConfigured("Set SECRET_KEY (50+ random characters) when HTTPS=1.")
    SECRET_KEY = local_secret_key(Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / ".secret_key")))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "lessons",
    "simulator",
    "cvm_site",
    # Login throttling; its failure records live in the database every app server shares.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cvm_site.middleware.PrivacyHeadersMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cvm_site.urls"
WSGI_APPLICATION = "cvm_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# SQLite by default. IMMEDIATE transactions and a 20 s busy timeout stop "database is locked" under
# concurrent quiz submits (tests/load and `make bench` submit at once); WAL lets readers run
# beside the writer.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": SQLITE_OPTIONS,
            # Opening a connection runs the PRAGMAs above: keep it for the worker's next request.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Content Security Policy: no inline script, no eval. The one style hash is the empty <style>
# element plotly.js inserts and fills through insertRule (sha256 of the empty string).
PLOTLY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, PLOTLY_STYLE_HASH],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 365  # a learner's progress lasts a school year without login
LOGGED_IN_SESSION_AGE = 60 * 60 * 24 * 14  # an account's session lasts two weeks (set at login)
# `manage.py purge` deletes anonymous learners idle this long (with their progress).
ANONYMOUS_IDLE_DAYS = env_int("ANONYMOUS_IDLE_DAYS", 400)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe the health check over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preload is a deliberate, hard-to-undo choice: a deployment opts in with HSTS_PRELOAD=1.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD", False)
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # security.W021: HSTS preload is opt-in (HSTS_PRELOAD=1); submitting a domain to the preload
    # list is the operator's decision, not a default we can make for them.
    "security.W021",
]

LOGIN_REDIRECT_URL = "lessons:progress"
LOGOUT_REDIRECT_URL = "lessons:outline"

AUTHENTICATION_BACKENDS = [
    "cvm_site.backends.ThrottledBackend",
    "cvm_site.backends.UsernameBackend",
]
# django-axes: 10 failures for one username, or from one address, lock both out for 15 minutes,
# even with the right password; a success resets the count. State is in the database.
AXES_FAILURE_LIMIT = 10
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cvm_site.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "cvm_site.accounts.client_ip"
AXES_USERNAME_CALLABLE = "cvm_site.accounts.throttled_username"
# New accounts from one address per hour (kept in the database, so shared by all app servers).
SIGNUP_LIMIT_PER_HOUR = env_int("SIGNUP_LIMIT_PER_HOUR", 20)

# Password-reset mail: printed on the console unless an SMTP server is configured.
# (A lowercase name: Django 6.1 deprecates the EMAIL_* settings in favour of MAILERS.)
email_host = os.environ.get("EMAIL_HOST", "")
MAILERS = {
    "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if not email_host
    else {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": email_host,
            "port": env_int("EMAIL_PORT", 587),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
        },
    }
}
if not email_host:
    # mail.E001: a site with no mail server prints reset links to its log, which the operator
    # can read; the course works without mail (an email is optional at sign-up).
    SILENCED_SYSTEM_CHECKS.append("mail.E001")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CVM Lab <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
