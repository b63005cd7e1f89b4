"""Measure how many emails a second the notifications worker sends to a local SMTP server.

    .venv/bin/python scripts/measure_email_throughput.py [--notices 2000] [--database-url URL]

Starts an SMTP server (aiosmtpd) on 127.0.0.1 that accepts and discards mail, makes a
throwaway database (SQLite in a temporary folder unless --database-url names another, which it
must be safe to fill), writes the notices straight into the outbox, and times the worker sending
them all. Prints emails per second; compare runs on the same machine, not across machines.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from measuring import free_port, make_app
from sqlalchemy import insert

from portal.accounts.models import OrganisationKind, Role
from portal.cases.models import Relationship
from portal.extensions import db
from portal.notifications import worker
from portal.notifications.kinds import EmailStatus, Kind
from portal.notifications.models import Notice
from tests import factories


class _Discard:
    received = 0

    async def handle_DATA(self, server, session, envelope):
        _Discard.received += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    port = free_port()
    controller = Controller(_Discard(), hostname="127.0.0.1", port=port)
    controller.start()
    folder = Path(tempfile.mkdtemp(prefix="email-throughput-"))
    app = make_app(
        args.database_url or f"sqlite:///{folder / 'm.db'}",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
    )
    try:
        with app.app_context():
            db.drop_all()
            db.create_all()
            council = factories.make_organisation("Council", OrganisationKind.COUNCIL)
            officer = factories.make_user(Role.CASE_OFFICER, organisation=council)
            case = factories.make_case(team=council, officer=officer)
            people = [factories.make_user(Role.PROFESSIONAL) for _ in range(20)]
            for person in people:
                factories.grant(case, person, Relationship.HEALTH)
            db.session.execute(
                insert(Notice),
                [
                    {
                        "user_id": people[n % len(people)].id,
                        "case_id": case.id,
                        "kind": Kind.DOCUMENT_ADDED.value,
                        "email_status": EmailStatus.PENDING.value,
                        "attempts": 0,
                    }
                    for n in range(args.notices)
                ],
            )
            db.session.commit()
            started = time.perf_counter()
            result = worker.send_all()
            elapsed = time.perf_counter() - started
            if args.database_url is None:
                db.drop_all()
    finally:
        controller.stop()
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    print(
        f"{result.sent} emails in {elapsed:.2f} s: {result.sent / elapsed:.0f} emails/s "
        f"on {backend}; the SMTP server received {_Discard.received}."
    )


if __name__ == "__main__":
    main()
