"""The EHC Portal application factory, made of small setup steps."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal.config import PROJECT_ROOT, load_config
from portal.converters import init_converters


def create_app(config: dict | None = None) -> Flask:
    """Create the app. `config` overrides settings read from the environment (tests use it)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, config)
    _trust_proxies(app)
    _init_extensions(app)
    init_converters(app)
    _register_blueprints(app)
    _init_wiring(app)
    _init_templates(app)

    from portal.errors import init_error_pages
    from portal.security import init_security_headers

    init_error_pages(app)
    init_security_headers(app)
    _init_assets(app)
    _init_notifications(app)
    _register_commands(app)
    return app


def _configure(app: Flask, overrides: dict | None) -> None:
    instance = Path(app.instance_path)
    app.config.update(load_config(instance))
    if overrides:
        app.config.update(overrides)


def _trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-* headers only from as many proxies as `PROXY_FIX_X_*` says.

    Behind a proxy, without this, rate limits and the audit trail see only the proxy's address;
    with it set when there is no proxy, anyone could choose their own address.
    """
    counts = app.config.get("PROXY_FIX") or {}
    if any(counts.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    from portal import transactions
    from portal.accounts.sessions import init_login
    from portal.extensions import csrf, db, htmx, limiter, migrate

    db.init_app(app)
    transactions.init_app(app)  # after `db`: its teardown must run before the session's
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    init_login(app)


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.manage_views import bp as manage_accounts_bp
    from portal.accounts.second_factor_views import bp as second_factor_bp
    from portal.accounts.views import bp as accounts_bp
    from portal.cases.views import bp as cases_bp
    from portal.casework.blueprint import bp as casework_bp
    from portal.content.views import bp as content_bp
    from portal.documents.views import bp as documents_bp
    from portal.funding.banding_views import bp as banding_bp
    from portal.funding.money_views import bp as money_bp
    from portal.funding.views import bp as funding_bp
    from portal.notifications.views import bp as notifications_bp
    from portal.pages import bp as pages_bp
    from portal.people.views import bp as people_bp
    from portal.plans.views import bp as plans_bp
    from portal.pledge.views import bp as pledge_bp
    from portal.quality.views import bp as quality_bp
    from portal.records.views import bp as records_bp

    for blueprint in (
        pages_bp,
        accounts_bp,
        manage_accounts_bp,
        second_factor_bp,
        cases_bp,
        casework_bp,
        documents_bp,
        people_bp,
        content_bp,
        pledge_bp,
        plans_bp,
        notifications_bp,
        funding_bp,
        banding_bp,
        money_bp,
        records_bp,
        quality_bp,
    ):
        app.register_blueprint(blueprint)


def _init_wiring(app: Flask) -> None:
    from portal.wiring import init_wiring

    init_wiring(app)


def _init_assets(app: Flask) -> None:
    from portal.assets import init_assets

    init_assets(app)


def _init_templates(app: Flask) -> None:
    from portal.templating import init_templating

    init_templating(app)


def _init_notifications(app: Flask) -> None:
    """The header's unread count of notices (the notices themselves come from events: wiring)."""
    from portal.notifications import views

    views.init_app(app)


def _register_commands(app: Flask) -> None:
    from portal.accounts.cli import accounts_cli, create_admin_command
    from portal.bench_data import bench_data_command
    from portal.cases.cli import deadlines_cli
    from portal.content.cli import content_cli
    from portal.demo import demo_command
    from portal.documents.cli import documents_cli
    from portal.notifications.cli import notifications_cli
    from portal.records.cli import audit_cli, retention_cli

    app.cli.add_command(demo_command)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(bench_data_command)
    app.cli.add_command(content_cli)
    app.cli.add_command(deadlines_cli)
    app.cli.add_command(documents_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(create_admin_command)
