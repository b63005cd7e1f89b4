"""The audit trail is a hash chain: any change, deletion or reordering of an entry is found by
`flask audit verify`, and entries written in one transaction or many join the chain in order."""

from __future__ import annotations

import threading

from sqlalchemy import delete, select, update

from portal import audit
from portal.audit import AuditChainHead, Event, Visibility
from portal.extensions import db


def _write_events(case, actor, count: int = 5) -> list[int]:
    ids = []
    for n in range(count):
        event = audit.record("case.viewed", actor=actor, case=case, subject=case, page=f"p{n}")
        db.session.commit()
        ids.append(event.id)
    return ids


def test_every_committed_event_is_chained_in_order(family_case, parent):
    """Each event gets the next place in the chain and a hash, and an untouched trail verifies."""
    _write_events(family_case, parent, 3)
    rows = db.session.execute(select(Event.chain_seq, Event.chain_hash).order_by(Event.id)).all()
    seqs = [r.chain_seq for r in rows]
    assert seqs == list(range(1, len(rows) + 1))
    assert all(r.chain_hash and len(r.chain_hash) == 64 for r in rows)
    verdict = audit.verify_chain(batch=2)
    assert verdict.ok, verdict.problem
    assert verdict.checked == len(rows)


def test_several_events_in_one_transaction_are_chained_in_the_order_written(family_case, parent):
    """Events added together (one of them flushed early) still take consecutive places."""
    first = audit.record("a.first", actor=parent, case=family_case)
    db.session.flush()
    second = audit.record(
        "a.second", actor=parent, case=family_case, visibility=Visibility.EVERYONE
    )
    db.session.commit()
    assert second.chain_seq == first.chain_seq + 1
    assert audit.verify_chain().ok


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


def test_an_entry_written_around_the_chain_is_reported(family_case, parent):
    """A row inserted with plain SQL (never chained) does not pass as part of the trail."""
    _write_events(family_case, parent, 2)
    db.session.connection().execute(
        Event.__table__.insert().values(action="case.viewed", visibility="audit", detail={})
    )
    db.session.commit()
    verdict = audit.verify_chain()
    assert not verdict.ok
    assert "not in the chain" in verdict.problem


def test_a_rolled_back_event_leaves_no_gap(family_case, parent):
    """A transaction that rolls back takes no place in the chain."""
    _write_events(family_case, parent, 2)
    audit.record("case.viewed", actor=parent, case=family_case)
    db.session.flush()
    db.session.rollback()
    _write_events(family_case, parent, 1)
    assert audit.verify_chain().ok


def test_flask_audit_verify_reports_ok_and_broken(app, family_case, parent):
    """The command says OK on an untouched trail and exits 1 naming the entry when it is not."""
    ids = _write_events(family_case, parent)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit trail OK" in result.output
    db.session.execute(update(Event).where(Event.id == ids[0]).values(actor_id=None))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN" in result.output
    assert "entry 1 " in result.output


def test_two_writers_at_once_do_not_fork_the_chain(app, family_case, parent):
    """Four workers recording at the same moment, each on its own connection, each take a
    place of their own: the chain stays one line (PostgreSQL locks the head row; SQLite lets
    one writer at a time in)."""
    case_id, parent_id = family_case.id, parent.id
    db.session.commit()
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(10):
                    db.session.add(Event(action="case.viewed", actor_id=parent_id, case_id=case_id))
                    db.session.commit()
                db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    head = db.session.get(AuditChainHead, 1)
    assert head.seq == db.session.scalar(select(db.func.count(Event.id)))
    assert audit.verify_chain().ok


def test_an_event_rolled_back_with_a_savepoint_takes_no_place(family_case, parent):
    """Work undone inside a savepoint leaves no gap in the chain."""
    savepoint = db.session.begin_nested()
    audit.record("case.viewed", actor=parent, case=family_case)
    db.session.flush()
    savepoint.rollback()
    audit.record("case.viewed", actor=parent, case=family_case)
    db.session.commit()
    assert audit.verify_chain().ok
