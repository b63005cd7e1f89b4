"""Accounts: organisations, users, their sign-in sessions and one-time links."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, cast

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.pathway import Audience


class OrganisationKind(StrEnum):
    COUNCIL = "council"
    SCHOOL = "school"
    HEALTH = "health"
    SOCIAL_CARE = "social_care"
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology"
    PARENT_CARER_FORUM = "parent_carer_forum"

    @property
    def label(self) -> str:
        return {
            "council": "Council",
            "school": "School or setting",
            "health": "Health service",
            "social_care": "Social care service",
            "educational_psychology": "Educational psychology service",
            "parent_carer_forum": "Parent Carer Forum",
        }[self.value]


class Role(StrEnum):
    YOUNG_PERSON = "young_person"
    PARENT = "parent"
    SCHOOL = "school"
    PROFESSIONAL = "professional"
    CASE_OFFICER = "case_officer"
    CONTENT_EDITOR = "content_editor"
    ADMIN = "admin"
    QUALITY_LEAD = "quality_lead"  # runs plan quality audit rounds (issue 13)
    AUDITOR = "auditor"  # audits the plans assigned in a round
    FUNDING_OFFICER = "funding_officer"  # sets the tariff and budget, moderates bands (issue 14)

    @property
    def label(self) -> str:
        return {
            "young_person": "Young person",
            "parent": "Parent or carer",
            "school": "School (special educational needs coordinator)",
            "professional": "Professional (psychology, health or social care)",
            "case_officer": "Council case officer",
            "content_editor": "Content editor",
            "admin": "Administrator",
            "quality_lead": "Quality lead (plan audits)",
            "auditor": "Plan quality auditor",
            "funding_officer": "Funding officer (banded top-up)",
        }[self.value]

    @property
    def must_use_second_factor(self) -> bool:
        """Everyone on the council's side signs in with a second factor (issue 10)."""
        return self in (
            Role.CASE_OFFICER,
            Role.ADMIN,
            Role.CONTENT_EDITOR,
            Role.QUALITY_LEAD,
            Role.AUDITOR,
            Role.FUNDING_OFFICER,
        )

    @property
    def is_family(self) -> bool:
        return self in (Role.YOUNG_PERSON, Role.PARENT)

    @property
    def is_professional(self) -> bool:
        """Schools, professionals and council staff: everyone who may see 'professionals only'."""
        return self in (Role.SCHOOL, Role.PROFESSIONAL, Role.CASE_OFFICER)

    @property
    def audience(self) -> Audience:
        """Whose words this person reads about the pathway (the one role-to-audience map).
        Anyone else (an admin, a content editor) reads the professional wording."""
        return {
            Role.YOUNG_PERSON: Audience.YOUNG_PERSON,
            Role.PARENT: Audience.PARENT,
            Role.SCHOOL: Audience.SCHOOL,
            Role.PROFESSIONAL: Audience.PROFESSIONAL,
            Role.CASE_OFFICER: Audience.CASE_OFFICER,
        }.get(self, Audience.PROFESSIONAL)


class Organisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    job_title: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    # Deferred: read only where a password is checked or set (`find_user_by_email` fetches it),
    # never with the people listed on every case page.
    password_hash: Mapped[str | None] = mapped_column(String(255), deferred=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    __table_args__ = (
        # Email addresses are unique whatever their case: stored lower-cased, checked here too.
        Index("uq_user_email_lower", func.lower(email), unique=True),
    )

    # Flask-Login identifies a signed-in browser by its server-side session, not by the user id,
    # so that signing out (ending the session record) makes a copied cookie useless.
    session_token = cast("str | None", None)  # not a column: set when a session is loaded
    # Not a column either: the header facts fetched with the session (`services.header_fact`).
    header_facts = cast("Mapping[str, Any]", MappingProxyType({}))

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email!r} {self.role}>"


class UserSession(db.Model):
    """A signed-in browser. The cookie holds only `token`; ending the row ends the session."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    #: When the person last proved their second factor in this session (None: not yet). A
    #: session that needs one counts as signed in only once this is set.
    second_factor_at: Mapped[datetime | None]
    #: The person had a second factor (or a role that must have one) when the session began.
    second_factor_required: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship(lazy="joined")


class TokenPurpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password


class AccountToken(db.Model):
    """A one-time link (invitation or password reset). Only a hash of the secret is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[TokenPurpose] = mapped_column(String(30))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    #: An invitation to a role that can reach cases (council officer, administrator) works only
    #: once a second administrator, not the one who invited, has approved it.
    approval_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class SignInFailure(db.Model):
    """A failed sign-in, kept to throttle guessing against one account (and for the audit trail)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AuthenticatorApp(db.Model):
    """An authenticator app's shared secret (TOTP). Until `confirmed_at` is set it is only being
    set up; a confirmed one replaces any earlier one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    #: The time step of the last code accepted: a code is never accepted twice.
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)


class Passkey(db.Model):
    """A passkey (WebAuthn credential) the person registered as a second factor."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    #: The authenticator's signature counter; it must go up when it is not zero (clone check).
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Comma-separated transports the browser reported ("internal,hybrid").
    transports: Mapped[str] = mapped_column(String(200), default="")
    #: The name the person gave it, like "Work laptop".
    name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class RecoveryCode(db.Model):
    """A single-use recovery code, for when the authenticator app is lost. Only a hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
