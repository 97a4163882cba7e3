import pytest

from doorstep.core import roles
from doorstep.demo import services as demo_services
from doorstep.inclusion import demo
from doorstep.inclusion.models import DigitalFriend, HelpRequest, Session, SkillsCheck

from ..factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_demo_data_can_be_seeded_twice(texting_any_time):
    staff = demo_services.ensure_demo_staff()
    ResidentFactory.create_batch(5)
    first = demo.seed(seed=1, staff=staff, newest=5)
    assert "Digital Friends" in first
    gareth = DigitalFriend.objects.get(staff=staff.accounts[roles.DIGITAL_FRIEND])
    assert gareth.status == "approved"
    assert SkillsCheck.objects.count() >= 5
    assert HelpRequest.objects.count() == 3 and Session.objects.count() == 1
    demo.seed(seed=1, staff=staff, newest=5)
    assert HelpRequest.objects.count() == 3
