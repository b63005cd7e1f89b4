"""Checking that an export asks for a fresh second-factor code (`fresh_second_factor`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal import clock
from portal.audit import Event
from portal.extensions import db
from tests import factories
from tests.factories import totp_code

CONFIRM = "/account/confirm-it-is-you?next="


def downloads(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Event).where(Event.action == action))


def asks_for_a_fresh_code_then_sends(
    client_request, user, path: str, *, mimetype: str, action: str
) -> bytes:
    """`user` (staff, with an authenticator app) gets the file at `path` at once while their code
    is fresh; 16 minutes later they are sent to "Confirm it is you" (nothing is sent or recorded)
    and get the file once they give a right code. Returns the file."""
    factories.give_authenticator_app(user)
    client_request.sign_in_as(user)
    client = client_request.client
    with client.get(path) as fresh:
        assert fresh.status_code == 200 and fresh.mimetype == mimetype
        fresh.get_data()
    assert downloads(action) == 1

    clock.freeze(clock.utcnow() + timedelta(minutes=16))
    stale = client.get(path)
    assert stale.status_code == 302
    asked = stale.headers["Location"]
    assert asked.startswith(CONFIRM), asked
    assert "Confirm it is you" in client.get(asked).get_data(as_text=True)
    assert downloads(action) == 1  # nothing was made or recorded

    wrong = client.post(asked, data={"csrf_token": client_request.csrf_token(), "code": "000000"})
    assert wrong.status_code == 200 and downloads(action) == 1
    done = client.post(asked, data={"csrf_token": client_request.csrf_token(), "code": totp_code()})
    assert done.status_code == 303 and done.headers["Location"].endswith(path)
    with client.get(done.headers["Location"]) as sent:
        assert sent.status_code == 200 and sent.mimetype == mimetype
        data = sent.get_data()
    assert downloads(action) == 2
    return data
