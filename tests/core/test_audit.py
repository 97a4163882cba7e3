import pytest
from django.core.management import call_command

from doorstep.core import audit
from doorstep.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _write_three(actor):
    for number in range(3):
        audit.record(
            actor=actor, action="view", object_type="resident", object_id=number, resident_id=number
        )
    # Sealing (normally a background task moments later) gives each record its place and HMAC.
    assert audit.sealing.seal() == 3


def test_records_are_chained_and_verify(officer):
    _write_three(officer)
    events = list(AuditEvent.objects.order_by("id"))
    assert events[0].previous_hash == audit.GENESIS_HASH
    assert events[1].previous_hash == events[0].hash
    report = audit.verify_chain()
    assert report.ok and report.checked == 3


def test_records_cannot_be_changed_or_deleted_through_the_app(officer):
    _write_three(officer)
    event = AuditEvent.objects.first()
    event.detail = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(detail="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_tampering_in_the_database_is_detected(officer, django_db_blocker):
    from django.db import connection

    _write_three(officer)
    middle = AuditEvent.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET detail = 'edited' WHERE id = %s", [middle.id])
    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_at == middle.id


def test_removing_the_newest_record_is_detected(officer):
    from django.db import connection

    _write_three(officer)
    newest = AuditEvent.objects.order_by("-id").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [newest.id])
    report = audit.verify_chain()
    assert report.broken_at == audit.TAIL_REMOVED


def test_verify_audit_command_fails_on_a_broken_chain(officer, capsys):
    from django.db import connection

    _write_three(officer)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_label = 'someone else'")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    assert "changed since it was written" in capsys.readouterr().err
