"""The audit trail is a hash chain: requests only insert their entries; a sealer (the worker,
`flask audit seal`, `flask audit verify`) gives them their places in order, under a lock. Any
change, deletion or reordering of a sealed entry is found by `flask audit verify`; entries not
yet sealed are reported as waiting, never as tampering."""

from __future__ import annotations

import threading

from sqlalchemy import delete, select, update

from portal import audit
from portal.audit import AuditChainHead, Event, Visibility
from portal.extensions import db


def _write_events(case, actor, count: int = 5, *, seal: bool = True) -> list[int]:
    ids = []
    for n in range(count):
        event = audit.record("case.viewed", actor=actor, case=case, subject=case, page=f"p{n}")
        db.session.commit()
        ids.append(event.id)
    if seal:
        audit.seal_unchained()
    return ids


def _places() -> list[tuple[int, int | None]]:
    return [tuple(r) for r in db.session.execute(select(Event.id, Event.chain_seq))]


def test_a_recorded_event_waits_unsealed_then_is_sealed_in_order(family_case, parent):
    """A page view's entry is committed without a place (the request does not hash or lock);
    sealing gives every entry the next place and a hash, in the order written, and an untouched
    trail verifies."""
    ids = _write_events(family_case, parent, 3, seal=False)
    assert db.session.scalar(select(Event.chain_seq).where(Event.id == ids[-1])) is None
    assert audit.seal_unchained(batch=2) == len(_places())
    rows = db.session.execute(
        select(Event.id, Event.chain_seq, Event.chain_hash).order_by(Event.id)
    ).all()
    assert [r.chain_seq for r in rows] == list(range(1, len(rows) + 1))
    assert all(r.chain_hash and len(r.chain_hash) == 64 for r in rows)
    verdict = audit.verify_chain(batch=2)
    assert verdict.ok, verdict.problem
    assert (verdict.checked, verdict.unsealed) == (len(rows), 0)
    assert audit.seal_unchained() == 0  # nothing sealed twice


def test_later_entries_continue_the_chain_after_the_sealed_ones(family_case, parent):
    """A second round of sealing starts where the first ended, in id order."""
    first = _write_events(family_case, parent, 2)
    end = db.session.scalar(select(Event.chain_seq).where(Event.id == first[-1]))
    second = _write_events(family_case, parent, 3)
    places = dict(_places())
    assert [places[i] for i in second] == [end + 1, end + 2, end + 3]
    assert audit.verify_chain().ok


def test_several_events_in_one_transaction_are_chained_in_the_order_written(family_case, parent):
    """Events added together (one of them flushed early) take consecutive places."""
    first = audit.record("a.first", actor=parent, case=family_case)
    db.session.flush()
    second = audit.record(
        "a.second", actor=parent, case=family_case, visibility=Visibility.EVERYONE
    )
    db.session.commit()
    audit.seal_unchained()
    db.session.refresh(first)
    db.session.refresh(second)
    assert second.chain_seq == first.chain_seq + 1
    assert audit.verify_chain().ok


def test_entries_not_yet_sealed_are_reported_as_waiting_not_as_tampering(family_case, parent):
    """The newest entries, written since the last sealing, are counted, and the trail is OK."""
    _write_events(family_case, parent, 3)
    _write_events(family_case, parent, 2, seal=False)
    verdict = audit.verify_chain()
    assert verdict.ok, verdict.problem
    assert verdict.unsealed == 2


def test_a_changed_sealed_entry_is_detected_with_unsealed_entries_after_it(family_case, parent):
    """Rewriting a sealed entry is found, whatever waits unsealed after it, and sealing the
    newer entries does not hide it (sealing never touches a sealed entry)."""
    ids = _write_events(family_case, parent)
    db.session.execute(update(Event).where(Event.id == ids[1]).values(summary="nothing to see"))
    db.session.commit()
    _write_events(family_case, parent, 2, seal=False)
    verdict = audit.verify_chain(batch=2)
    assert verdict.broken_event_id == ids[1]
    audit.seal_unchained()
    verdict = audit.verify_chain(batch=2)
    assert not verdict.ok
    assert verdict.broken_event_id == ids[1]


def test_unsealing_a_sealed_entry_is_detected(family_case, parent):
    """Emptying a sealed entry's place (so that it would look new, and be sealed again after a
    change) leaves a gap in the chain that verify reports."""
    ids = _write_events(family_case, parent)
    seq = db.session.scalar(select(Event.chain_seq).where(Event.id == ids[2]))
    db.session.execute(
        update(Event)
        .where(Event.id == ids[2])
        .values(chain_seq=None, chain_hash=None, summary="changed")
    )
    db.session.commit()
    verdict = audit.verify_chain()
    assert not verdict.ok
    assert verdict.broken_seq == seq
    audit.seal_unchained()
    assert not audit.verify_chain().ok


def test_changing_an_entry_is_detected(family_case, parent):
    """Someone with database access rewrites who looked at the case: verify names that entry."""
    ids = _write_events(family_case, parent)
    db.session.execute(update(Event).where(Event.id == ids[2]).values(summary="nothing to see"))
    db.session.commit()
    verdict = audit.verify_chain(batch=2)
    assert not verdict.ok
    assert verdict.broken_event_id == ids[2]
    assert "changed" in verdict.problem


def test_changing_when_an_entry_happened_is_detected(family_case, parent):
    """Moving an entry's time (backdating a view) breaks the chain too."""
    ids = _write_events(family_case, parent)
    row = db.session.get(Event, ids[1])
    db.session.execute(
        update(Event)
        .where(Event.id == ids[1])
        .values(occurred_at=row.occurred_at.replace(year=2020))
    )
    db.session.commit()
    assert audit.verify_chain().broken_event_id == ids[1]


def test_deleting_an_entry_is_detected(family_case, parent):
    """Deleting a row from the middle leaves a gap that verify reports."""
    ids = _write_events(family_case, parent)
    seq = db.session.scalar(select(Event.chain_seq).where(Event.id == ids[2]))
    db.session.execute(delete(Event).where(Event.id == ids[2]))
    db.session.commit()
    verdict = audit.verify_chain(batch=2)
    assert not verdict.ok
    assert verdict.broken_seq == seq
    assert "missing" in verdict.problem


def test_deleting_the_latest_entries_is_detected(family_case, parent):
    """Cutting the end off the trail is found from the chain's head."""
    ids = _write_events(family_case, parent)
    db.session.execute(delete(Event).where(Event.id.in_(ids[-2:])))
    db.session.commit()
    verdict = audit.verify_chain()
    assert not verdict.ok
    assert "end" in verdict.problem


def test_reordering_entries_is_detected(family_case, parent):
    """Swapping two entries' places in the chain (with their hashes) is detected."""
    ids = _write_events(family_case, parent)
    a, b = (db.session.get(Event, i) for i in ids[1:3])
    (sa, ha), (sb, hb) = (a.chain_seq, a.chain_hash), (b.chain_seq, b.chain_hash)
    db.session.execute(update(Event).where(Event.id == a.id).values(chain_seq=None))
    db.session.execute(update(Event).where(Event.id == b.id).values(chain_seq=sa, chain_hash=ha))
    db.session.execute(update(Event).where(Event.id == a.id).values(chain_seq=sb, chain_hash=hb))
    db.session.commit()
    assert not audit.verify_chain().ok


def test_an_entry_written_with_plain_sql_is_sealed_like_any_other(family_case, parent):
    """A row inserted without the ORM (bulk loads, the migration's old rows) waits unsealed and
    then joins the end of the chain."""
    _write_events(family_case, parent, 2)
    db.session.connection().execute(
        Event.__table__.insert().values(action="case.viewed", visibility="audit", detail={})
    )
    db.session.commit()
    assert audit.verify_chain().unsealed == 1
    assert audit.seal_unchained() == 1
    verdict = audit.verify_chain()
    assert verdict.ok, verdict.problem
    assert verdict.unsealed == 0


def test_a_rolled_back_event_leaves_no_gap(family_case, parent):
    """A transaction that rolls back takes no place in the chain."""
    _write_events(family_case, parent, 2)
    audit.record("case.viewed", actor=parent, case=family_case)
    db.session.flush()
    db.session.rollback()
    _write_events(family_case, parent, 1)
    verdict = audit.verify_chain()
    assert verdict.ok, verdict.problem
    assert verdict.unsealed == 0


def test_flask_audit_verify_seals_then_reports_ok_and_broken(app, family_case, parent):
    """The command seals what is waiting, says OK on an untouched trail, and exits 1 naming the
    entry when a sealed one was changed."""
    ids = _write_events(family_case, parent, seal=False)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit trail OK" in result.output
    assert "sealed just now" in result.output
    db.session.execute(update(Event).where(Event.id == ids[0]).values(actor_id=None))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN" in result.output
    assert f"entry {_seq(ids[0])} " in result.output


def _seq(event_id: int) -> int:
    return db.session.scalar(select(Event.chain_seq).where(Event.id == event_id))


def test_flask_audit_seal_and_verify_without_sealing(app, family_case, parent):
    """`flask audit seal` seals the waiting entries; `verify --no-seal` only checks, and says how
    many are still waiting."""
    _write_events(family_case, parent, 3, seal=False)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify", "--no-seal"])
    assert result.exit_code == 0, result.output
    waiting = audit.verify_chain().unsealed
    assert waiting >= 3
    assert f"{waiting} newer entries are not yet sealed" in result.output
    result = runner.invoke(args=["audit", "seal"])
    assert result.exit_code == 0, result.output
    assert f"Sealed {waiting} audit entries" in result.output
    assert audit.verify_chain().unsealed == 0


def test_writers_and_two_sealers_at_once_make_one_chain(app, family_case, parent):
    """Four workers recording while two sealers seal, each on its own connection: every entry
    is sealed exactly once, in one unbroken line (PostgreSQL: the sealers take turns on the head
    row's lock; SQLite lets one writer at a time in)."""
    case_id, parent_id = family_case.id, parent.id
    db.session.commit()
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)
    writing = threading.Event()
    writing.set()

    def writer() -> None:
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(15):
                    db.session.add(Event(action="case.viewed", actor_id=parent_id, case_id=case_id))
                    db.session.commit()
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    def sealer() -> None:
        try:
            with app.app_context():
                barrier.wait()
                while writing.is_set():
                    audit.seal_unchained(batch=4)
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    writers = [threading.Thread(target=writer) for _ in range(4)]
    sealers = [threading.Thread(target=sealer) for _ in range(2)]
    for t in writers + sealers:
        t.start()
    for t in writers:
        t.join()
    writing.clear()
    for t in sealers:
        t.join()
    assert not errors, errors
    audit.seal_unchained()
    total = db.session.scalar(select(db.func.count(Event.id)))
    places = sorted(seq for _id, seq in _places())
    assert places == list(range(1, total + 1))
    assert db.session.get(AuditChainHead, 1).seq == total
    verdict = audit.verify_chain(batch=7)
    assert verdict.ok, verdict.problem
    assert verdict.checked == total


def test_an_event_rolled_back_with_a_savepoint_takes_no_place(family_case, parent):
    """Work undone inside a savepoint leaves no gap in the chain."""
    savepoint = db.session.begin_nested()
    audit.record("case.viewed", actor=parent, case=family_case)
    db.session.flush()
    savepoint.rollback()
    audit.record("case.viewed", actor=parent, case=family_case)
    db.session.commit()
    audit.seal_unchained()
    verdict = audit.verify_chain()
    assert verdict.ok, verdict.problem
    assert verdict.unsealed == 0
