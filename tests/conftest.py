"""Fixtures shared by every test: the app on each database, signed-in clients, and role-named
people on a small council. Feature-specific fixtures live in each test package's conftest."""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import jinja2
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import has_app_context, url_for
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from jinja2.bccache import Bucket

from portal import audit, clock, create_app
from portal.accounts import second_factor
from portal.accounts import services as account_services
from portal.accounts.models import OrganisationKind, Role
from portal.cases.models import Relationship
from portal.extensions import db
from tests import factories

# The browser tests' report must run where the summary is printed, which under pytest-xdist is
# the controller: it loads this conftest but not tests/browser/conftest.py.
pytest_plugins = ["pytester", "tests.browser.reporting"]

TEST_SECRET_KEY = "test-secret-key-" + "x" * 32
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
_schemas_made: set[str] = set()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A database made for this test run and dropped after it: SQLite always, PostgreSQL too
    when TEST_DATABASE_URL names a server (CI sets it; an unreachable server fails the run)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'portal.db'}"
        return
    server_url = sa.make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg")
    name = f"ehc_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        # As for SQLite below: a commit need not wait for the disk in a throwaway database.
        url = server_url.set(database=name).update_query_dict(
            {"options": "-c synchronous_commit=off"}
        )
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _clear_tables() -> None:
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    audit.start_chain(db.session)  # as a migrated database has it
    db.session.commit()


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per test run and shared by the new app every test makes
    (recompiling them for each test was a large share of a page test's time). Entries are
    keyed by template name and checked against the source, so an edited template is compiled
    afresh; only compiled code is shared, never rendered output or state."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def _share_compiled_templates(app) -> None:
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES


@sa.event.listens_for(sa.Engine, "connect")
def _no_waiting_for_the_disk(dbapi_connection, _record) -> None:
    """Test databases are thrown away after the run, so SQLite need not wait for each commit to
    reach the disk (on a busy machine that wait was most of a test's time). Nothing a test
    checks depends on surviving a power cut."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous = OFF")


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "MAIL_BACKEND": "fail",
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "portal.test",
        "PORTAL_URL": "http://portal.test",
    }


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own application context, as in production:
    nothing cached on `g` or in the database session leaks from one request to the next."""

    def open(self, *args, **kwargs):
        if has_app_context():
            # Factories only flush: the request (a connection of its own) sees what the test
            # made once it is committed, in one commit instead of one per object.
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
            response.get_data()
        if has_app_context():
            db.session.expire_all()  # the test's own view of the data is refreshed
        return response


@pytest.fixture
def app(app_config):
    """The portal on a clean database (every row is removed after each test)."""
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    _share_compiled_templates(app)
    with app.app_context():
        if app_config["SQLALCHEMY_DATABASE_URI"] not in _schemas_made:
            db.drop_all()
            db.create_all()
            audit.start_chain(db.session)
            db.session.commit()
            _schemas_made.add(app_config["SQLALCHEMY_DATABASE_URI"])
        try:
            yield app
        finally:
            db.session.rollback()
            _clear_tables()
            db.session.remove()
            _dispose_engines(app)
            clock.freeze(None)


def _dispose_engines(app) -> None:
    """Close pooled connections now, not when the garbage collector finds the app."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def make_app(app_config):
    """Another app on the same database with some settings changed (closed after the test)."""
    made = []

    def make(**overrides):
        other = create_app({**app_config, **overrides})
        other.test_client_class = IsolatedClient
        _share_compiled_templates(other)
        made.append(other)
        return other

    yield make
    for other in made:
        _dispose_engines(other)


@pytest.fixture
def outbox(app) -> list:
    """Catch email in a list instead of failing (the test config fails on unexpected email)."""
    app.config["MAIL_BACKEND"] = "memory"
    return app.extensions.setdefault("outbox", [])


# --- Pages checked the way a person and an assistive technology would meet them ------------------


class Page:
    """A response with its parsed HTML."""

    def __init__(self, response) -> None:
        self.response = response
        self.status = response.status_code
        self.html = BeautifulSoup(response.get_data(as_text=True), "html.parser")

    def text(self, selector: str) -> str:
        node = self.html.select_one(selector)
        assert node is not None, f"nothing matches {selector!r}"
        return " ".join(node.get_text(" ").split())

    def texts(self, selector: str) -> list[str]:
        return [" ".join(n.get_text(" ").split()) for n in self.html.select(selector)]

    @property
    def h1(self) -> str:
        return self.text("h1")

    @property
    def error_summary(self) -> list[str]:
        return self.texts(".govuk-error-summary__list li")


def check_page(page: Page, *, fragment: bool) -> None:
    """Every page: one h1, a title that starts with it, forms with an action, unique ids."""
    html = page.html
    ids = [tag["id"] for tag in html.select("[id]")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    for form in html.select("form"):
        assert form.get("action"), f"a form has no action: {str(form)[:200]}"
        if form.get("method", "get").lower() == "post":
            assert form.select_one("input[name=csrf_token]"), "a POST form has no CSRF token"
    if fragment:
        assert html.select_one("html") is None, "an htmx fragment must not be a whole page"
        return
    h1s = html.select("h1")
    assert len(h1s) == 1, f"expected one <h1>, found {len(h1s)}"
    title = " ".join(html.title.get_text().split())
    h1 = " ".join(h1s[0].get_text(" ").split())
    assert title.removeprefix("Error: ").startswith(h1), (
        f"title {title!r} does not start with {h1!r}"
    )
    if html.select_one(".govuk-error-summary"):
        assert title.startswith("Error: "), "a page with errors must say so in its title"


class ClientRequest:
    """Tests name endpoints, assert the status, and get parsed, checked HTML back."""

    def __init__(self, app, client) -> None:
        self.app = app
        self.client = client
        self.user = None

    def _url(self, endpoint: str, **values) -> str:
        with self.app.test_request_context():
            return url_for(endpoint, **values)

    def csrf_token(self) -> str:
        """A valid token for this client's session, made the way Flask-WTF makes them."""
        raw = "test-csrf-" + uuid.uuid4().hex
        with self.client.session_transaction() as session:
            raw = session.setdefault("csrf_token", raw)
        return URLSafeTimedSerializer(self.app.secret_key, salt="wtf-csrf-token").dumps(raw)

    def get(
        self,
        endpoint: str,
        *,
        expected_status: int = 200,
        htmx: bool = False,
        headers: dict | None = None,
        **values,
    ) -> Page:
        headers = dict(headers or {})
        if htmx:
            headers["HX-Request"] = "true"
        response = self.client.get(self._url(endpoint, **values), headers=headers)
        assert response.status_code == expected_status, (
            f"GET {endpoint}: {response.status_code} != {expected_status}\n"
            + response.get_data(as_text=True)[:2000]
        )
        page = Page(response)
        if (
            response.mimetype == "text/html" and response.status_code < 300
        ) or expected_status >= 400:
            check_page(page, fragment=htmx)
        return page

    def get_redirect(self, endpoint: str, *, expected_status: int = 302, **values) -> str:
        response = self.client.get(self._url(endpoint, **values))
        assert response.status_code == expected_status, response.status_code
        return _path(response.headers["Location"])

    def post(
        self,
        endpoint: str,
        data: dict | None = None,
        *,
        expected_status: int = 303,
        expected_redirect: str | None = None,
        htmx: bool = False,
        csrf: bool = True,
        url_values: dict | None = None,
        **kwargs,
    ) -> Page:
        data = dict(data or {})
        headers = {}
        if csrf:
            token = self.csrf_token()
            if htmx:
                headers["X-CSRFToken"] = token
            else:
                data.setdefault("csrf_token", token)
        if htmx:
            headers["HX-Request"] = "true"
        response = self.client.post(
            self._url(endpoint, **(url_values or {})), data=data, headers=headers, **kwargs
        )
        assert response.status_code == expected_status, (
            f"POST {endpoint}: {response.status_code} != {expected_status}\n"
            + response.get_data(as_text=True)[:3000]
        )
        if expected_redirect is not None:
            assert _path(response.headers["Location"]) == expected_redirect
        page = Page(response)
        if (
            response.status_code in (200, 400, 404, 409, 413, 422)
            and response.mimetype == "text/html"
        ):
            check_page(page, fragment=htmx)
        return page

    def sign_in_as(self, user, *, second_factor_done: bool = True) -> None:
        """Start a real server-side session for `user` without typing the password, with the
        second factor given (`second_factor_done=False`: a session still waiting for it)."""
        with self.app.test_request_context():
            token = account_services._start_session(user)
            if second_factor_done:
                row = second_factor.session_row(token)
                assert row is not None
                second_factor.mark_done(row)
            db.session.commit()
        with self.client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        self.user = user


def _path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def client_request(app) -> ClientRequest:
    return ClientRequest(app, app.test_client())


@pytest.fixture
def new_client(app):
    """Another browser: for tests with two people at once."""

    def make() -> ClientRequest:
        return ClientRequest(app, app.test_client())

    return make


@contextmanager
def query_counter():
    """Count the SQL statements run inside the block: `with query_counter() as count: ...`."""
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)


@pytest.fixture
def count_queries():
    return query_counter


# --- A small council: role-named people and one family's case -------------------------------


@pytest.fixture
def council(app):
    return factories.make_organisation("Test Council SEND Team", OrganisationKind.COUNCIL)


@pytest.fixture
def school(app):
    return factories.make_organisation("Oak Primary School", OrganisationKind.SCHOOL)


@pytest.fixture
def ep_service(app):
    return factories.make_organisation(
        "Psychology Service", OrganisationKind.EDUCATIONAL_PSYCHOLOGY
    )


@pytest.fixture
def case_officer(council):
    return factories.make_user(Role.CASE_OFFICER, organisation=council, name="Chris Officer")


@pytest.fixture
def other_council_officer(app):
    other = factories.make_organisation("Another Council", OrganisationKind.COUNCIL)
    return factories.make_user(Role.CASE_OFFICER, organisation=other)


@pytest.fixture
def parent(app):
    return factories.make_user(Role.PARENT, name="Pat Parent")


@pytest.fixture
def parent2(app):
    return factories.make_user(Role.PARENT, name="Other Parent")


@pytest.fixture
def young_person(app):
    return factories.make_user(Role.YOUNG_PERSON, name="Yara Young")


@pytest.fixture
def senco(school):
    return factories.make_user(Role.SCHOOL, organisation=school, name="Sally Senco")


@pytest.fixture
def psychologist(ep_service):
    return factories.make_user(Role.PROFESSIONAL, organisation=ep_service, name="Dr Eve Psych")


@pytest.fixture
def editor(app):
    return factories.make_user(Role.CONTENT_EDITOR, name="Ed Editor")


@pytest.fixture
def admin(council):
    return factories.make_user(Role.ADMIN, organisation=council, name="Ada Admin")


@pytest.fixture
def family_case(council, case_officer, parent, young_person, senco, school):
    """The parent's child's case, shared with the young person and the school."""
    case = factories.make_case(
        team=council, officer=case_officer, school=school, first_name="Alfie"
    )
    factories.grant(case, parent, Relationship.PARENT_CARER, add_documents=True, by=case_officer)
    factories.grant(case, young_person, Relationship.YOUNG_PERSON, by=case_officer)
    factories.grant(
        case, senco, Relationship.SCHOOL, add_documents=True, updates=True, by=case_officer
    )
    return case


@pytest.fixture
def other_family_case(council, case_officer, parent2):
    """Another family's case: parent2's child."""
    case = factories.make_case(team=council, officer=case_officer, first_name="Maya")
    factories.grant(case, parent2, Relationship.PARENT_CARER, by=case_officer)
    return case


def strip_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
