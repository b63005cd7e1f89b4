"""Giving, changing and ending people's access to a case. Only the council does this.

Every change is an event on the case that everyone on it can see ("Oak Primary School was given
access"), because families can always know who can see their child's information. Ending access
never deletes anything the person added.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from portal import access, audit, clock
from portal.accounts import services as account_services
from portal.accounts.models import Organisation, Role, User
from portal.audit import Visibility
from portal.cases.models import Case, CaseGrant, Relationship
from portal.cases.policy import is_team_case_officer
from portal.extensions import db
from portal.mail import portal_link, send_email
from portal.refusals import Refused

#: The relationships a case officer can choose. Council staff get access through their team.
RELATIONSHIPS = [r for r in Relationship if r is not Relationship.COUNCIL]

#: The role a newly invited person gets from how they relate to the child.
ROLE_FOR_RELATIONSHIP = {
    Relationship.YOUNG_PERSON: Role.YOUNG_PERSON,
    Relationship.PARENT_CARER: Role.PARENT,
    Relationship.SCHOOL: Role.SCHOOL,
    Relationship.EDUCATIONAL_PSYCHOLOGIST: Role.PROFESSIONAL,
    Relationship.HEALTH: Role.PROFESSIONAL,
    Relationship.SOCIAL_CARE: Role.PROFESSIONAL,
    Relationship.OTHER_PROFESSIONAL: Role.PROFESSIONAL,
}


@dataclass(frozen=True)
class Permissions:
    """What a grant lets a person do beyond seeing the case."""

    view_documents: bool = True
    add_documents: bool = False
    post_updates: bool = False

    @classmethod
    def of(cls, grant: CaseGrant) -> Permissions:
        return cls(grant.can_view_documents, grant.can_add_documents, grant.can_post_updates)

    def words(self) -> list[str]:
        """ "can see documents", ...: for pages and the timeline."""
        words = ["can see the case"]
        if self.view_documents:
            words.append("can see documents")
        if self.add_documents:
            words.append("can add documents")
        if self.post_updates:
            words.append("can post updates")
        return words


@dataclass(frozen=True)
class AddedPerson:
    grant: CaseGrant
    invited: bool  # an invitation email with a 7-day link was sent


# --- Reading -----------------------------------------------------------------------------------


def ended_grants(case: Case) -> list[CaseGrant]:
    """Access that has ended, newest first (for the council's record)."""
    return list(
        db.session.scalars(
            select(CaseGrant)
            .where(CaseGrant.case_id == case.id, CaseGrant.revoked_at.is_not(None))
            .order_by(CaseGrant.revoked_at.desc(), CaseGrant.id.desc())
        )
    )


def find_person(email: str) -> User | None:
    """The account with this email address, if there is one."""
    return account_services.find_user_by_email(email)


def _display_name(user: User) -> str:
    """ "Sally Senco (Oak Primary School)": names on the timeline say where people work."""
    if user.organisation is not None:
        return f"{user.name} ({user.organisation.name})"
    return user.name


def problem_adding(case: Case, user: User, relationship: Relationship | None = None) -> str | None:
    """Why this account cannot be added to the case, or None if it can."""
    role = Role(user.role)
    if not user.active:
        return f"{user.name}’s account is switched off. Ask an administrator to switch it on."
    if role is Role.CONTENT_EDITOR:
        return f"{user.name} is a content editor. Content editors cannot be given access to cases."
    if is_team_case_officer(user, case):
        return (
            f"{user.name} is a case officer in the team running this case, so can already see it."
        )
    if db.session.scalar(
        select(CaseGrant.id).where(
            CaseGrant.case_id == case.id,
            CaseGrant.user_id == user.id,
            CaseGrant.revoked_at.is_(None),
        )
    ):
        return f"{user.name} can already see this case. You can change what they can do instead."
    if relationship is not None:
        return problem_with_relationship(user, relationship)
    return None


def problem_with_relationship(user: User, relationship: Relationship) -> str | None:
    """Family accounts are family members on a case, and professional accounts professionals:
    the account's role decides what restricted documents they see, so the two must agree."""
    if relationship is Relationship.COUNCIL:
        return "Council staff get access through their team, not one case at a time."
    if Role(user.role).is_family != relationship.is_family:
        if relationship.is_family:
            return f"{user.name} has a professional account, so cannot be added as family."
        return (
            f"{user.name} has a family account, so choose ‘Parent or carer’ or ‘The young person’."
        )
    return None


def _check(permissions: Permissions) -> None:
    if permissions.add_documents and not permissions.view_documents:
        raise Refused("To add documents they must also be able to see documents")


# --- Writing -----------------------------------------------------------------------------------


def add_person(
    actor: User,
    case: Case,
    *,
    email: str,
    relationship: Relationship | str,
    permissions: Permissions,
    name: str | None = None,
    organisation: Organisation | None = None,
) -> AddedPerson:
    """Give someone access to a case: an existing account, or someone new who is invited.

    Who may: the case's team case officer (Action.MANAGE). Someone new gets an account without a
    password and an email with a 7-day link (as `accounts.services.invite`); their role follows
    from their relationship to the child. Records `case.person_added`, seen by everyone on the
    case, and commits. Raises Refused with a sentence for the case officer.
    """
    if not access.can(actor, access.Action.MANAGE, case):
        raise PermissionError("Only the council's case officer may give access to a case.")
    relationship = Relationship(relationship)
    _check(permissions)
    user = find_person(email)
    if user is not None:
        problem = problem_adding(case, user, relationship)
        if problem:
            raise Refused(problem)
    elif relationship not in ROLE_FOR_RELATIONSHIP:
        raise Refused("Council staff get access through their team, not one case at a time.")
    elif not (name or "").strip():
        raise Refused("Enter their full name")

    link_secret = ""
    if user is None or not user.password_hash:
        # A new account, or one whose invitation was never used: (re)send the link.
        invitation = account_services.invite(
            actor,
            email=email,
            name=name or (user.name if user else ""),
            role=Role(user.role) if user else ROLE_FOR_RELATIONSHIP[relationship],
            organisation=organisation if user is None else user.organisation,
        )
        user, link_secret = invitation.user, invitation.link_secret
    grant = CaseGrant(
        case=case,
        user=user,
        relationship_to_child=relationship,
        can_view_documents=permissions.view_documents,
        can_add_documents=permissions.add_documents,
        can_post_updates=permissions.post_updates,
        granted_by_id=actor.id,
    )
    db.session.add(grant)
    db.session.flush()
    audit.record(
        "case.person_added",
        actor=actor,
        case=case,
        subject=grant,
        visibility=Visibility.EVERYONE,
        summary=f"{_display_name(user)} was given access to this case",
        user=user.id,
        relationship=relationship.value,
        permissions=permissions.words(),
        invited=bool(link_secret),
    )
    db.session.commit()
    if link_secret:
        _send_invitation(actor, user, link_secret)
    return AddedPerson(grant, invited=bool(link_secret))


def _send_invitation(actor: User, user: User, link_secret: str) -> None:
    config = current_app.config
    link = portal_link("accounts.accept_invitation", token=link_secret)
    send_email(
        user.email,
        f"You are invited to the {config['SERVICE_NAME']}",
        f"Hello {user.name},\n\n{actor.name} from {config['COUNCIL_NAME']} has invited you to the "
        f"{config['SERVICE_NAME']}, where you can follow a child’s education, health and care "
        "case that you are part of."
        "\n\nUse this link to choose your password. It works once, for 7 days:"
        f"\n\n{link}\n\nIf you did not expect this email, you can ignore it.\n",
    )


def change_person(
    actor: User, grant: CaseGrant, *, relationship: Relationship | str, permissions: Permissions
) -> CaseGrant:
    """Change how a person relates to the child and what they may do on the case.

    Who may: the case's team case officer. Records `case.person_changed` (seen by everyone on the
    case) with what changed, and commits.
    """
    if not access.can(actor, access.Action.MANAGE, grant):
        raise PermissionError("Only the council's case officer may change access to a case.")
    relationship = Relationship(relationship)
    _check(permissions)
    problem = problem_with_relationship(grant.user, relationship)
    if problem:
        raise Refused(problem)
    before = (grant.relationship_to_child, Permissions.of(grant))
    grant.relationship_to_child = relationship
    grant.can_view_documents = permissions.view_documents
    grant.can_add_documents = permissions.add_documents
    grant.can_post_updates = permissions.post_updates
    if before != (relationship, permissions):
        audit.record(
            "case.person_changed",
            actor=actor,
            case=grant.case,
            subject=grant,
            visibility=Visibility.EVERYONE,
            summary=(
                f"What {_display_name(grant.user)} can do was changed: "
                + ", ".join(permissions.words())
            ),
            relationship_before=str(before[0]),
            relationship=relationship.value,
            permissions_before=before[1].words(),
            permissions=permissions.words(),
        )
    db.session.commit()
    return grant


def remove_person(actor: User, grant: CaseGrant) -> None:
    """End a person's access to the case. The grant is kept (ended, with who ended it) and
    everything they added stays on the case.

    Who may: the case's team case officer. Records `case.person_removed` (seen by everyone on
    the case) and commits.
    """
    if not access.can(actor, access.Action.MANAGE, grant):
        raise PermissionError("Only the council's case officer may remove people from a case.")
    grant.revoked_at = clock.utcnow()
    grant.revoked_by_id = actor.id
    audit.record(
        "case.person_removed",
        actor=actor,
        case=grant.case,
        subject=grant,
        visibility=Visibility.EVERYONE,
        summary=f"{_display_name(grant.user)} no longer has access to this case",
        user=grant.user_id,
    )
    db.session.commit()
