"""The access policy: the one place that answers "may this user do this to this object".

Deny by default. Every view declares its rule with one of the decorators below, and a test walks
the URL map to prove none is missing:

- `public`: anyone, signed in or not (sign-in page, public content);
- `signed_in`: any signed-in person (their own home page, signing out);
- `role_required(*roles)`: signed-in people with one of these roles;
- `load(Model, url_arg, action)`: loads the object named in the URL, checks `can(user, action,
  obj)`, answers 404 if the person may not know it exists, and puts it on `g`.

Rules for each kind of object are registered with `rule_for(Model)`; feature packages register
their own (documents, content) but the decision is always made through `can()`.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from flask import abort, g
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true

from portal.accounts.models import Role, User
from portal.cases.models import Case, CaseGrant, Visibility
from portal.extensions import db
from portal.rendering import redirect_to_sign_in


class Action(StrEnum):
    VIEW = "view"
    VIEW_DOCUMENTS = "view_documents"
    ADD_DOCUMENTS = "add_documents"
    POST_UPDATES = "post_updates"
    MANAGE = "manage"  # run the case: stages, people, decisions (the council's case officers)


Rule = Callable[[User, str, Any], bool]
_rules: dict[type, Rule] = {}


def rule_for(model: type) -> Callable[[Rule], Rule]:
    """Register the policy function for one kind of object."""

    def register(rule: Rule) -> Rule:
        _rules[model] = rule
        return rule

    return register


def can(user: Any, action: str, obj: Any) -> bool:
    """May `user` do `action` to `obj`? False for anonymous users and unknown kinds of object."""
    if user is None or not user.is_authenticated:
        return False
    rule = _rules.get(type(obj))
    return bool(rule and rule(user, action, obj))


# --- Cases ------------------------------------------------------------------------------------


def active_grant(user: User, case: Case) -> CaseGrant | None:
    """The person's live grant on a case, looked up once per request."""
    cache = g.setdefault("_grants", {})
    key = (user.id, case.id)
    if key not in cache:
        cache[key] = db.session.scalar(
            select(CaseGrant).where(
                CaseGrant.case_id == case.id,
                CaseGrant.user_id == user.id,
                CaseGrant.revoked_at.is_(None),
            )
        )
    return cache[key]


def is_team_case_officer(user: User, case: Case) -> bool:
    return user.role == Role.CASE_OFFICER and case.team_id == user.organisation_id


@rule_for(Case)
def _case_rule(user: User, action: str, case: Case) -> bool:
    """Case officers may do everything on their team's cases; everyone else needs a live grant,
    and the grant's ticks decide documents and updates. Admins get no access without a grant."""
    if is_team_case_officer(user, case):
        return True
    if action == Action.MANAGE:
        return False
    grant = active_grant(user, case)
    if grant is None:
        return False
    return {
        Action.VIEW: True,
        Action.VIEW_DOCUMENTS: grant.can_view_documents,
        Action.ADD_DOCUMENTS: grant.can_add_documents,
        Action.POST_UPDATES: grant.can_post_updates,
    }.get(action, False)


def may_see_visibility(user: User, case: Case, visibility: str) -> bool:
    """May a person who can view the case see an item with this visibility?

    A restriction only narrows what a grant allows: it never lets anyone in.
    """
    if not can(user, Action.VIEW, case):
        return False
    if visibility == Visibility.EVERYONE:
        return True
    if visibility == Visibility.PROFESSIONALS:
        return Role(user.role).is_professional
    if visibility == Visibility.COUNCIL:
        return is_team_case_officer(user, case)
    return False


def visibilities_for(user: User, case: Case) -> list[str]:
    """The visibilities a person may see on a case (for filtering lists in one query)."""
    return [v.value for v in Visibility if may_see_visibility(user, case, v)]


def visible_cases(user: User) -> Select:
    """A query for every case the person may view: their team's cases for case officers, the
    cases they hold a live grant on for everyone else."""
    query = select(Case)
    if user.role == Role.CASE_OFFICER:
        return query.where(Case.team_id == user.organisation_id)
    return query.where(
        Case.id.in_(
            select(CaseGrant.case_id).where(
                CaseGrant.user_id == user.id, CaseGrant.revoked_at.is_(None)
            )
        )
    )


def audience(case: Case, visibility: str, action: str = Action.VIEW) -> Select:
    """The ids of the people to tell about something on `case` with this visibility that needs
    `action` (VIEW or VIEW_DOCUMENTS): the same rule as `can` and `may_see_visibility`, as one
    SQL query, so a notice goes to nobody who could not open what it is about.

    Everyone with a live grant that allows the action and whose role the visibility admits, and
    the case's own case officer (while they are on the case's team). Other officers on the team
    may open the case too, but are not told about every change to cases that are not theirs.
    Inactive accounts are never told anything. `tests/notifications/test_audience.py` checks
    this against `can`.
    """
    if visibility not in (Visibility.EVERYONE, Visibility.PROFESSIONALS, Visibility.COUNCIL):
        return select(User.id).where(sa_false())
    grant_holders = (
        select(User.id)
        .join(CaseGrant, CaseGrant.user_id == User.id)
        .where(
            CaseGrant.case_id == case.id,
            CaseGrant.revoked_at.is_(None),
            User.active.is_(True),
            # A case officer from another team with a grant is still not "the council" here.
            sa_false() if visibility == Visibility.COUNCIL else sa_true(),
        )
    )
    if action == Action.VIEW_DOCUMENTS:
        grant_holders = grant_holders.where(CaseGrant.can_view_documents.is_(True))
    elif action != Action.VIEW:
        raise ValueError(f"audience() answers for viewing, not {action!r}")
    if visibility == Visibility.PROFESSIONALS:
        grant_holders = grant_holders.where(
            User.role.in_([r.value for r in Role if r.is_professional])
        )
    officer = select(User.id).where(
        User.id == case.case_officer_id,
        User.role == Role.CASE_OFFICER,
        User.organisation_id == case.team_id,
        User.active.is_(True),
    )
    return grant_holders.union(officer)


# --- Decorators that declare each view's rule --------------------------------------------------


def _declare(view: Callable, rule: str) -> Callable:
    view.access_rule = rule  # read by the URL-map test
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


def role_required(*roles: Role) -> Callable[[Callable], Callable]:
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
    model: type,
    url_arg: str,
    action: str,
    *,
    column: str = "public_id",
    g_name: str | None = None,
) -> Callable[[Callable], Callable]:
    """Load `model` by the URL variable `url_arg`, check `action` on it, put it on `g`.

    Answers 404 both when it does not exist and when the person may not see it, so ids cannot be
    probed. The URL variable is removed from the view's arguments: views read `g.<name>`.
    """
    name = g_name or model.__tablename__

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect_to_sign_in()
            value = kwargs.pop(url_arg)
            obj = db.session.scalar(select(model).where(getattr(model, column) == value))
            if obj is None or not can(current_user, action, obj):
                abort(404)
            setattr(g, name, obj)
            return view(*args, **kwargs)

        return _declare(wrapper, f"load:{model.__name__}:{action}")

    return decorator
