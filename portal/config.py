"""Settings, read from environment variables.

Development and test need nothing set: SQLite and uploads live in `instance/`, and a secret key is
generated once and kept there, email goes to the log and files are marked "not scanned".

Production (`PORTAL_ENV=production`) fails closed: it refuses to start without a real `SECRET_KEY`,
a `DATABASE_URL`, the `PORTAL_URL` that links in emails are built from, a mail server, a virus
scanner and a shared rate-limit store. Each of the last three may be waived only by an explicit
`ALLOW_…` setting, and staff are then told on every page (see `degraded_protections`).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Room in an upload request for the form fields and multipart headers around the files.
FORM_FIELDS_MARGIN = 64 * 1024


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def _instance_secret_key(instance_path: Path) -> str:
    """Return the development secret key kept in `instance/`, creating it the first time."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path, url: str | None) -> str:
    if not url:
        return f"sqlite:///{instance_path / 'portal.db'}"
    # Heroku-style URLs name the driver we do not use.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


#: Who families and professionals can call, as settings. The defaults are made-up details for the
#: demo council (Northfield): each page that shows them says so while any default is in use.
CONTACT_SETTINGS = {
    "COUNCIL_CONTACT_EMAIL": "send.team@example.org",
    "COUNCIL_CONTACT_PHONE": "01234 567 890",
    "COUNCIL_CONTACT_HOURS": "Monday to Friday, 9am to 5pm",
    "COUNCIL_DATA_PROTECTION_EMAIL": "data.protection@example.org",
    "IASS_NAME": "Northfield SEND Information, Advice and Support Service",
    "IASS_PHONE": "01234 567 999",
    "IASS_EMAIL": "sendiass@example.org",
    "IASS_WEBSITE": "https://sendiass.example.org",
}


def _contact_settings(env: dict[str, str]) -> dict:
    """The contact settings, and whether any of them is still a demo value."""
    values = {name: env.get(name) or default for name, default in CONTACT_SETTINGS.items()}
    examples = any(not env.get(name) for name in CONTACT_SETTINGS)
    return {**values, "CONTACT_DETAILS_ARE_EXAMPLES": examples}


#: Development's address when `PORTAL_URL` is not set: where `make run` serves.
DEVELOPMENT_PORTAL_URL = "http://127.0.0.1:5000"

#: Waivers a production operator may set on purpose, and what each one gives up.
WAIVERS = {
    "ALLOW_EMAIL_TO_LOG": "Emails (with sign-in links) are written to the server log, not sent.",
    "ALLOW_UNSCANNED_UPLOADS": "Uploaded files are not checked for viruses.",
    "ALLOW_MEMORY_RATE_LIMITS": (
        "Limits on repeated sign-ins and uploads are counted by each server process separately."
    ),
}

_TRUE = {"1", "true", "yes", "on"}


def _flag(env: dict[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in _TRUE


def _portal_url(env: dict[str, str], production: bool) -> str:
    """The portal's own address, for links in emails: never taken from a request's Host."""
    url = (env.get("PORTAL_URL") or "").strip().rstrip("/")
    if not url:
        if production:
            raise ConfigError(
                "Set PORTAL_URL to the portal's public address, like https://ehc.example.gov.uk"
            )
        return DEVELOPMENT_PORTAL_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError("PORTAL_URL must be an address like https://ehc.example.gov.uk")
    if production and parts.scheme != "https":
        raise ConfigError("PORTAL_URL must start with https:// in production.")
    return url


def _trusted_hosts(env: dict[str, str], portal_url: str, production: bool) -> list[str] | None:
    """Host names the server answers to. Production defaults to the host of PORTAL_URL only."""
    listed = [h.strip() for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    if listed:
        return listed
    return [urlsplit(portal_url).hostname or ""] if production else None


def _check_production_services(env: dict[str, str]) -> list[str]:
    """Refuse to start without mail, a virus scanner and a shared rate-limit store, unless the
    operator waived each on purpose. Returns the waivers in force."""
    waived = []
    checks = [
        ("MAIL_SERVER", "ALLOW_EMAIL_TO_LOG", bool(env.get("MAIL_SERVER"))),
        ("CLAMD_SOCKET", "ALLOW_UNSCANNED_UPLOADS", bool(env.get("CLAMD_SOCKET"))),
        (
            "RATELIMIT_STORAGE_URI",
            "ALLOW_MEMORY_RATE_LIMITS",
            not env.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"),
        ),
    ]
    for setting, waiver, present in checks:
        if present:
            continue
        if not _flag(env, waiver):
            raise ConfigError(
                f"Set {setting} (or, knowing the risk, {waiver}=true): {WAIVERS[waiver]}"
            )
        waived.append(waiver)
    return waived


def _proxy_fix(env: dict[str, str]) -> dict[str, int]:
    """How many proxies in front of the portal set each X-Forwarded-* header (none by default)."""
    counts = {}
    for name in ("for", "proto", "host", "prefix"):
        value = env.get(f"PROXY_FIX_X_{name.upper()}", "0").strip() or "0"
        if not value.isdigit():
            raise ConfigError(f"PROXY_FIX_X_{name.upper()} must be a whole number of proxies.")
        counts[f"x_{name}"] = int(value)
    return counts


def load_config(instance_path: Path, environ: dict[str, str] | None = None) -> dict:
    """Build the Flask config mapping from the environment."""
    env = dict(os.environ if environ is None else environ)
    production = env.get("PORTAL_ENV", "development") == "production"

    secret_key = env.get("SECRET_KEY")
    if production and (not secret_key or len(secret_key) < 32):
        raise ConfigError("Set SECRET_KEY to a random string of at least 32 characters.")
    if production and not env.get("DATABASE_URL"):
        raise ConfigError("Set DATABASE_URL to the production PostgreSQL database.")
    portal_url = _portal_url(env, production)
    waived = _check_production_services(env) if production else []

    max_upload = int(env.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
    return {
        "PORTAL_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key or _instance_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path, env.get("DATABASE_URL")),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PORTAL_URL": portal_url,
        "TRUSTED_HOSTS": _trusted_hosts(env, portal_url, production),
        "PROXY_FIX": _proxy_fix(env),
        # Protections an operator switched off in production (shown to staff on every page).
        "WAIVED_PROTECTIONS": waived,
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(instance_path / "uploads"),
        "MAX_UPLOAD_BYTES": max_upload,
        # The whole request: the files plus room for the form's other fields. A bigger request
        # is answered 413 from its Content-Length, before its body is read.
        "MAX_CONTENT_LENGTH": max_upload + FORM_FIELDS_MARGIN,
        "CLAMD_SOCKET": env.get("CLAMD_SOCKET") or None,
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in {"1", "true", "yes"},
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_SENDER": env.get("MAIL_SENDER", "EHC Portal <no-reply@example.org>"),
        # Daily summaries are gathered from this hour (UTC) onwards each day.
        "NOTICE_SUMMARY_HOUR": int(env.get("NOTICE_SUMMARY_HOUR", "7")),
        # Where the worker records the audit chain's head once a day, outside the database
        # (see portal/audit_anchor.py): a file to append to, and/or an email address.
        "AUDIT_ANCHOR_FILE": env.get("AUDIT_ANCHOR_FILE") or None,
        "AUDIT_ANCHOR_EMAIL": env.get("AUDIT_ANCHOR_EMAIL") or None,
        "COUNCIL_NAME": env.get("COUNCIL_NAME", "Northfield Council"),
        "SERVICE_NAME": env.get("SERVICE_NAME", "EHC Portal"),
        # A council may ask that every page is published by two editors: one asks, another
        # approves (CONTENT_TWO_EDITORS=1).
        "CONTENT_TWO_EDITORS": env.get("CONTENT_TWO_EDITORS", "").lower() in {"1", "true", "yes"},
        # The retention rule for closed cases (see portal/records/retention.py): kept until both
        # this many years after closing and the young person's birthday at this age have passed.
        "CASE_RETENTION_YEARS_AFTER_CLOSING": int(
            env.get("CASE_RETENTION_YEARS_AFTER_CLOSING", "6")
        ),
        "CASE_RETENTION_UNTIL_AGE": int(env.get("CASE_RETENTION_UNTIL_AGE", "31")),
        **_contact_settings(env),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Sessions: the cookie only names a server-side session record (see accounts.sessions).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "__Host-portal" if production else "portal",
        "REMEMBER_COOKIE_DURATION": timedelta(0),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=30),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=12),
        # Sensitive actions (granting access, inviting, exports, role changes) ask for the second
        # factor again when it was last given longer ago than this.
        "SECOND_FACTOR_FRESH_FOR": timedelta(
            minutes=int(env.get("SECOND_FACTOR_FRESH_MINUTES", "15"))
        ),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which itself expires
        "WTF_CSRF_SSL_STRICT": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "MAIL_BACKEND": "smtp" if env.get("MAIL_SERVER") else "console",
    }
