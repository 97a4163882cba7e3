"""record_change writes the audit record, the timeline event and the service event together."""

import datetime

import pytest
from django.db import transaction

from doorstep.core import actors, audit
from doorstep.core.changes import Timeline, record_change
from doorstep.core.models import AuditEvent, ServiceEvent, TimelineEvent

from ..factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_writes_audit_timeline_and_event_in_one_step(officer, team):
    resident = ResidentFactory()
    written = record_change(
        actor=officer,
        action="update",
        object_type="resident",
        object_id=resident.pk,
        resident_id=resident.pk,
        summary="Phone changed",
        fields=["phone", "email"],
        timeline_event=Timeline(kind="note", body="New mobile"),
        event={"name": "resident.updated", "team": team},
    )
    assert written.audit.detail == "Phone changed"
    assert written.audit.fields == ["email", "phone"]
    assert written.timeline.summary == "Phone changed"
    assert written.timeline.body == "New mobile"
    assert written.timeline.actor == officer
    assert written.event.name == "resident.updated"
    assert written.event.team == team
    assert audit.verify_chain().ok


def test_timeline_summary_can_differ_from_audit(officer):
    resident = ResidentFactory()
    written = record_change(
        actor=officer,
        action="create",
        object_type="note",
        resident_id=resident.pk,
        summary="Note 4 added",
        timeline_event=Timeline(kind="note", summary="Note added"),
    )
    assert written.timeline.summary == "Note added"
    assert written.event is None


def test_timeline_event_can_be_dated_when_it_happened(officer):
    resident = ResidentFactory()
    when = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)
    written = record_change(
        actor=None,
        action="create",
        object_type="message",
        resident_id=resident.pk,
        summary="Text received",
        timeline_event=Timeline(kind="note", occurred_at=when),
    )
    assert written.timeline.occurred_at == when


def test_without_a_resident_only_the_audit_is_written(officer):
    before = TimelineEvent.objects.count()
    written = record_change(
        actor=officer,
        action="update",
        object_type="template",
        object_id=3,
        summary="Template changed",
        timeline_event=Timeline(kind="note"),
    )
    assert written.timeline is None
    assert TimelineEvent.objects.count() == before


def test_unknown_timeline_kind_writes_nothing(officer):
    resident = ResidentFactory()
    audits, events = AuditEvent.objects.count(), ServiceEvent.objects.count()
    with pytest.raises(ValueError, match="register it first"), transaction.atomic():
        record_change(
            actor=officer,
            action="update",
            object_type="resident",
            resident_id=resident.pk,
            summary="x",
            timeline_event=Timeline(kind="no-such-kind"),
        )
    assert AuditEvent.objects.count() == audits
    assert ServiceEvent.objects.count() == events


def test_actor_helpers(officer, team):
    assert actors.is_staff(officer)
    assert not actors.is_staff(None)
    assert not actors.is_staff("the resident")
    assert actors.staff_or_none("the resident") is None
    assert actors.staff_or_none(officer) == officer
    assert actors.label(officer) == (officer.full_name or officer.email)
    assert actors.label(None) == "the system"
    assert actors.label(None, default="The resident") == "The resident"
    assert actors.label("x" * 300) == "x" * 200
    assert actors.first_team(officer) == team
    assert actors.first_team(None) is None
