import pytest
from django.db import transaction

from doorstep.core import service_events
from doorstep.core.models import ServiceEvent

pytestmark = pytest.mark.django_db


def test_record_stores_source_and_team(team, officer):
    event = service_events.record(
        name="sms.sent", team=team, channel="sms", value=2, source=officer, attributes={"a": 1}
    )
    event.refresh_from_db()
    assert (event.name, event.team_id, event.channel, event.value) == (
        "sms.sent",
        team.pk,
        "sms",
        2,
    )
    assert (event.object_type, event.object_id) == ("core.staff", str(officer.pk))
    assert event.attributes == {"a": 1}


def test_unknown_channel_is_refused():
    with pytest.raises(ValueError, match="Unknown channel"):
        service_events.record(name="sms.sent", channel="pigeon")
    assert not ServiceEvent.objects.exists()


def test_event_rolls_back_with_the_change():
    with pytest.raises(RuntimeError), transaction.atomic():
        service_events.record(name="plan.shared")
        raise RuntimeError("the change failed")
    assert not ServiceEvent.objects.exists()


def test_record_many_writes_each_event(team):
    count = service_events.record_many(
        {"name": "sms.queued", "team": team.pk, "channel": "sms"} for _ in range(3)
    )
    assert count == 3
    assert ServiceEvent.objects.filter(name="sms.queued", team=team).count() == 3
