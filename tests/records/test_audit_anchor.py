"""An anchor for the audit trail outside the database (issue 10: "an audit trail nobody can
alter"). Someone able to write the database can change an entry and recompute every later hash,
which the chain alone cannot show; the chain's head, appended to a file or emailed each day,
can: `flask audit verify --anchor FILE` names the anchor that no longer matches."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from portal import audit, audit_anchor, clock
from portal.accounts.models import User
from portal.audit import AuditChainHead, Event
from portal.audit_anchor import ACTION
from portal.cases.models import Case
from portal.extensions import db
from portal.notifications import reminders, worker
from portal.records import retention
from tests.records.test_retention import _close, _years_ago

NOW = datetime(2026, 12, 4, 10, 0, 0)


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)


@pytest.fixture
def anchor_file(app, tmp_path):
    path = tmp_path / "anchors.txt"
    app.config["AUDIT_ANCHOR_FILE"] = str(path)
    return path


def _views(case, who, count: int = 5) -> list[int]:
    ids = []
    for n in range(count):
        event = audit.record("case.viewed", actor=who, case=case, subject=case, page=f"p{n}")
        db.session.commit()
        ids.append(event.id)
    return ids


def _cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def _rewrite_and_rehash(event_id: int, **values) -> None:
    """What someone with database access would do: change an entry, then recompute the hash of
    every entry from there on and the head row, so the chain is whole again."""
    db.session.execute(update(Event).where(Event.id == event_id).values(**values))
    previous = audit.GENESIS
    rows = db.session.scalars(
        select(Event).where(Event.chain_seq.is_not(None)).order_by(Event.chain_seq)
    ).all()
    for row in rows:
        previous = audit.entry_hash(previous, row.chain_seq, row)
        row.chain_hash = previous
    db.session.execute(update(AuditChainHead).values(last_hash=previous))
    db.session.commit()


def test_anchoring_appends_the_chain_head_and_verify_accepts_it(
    app, anchor_file, family_case, parent
):
    _views(family_case, parent, 3)
    made = _cli(app, "audit", "anchor")
    assert made.exit_code == 0, made.output
    (line,) = anchor_file.read_text().splitlines()
    anchored = json.loads(line)
    head_seq, head_hash = audit.chain_head()
    last = db.session.scalar(select(Event).where(Event.chain_seq == anchored["seq"]))
    assert (anchored["hash"], anchored["entries"], anchored["event"]) == (
        last.chain_hash,
        anchored["seq"],
        last.id,
    )
    assert anchored["at"] == "2026-12-04T10:00:00Z"
    assert line in made.output
    # The anchoring is itself in the trail (sealed next time round).
    recorded = db.session.scalars(select(Event).where(Event.action == ACTION)).one()
    assert recorded.detail["seq"] == anchored["seq"] and recorded.chain_seq is None
    _views(family_case, parent, 2)
    checked = _cli(app, "audit", "verify", "--anchor", str(anchor_file))
    assert checked.exit_code == 0, checked.output
    assert "Audit trail OK" in checked.output
    assert "Anchors OK: all 1 still match the chain" in checked.output
    assert head_seq == anchored["seq"] and head_hash == anchored["hash"]


def test_a_rewritten_and_rehashed_chain_passes_the_walk_but_not_the_anchor(
    app, anchor_file, family_case, parent
):
    ids = _views(family_case, parent)
    assert _cli(app, "audit", "anchor").exit_code == 0
    _views(family_case, parent, 2)
    assert _cli(app, "audit", "anchor").exit_code == 0
    first_seq = json.loads(anchor_file.read_text().splitlines()[0])["seq"]

    _rewrite_and_rehash(ids[1], summary="nothing to see", actor_id=None)

    plain = _cli(app, "audit", "verify")
    assert plain.exit_code == 0 and "Audit trail OK" in plain.output  # the chain alone is fooled
    anchored = _cli(app, "audit", "verify", "--anchor", str(anchor_file))
    assert anchored.exit_code == 1
    assert (
        "Audit trail BROKEN: the anchor of Friday 4 December 2026 at 10:00 UTC "
        f"(entry {first_seq}), "
        f"line 1 of {anchor_file} no longer matches: entry {first_seq} no longer has the "
        "anchored hash: the trail has been rewritten at or before that entry."
    ) in anchored.output
    assert "2 of 2 anchors no longer match the chain" in anchored.output


def test_a_rewrite_after_the_last_anchor_leaves_the_anchors_matching(
    app, anchor_file, family_case, parent
):
    """Honest about the limit: entries since the last anchor are protected by the chain alone
    until the next anchor (the worker makes one a day)."""
    _views(family_case, parent, 2)
    assert _cli(app, "audit", "anchor").exit_code == 0
    later = _views(family_case, parent, 2)
    audit.seal_unchained()
    _rewrite_and_rehash(later[0], summary="changed after the anchor")
    assert _cli(app, "audit", "verify", "--anchor", str(anchor_file)).exit_code == 0


def test_cutting_off_the_tail_fails_against_the_anchor(app, anchor_file, family_case, parent):
    """Deleting the newest entries and moving the head row back to match hides the cut from the
    walk, not from the anchor."""
    _views(family_case, parent)
    assert _cli(app, "audit", "anchor").exit_code == 0
    anchored = json.loads(anchor_file.read_text())
    keep = anchored["seq"] - 2
    db.session.execute(delete(Event).where(Event.chain_seq > keep))
    kept_hash = db.session.scalar(select(Event.chain_hash).where(Event.chain_seq == keep))
    db.session.execute(update(AuditChainHead).values(seq=keep, last_hash=kept_hash))
    db.session.commit()

    assert audit.verify_chain().ok
    result = _cli(app, "audit", "verify", "--anchor", str(anchor_file))
    assert result.exit_code == 1
    end, _ = audit.chain_head()  # the anchoring's own entry, sealed since, follows the cut
    assert end == keep + 1
    assert (
        f"entry {anchored['seq']} is no longer in the trail (the chain now ends at entry "
        f"{end}): entries have been deleted"
    ) in result.output


def test_the_anchor_is_emailed_when_an_address_is_set(app, outbox, family_case, parent):
    app.config["AUDIT_ANCHOR_EMAIL"] = "dpo@council.example"
    _views(family_case, parent, 2)
    result = _cli(app, "audit", "anchor")
    assert result.exit_code == 0, result.output
    assert "emailed to dpo@council.example" in result.output
    (message,) = outbox
    assert message["To"] == "dpo@council.example"
    head_seq, head_hash = audit.chain_head()
    assert f"entry {head_seq}, Friday 4 December 2026" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert head_hash in body
    line = next(line for line in body.splitlines() if line.startswith("{"))
    assert json.loads(line)["hash"] == head_hash


def test_without_a_setting_anchor_says_what_to_set(app, family_case, parent):
    result = _cli(app, "audit", "anchor")
    assert result.exit_code == 2
    assert "AUDIT_ANCHOR_FILE" in result.output
    assert not db.session.scalar(select(Event).where(Event.action == ACTION))


def test_a_file_that_is_not_anchors_is_refused_plainly(app, tmp_path, family_case, parent):
    wrong = tmp_path / "notes.txt"
    wrong.write_text("remember to buy milk\n")
    result = _cli(app, "audit", "verify", "--anchor", str(wrong))
    assert result.exit_code == 2
    assert f"line 1 of {wrong} is not an audit anchor" in result.output


def test_the_worker_anchors_once_a_day(app, anchor_file, family_case, parent):
    def run_once():
        rounds = iter([False, True])
        worker.run(poll_seconds=0, periodic=reminders.daily_jobs, should_stop=lambda: next(rounds))

    case_id, parent_id = family_case.id, parent.id
    _views(family_case, parent, 2)
    run_once()
    run_once()
    assert len(anchor_file.read_text().splitlines()) == 1
    clock.freeze(NOW + timedelta(days=1))
    _views(db.session.get(Case, case_id), db.session.get(User, parent_id), 1)
    run_once()
    lines = [json.loads(line) for line in anchor_file.read_text().splitlines()]
    assert [line["at"][:10] for line in lines] == ["2026-12-04", "2026-12-05"]
    assert lines[1]["seq"] > lines[0]["seq"]
    assert _cli(app, "audit", "verify", "--anchor", str(anchor_file)).exit_code == 0


def test_a_failed_anchor_does_not_stop_the_worker(app, tmp_path, family_case, parent, caplog):
    """The file cannot be written: the error is logged, the entries are still sealed, nothing
    claims an anchor was made, and the next round tries again."""
    app.config["AUDIT_ANCHOR_FILE"] = str(tmp_path / "missing folder" / "anchors.txt")
    _views(family_case, parent, 2)
    rounds = iter([False, True])
    worker.run(poll_seconds=0, periodic=reminders.daily_jobs, should_stop=lambda: next(rounds))
    assert "could not be anchored" in caplog.text
    assert not db.session.scalar(select(Event).where(Event.action == ACTION))
    assert audit.verify_chain().unsealed == 0
    (tmp_path / "missing folder").mkdir()
    reminders.daily_jobs()
    assert (tmp_path / "missing folder" / "anchors.txt").exists()


def test_anchors_still_match_after_the_retention_rule_empties_entries(
    app, anchor_file, council, case_officer, parent, family_case
):
    """Removing a closed case's words keeps every entry's hash, so the anchors made before (and
    after) still match and the whole trail verifies."""
    _views(family_case, parent, 3)
    assert _cli(app, "audit", "anchor").exit_code == 0
    _close(family_case, _years_ago(7), age_years=32)
    (item,) = retention.due_for_deletion(clock.today())
    retention.delete_case(item, by=None)
    db.session.commit()
    assert db.session.scalar(select(Event.id).where(Event.redacted_by_id.is_not(None)))
    assert _cli(app, "audit", "anchor").exit_code == 0
    result = _cli(app, "audit", "verify", "--anchor", str(anchor_file))
    assert result.exit_code == 0, result.output
    assert "Anchors OK: all 2 still match the chain" in result.output


def test_workers_anchoring_at_once_make_one_anchor_a_day(app, anchor_file, family_case, parent):
    """Three workers reach the day's anchor together, each on its own connection: the head row's
    lock lets one make it; the others find it made and leave it."""
    _views(family_case, parent, 3)
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def worker_round() -> None:
        try:
            with app.app_context():
                clock.freeze(NOW)
                barrier.wait()
                audit_anchor.anchor(only_if_due=True)
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker_round) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(anchor_file.read_text().splitlines()) == 1
    assert len(db.session.scalars(select(Event).where(Event.action == ACTION)).all()) == 1
