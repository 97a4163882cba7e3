"""Demo data for documents: requests in every state, through the real services."""

import pytest

from doorstep.evidence import demo, queries
from doorstep.evidence.models import EvidenceRequest, RequestedDocument, UploadedFile

from ..factories import PhoneFactory, ResidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texting_any_time")]


def test_the_demo_makes_requests_in_every_state():
    from doorstep.demo import services as demo_services

    staff = demo_services.ensure_demo_staff()
    for number in range(7):
        resident = ResidentFactory(consents_to_text=True)
        PhoneFactory(resident=resident, number=f"+44770090020{number}")

    assert "6 document requests" in demo.seed(seed=3, staff=staff, newest=7)

    statuses = set(RequestedDocument.objects.values_list("status", flat=True))
    assert statuses == {"awaiting", "submitted", "accepted", "rejected"}
    assert EvidenceRequest.objects.filter(status="complete").count() == 1
    assert UploadedFile.objects.filter(status="ready").count() >= 5
    officer = staff.accounts["Officer"]
    assert queries.review_counts(officer)["mine"] >= 1
    assert queries.overdue_requests(officer).count() == 1
    assert RequestedDocument.objects.filter(status="accepted", expires_on__isnull=False).exists()

    demo.seed(seed=3, staff=staff, newest=7)  # running again asks the one left over only
    assert EvidenceRequest.objects.count() == 7
