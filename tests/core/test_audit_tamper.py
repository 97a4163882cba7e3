"""Someone with write access to the database tries to hide or change what the audit log says.

Each attack here passed the old unkeyed chain (SHA-256 under a chain-head row in the same
database); the keyed chain and the checkpoints outside the database catch every one.
"""

import json

import pytest
from django.db import connection

from doorstep.core import audit, checkpoints, sealing
from doorstep.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db

WRONG_KEY = b"a key the attacker made up"


def _write(actor, count=5):
    for number in range(count):
        audit.record(
            actor=actor, action="view", object_type="resident", object_id=number, resident_id=number
        )
    sealing.seal()
    return list(AuditEvent.objects.order_by("seal"))


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _rechain(key, start=1):
    """Recompute every hash from seal `start` on, as the attacker would, and move the head."""
    events = list(AuditEvent.objects.filter(seal__isnull=False).order_by("seal"))
    previous = audit.GENESIS_HASH
    for number, event in enumerate(events, start=1):
        if number >= start:
            event.seal, event.previous_hash = number, previous
            event.hash = event.compute_mac(key)
            _sql(
                "UPDATE core_auditevent SET seal = %s, previous_hash = %s, hash = %s WHERE id = %s",
                [event.seal, event.previous_hash, event.hash, event.id],
            )
        previous = event.hash
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": previous})


def test_an_honest_chain_passes(officer):
    events = _write(officer)
    report = audit.verify_chain()
    assert report.ok and report.checked == 5 and report.unsealed == 0
    assert report.checkpoint.count == 5 and report.checkpoint.head == events[-1].hash
    assert [event.seal for event in events] == [1, 2, 3, 4, 5]
    assert [event.id for event in events] == sorted(event.id for event in events)


def test_an_edited_record_is_detected_even_with_every_later_hash_recomputed(officer):
    events = _write(officer)
    _sql("UPDATE core_auditevent SET detail = 'nothing to see' WHERE id = %s", [events[2].id])
    _rechain(WRONG_KEY, start=3)
    report = audit.verify_chain()
    assert report.broken_at == events[2].id
    assert report.reason == "has been changed since it was written"


def test_an_inserted_record_is_detected(officer):
    _write(officer)
    # A made-up record slipped in after the second, the later ones renumbered and rehashed.
    _sql("UPDATE core_auditevent SET seal = seal + 100 WHERE seal > 2")
    _sql("UPDATE core_auditevent SET seal = seal - 99 WHERE seal > 100")
    forged = AuditEvent(
        actor=officer, actor_label=officer.email, action="view", object_type="resident"
    )
    forged.save()
    _sql("UPDATE core_auditevent SET seal = 3 WHERE id = %s", [forged.id])
    _rechain(WRONG_KEY, start=3)
    report = audit.verify_chain()
    assert report.broken_at == forged.id
    assert report.checked == 2


def test_a_deleted_middle_record_is_detected(officer):
    events = _write(officer)
    _sql("DELETE FROM core_auditevent WHERE id = %s", [events[1].id])
    _rechain(WRONG_KEY, start=2)
    report = audit.verify_chain()
    assert report.broken_at == events[2].id
    assert report.checked == 1


def test_deleting_the_newest_records_and_moving_the_head_is_detected(officer):
    events = _write(officer)
    _sql("DELETE FROM core_auditevent WHERE id >= %s", [events[3].id])
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": events[2].hash})
    report = audit.verify_chain()
    assert report.broken_at == audit.TAIL_REMOVED
    assert report.checked == 3
    assert "newest records have been removed" in report.reason


def test_deleting_the_newest_records_and_the_head_row_is_detected(officer):
    events = _write(officer)
    _sql("DELETE FROM core_auditevent WHERE id >= %s", [events[2].id])
    _sql("DELETE FROM core_auditchainhead")
    report = audit.verify_chain()
    assert report.broken_at == audit.TAIL_REMOVED


def test_a_chain_recomputed_with_another_key_is_detected(officer):
    events = _write(officer)
    _sql("UPDATE core_auditevent SET actor_label = 'someone else'")
    _rechain(WRONG_KEY)
    report = audit.verify_chain()
    assert report.broken_at == events[0].id
    assert report.reason == "has been changed since it was written"


def test_an_older_copy_of_the_database_put_back_is_detected(officer):
    older = _write(officer, count=3)
    newer = _write(officer, count=2)[3:]
    # The older copy: the same three records, and its own (consistent) chain head.
    _sql("DELETE FROM core_auditevent WHERE id >= %s", [newer[0].id])
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": older[-1].hash})
    report = audit.verify_chain()
    assert report.broken_at == audit.TAIL_REMOVED
    assert "older than the checkpoint" in report.reason
    # And the sealer refuses to carry on from the wrong place.
    audit.record(actor=officer, action="view", object_type="resident")
    with pytest.raises(sealing.AuditIntegrityError):
        sealing.seal()


def test_a_rewritten_checkpoint_is_detected(officer, settings):
    _write(officer)
    head_file = checkpoints.folder() / checkpoints.HEAD_FILE
    forged = json.loads(head_file.read_text()) | {"count": 2}
    head_file.write_text(json.dumps(forged))
    report = audit.verify_chain(seal_first=False)
    assert not report.ok
    assert "not signed with the audit key" in report.reason


def test_sealing_without_a_key_fails_closed(officer, settings):
    settings.AUDIT_KEY = ""
    settings.DEBUG = False
    audit.record(actor=officer, action="view", object_type="resident")
    with pytest.raises(checkpoints.AuditKeyMissing, match="set AUDIT_KEY"):
        sealing.seal()
    assert not settings.AUDIT_KEY_FILE.exists()
    assert AuditEvent.objects.get().seal is None


def test_with_debug_on_a_private_key_file_is_made_once(officer, settings):
    import stat

    settings.AUDIT_KEY = ""
    settings.DEBUG = True
    _write(officer, count=2)
    assert stat.S_IMODE(settings.AUDIT_KEY_FILE.stat().st_mode) == 0o600
    key = checkpoints.audit_key()
    assert checkpoints.audit_key() == key
    assert audit.verify_chain().ok


def test_checkpoint_files_are_private_and_the_log_only_grows(officer):
    import stat

    _write(officer, count=2)
    first = sealing.checkpoint_now()
    _write(officer, count=1)
    second = sealing.checkpoint_now()
    log = (checkpoints.folder() / checkpoints.LOG_FILE).read_text().splitlines()
    assert [json.loads(line)["count"] for line in log][-2:] == [first.count, second.count] == [2, 3]
    for name in (checkpoints.LOG_FILE, checkpoints.HEAD_FILE):
        assert stat.S_IMODE((checkpoints.folder() / name).stat().st_mode) == 0o600


def test_a_record_behind_a_recent_gap_waits_then_is_sealed(officer):
    _write(officer, count=1)
    audit.record(actor=officer, action="view", object_type="resident")
    newest = AuditEvent.objects.order_by("-id").first()
    # Pretend the id before it belongs to a transaction still open: move the record up one.
    _sql("UPDATE core_auditevent SET id = id + 1 WHERE id = %s", [newest.id])
    assert sealing.seal(grace_seconds=3600) == 0
    assert sealing.seal(grace_seconds=0) == 1
    assert audit.verify_chain().ok


def test_the_verify_command_reports_a_checkpoint(officer, capsys):
    from django.core.management import call_command

    _write(officer, count=2)
    call_command("verify_audit")
    assert "2 records checked, matching the checkpoint" in capsys.readouterr().out
