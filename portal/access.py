"""The access policy: the one place that answers "may this user do this to this object".

Deny by default. Every view declares its rule with one of the decorators below, and a test walks
the URL map to prove none is missing:

- `public`: anyone, signed in or not (sign-in page, public content);
- `signed_in`: any signed-in person (their own home page, signing out);
- `role_required(*roles)`: signed-in people with one of these roles;
- `load(Model, url_arg, action)`: loads the object named in the URL, checks `can(user, action,
  obj)`, answers 404 if the person may not know it exists, and puts it on `g`.

Each package writes the rule for its own kinds of object (the case rule is in
`portal.cases.policy`, the document rules in `portal.documents.policy`...); `portal.wiring` lists
them all in one place and `create_app` installs them. The decision is always made through `can()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, g
from flask_login import current_user
from sqlalchemy import bindparam, select
from werkzeug.local import LocalProxy

from portal.extensions import db
from portal.rendering import redirect_to_sign_in


class Action(StrEnum):
    VIEW = "view"
    VIEW_DOCUMENTS = "view_documents"
    ADD_DOCUMENTS = "add_documents"
    POST_UPDATES = "post_updates"
    MANAGE = "manage"  # run the case: stages, people, decisions (the council's case officers)
    TELL_US = "tell_us"  # the young person tells the people on their case something


Rule = Callable[[Any, str, Any], bool]
_EXTENSION = "portal.access_rules"


def install_rules(app: Flask, rules: Mapping[type, Rule]) -> None:
    """Give the app its rule for each kind of object (`portal.wiring.ACCESS_RULES`)."""
    app.extensions[_EXTENSION] = dict(rules)


def can(user: Any, action: str, obj: Any) -> bool:
    """May `user` do `action` to `obj`? False for anonymous users and unknown kinds of object."""
    if isinstance(user, LocalProxy):  # `current_user`: unwrapped once, not on every attribute
        user = user._get_current_object()
    if user is None or not user.is_authenticated:
        return False
    rule = current_app.extensions[_EXTENSION].get(type(obj))
    return bool(rule and rule(user, action, obj))


# --- Decorators that declare each view's rule --------------------------------------------------


def _declare(view: Callable, rule: str) -> Callable:
    view.access_rule = rule  # type: ignore[attr-defined]  # read by the URL-map test
    return view


def public(view: Callable) -> Callable:
    """Anyone may use this view, signed in or not."""
    return _declare(view, "public")


def signed_in(view: Callable) -> Callable:
    """Any signed-in person may use this view."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect_to_sign_in()
        return view(*args, **kwargs)

    return _declare(wrapper, "signed_in")


def role_required(*roles: str) -> Callable[[Callable], Callable]:
    """Only signed-in people with one of these roles; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect_to_sign_in()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return _declare(wrapper, "role:" + ",".join(sorted(roles)))

    return decorator


def load(
    model: type[Any],
    url_arg: str,
    action: str,
    *,
    column: str = "public_id",
    g_name: str | None = None,
    part_of: str | None = None,
    options: Sequence[Any] = (),
) -> Callable[[Callable], Callable]:
    """Load `model` by the URL variable `url_arg`, check `action` on it, put it on `g`.

    Answers 404 both when it does not exist and when the person may not see it, so ids cannot be
    probed. The URL variable is removed from the view's arguments: views read `g.<name>`.

    `part_of` names an object an outer `load` already put on `g` (for example "case"): the object
    loaded here must belong to it (its `<part_of>_id` is that object's id), or the answer is 404.
    So `/cases/A/advice/B` can never act on advice B of another case C, whatever the view does.

    `options` are loader options for the query (for example `joinedload(...)` of what the page
    reads next), so a page can fetch its object and what hangs off it in one statement.
    """
    name = g_name or model.__tablename__
    # Built once per view (see `portal/extensions.py`).
    statement = select(model).where(getattr(model, column) == bindparam("value")).options(*options)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect_to_sign_in()
            value = kwargs.pop(url_arg)
            obj = db.session.scalar(statement, {"value": value})
            if obj is None or not can(current_user, action, obj):
                abort(404)
            if part_of is not None and getattr(obj, f"{part_of}_id") != getattr(g, part_of).id:
                abort(404)
            setattr(g, name, obj)
            return view(*args, **kwargs)

        return _declare(wrapper, f"load:{model.__name__}:{action}")

    return decorator
