"""Shared set-up for the request and upload tests: a resident, document types, a sent request."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from doorstep.core import roles
from doorstep.evidence import services
from doorstep.evidence.models import DocumentType
from doorstep.messaging import sealing
from doorstep.messaging.models import Message, OutboxEntry

from ..factories import PhoneFactory, ResidentFactory, StaffFactory, TeamFactory
from .hostile import jpeg_bytes, plain_pdf

DATE_OF_BIRTH = datetime.date(1985, 3, 27)


@pytest.fixture
def own_cache(settings):
    """A cache of the test's own: link guesses counted in one test never reach another."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "evidence-requests-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def amina(db):
    resident = ResidentFactory(
        first_name="Amina", last_name="Khan", date_of_birth=DATE_OF_BIRTH, consents_to_text=True
    )
    PhoneFactory(resident=resident, number="+447700900982", is_mobile=True, is_primary=True)
    return resident


@pytest.fixture
def payslips(db):
    return DocumentType.objects.update_or_create(
        name="Payslips (test)",
        defaults={"guidance": "A photo of each of your last 3 payslips.", "max_files": 5},
    )[0]


@pytest.fixture
def medical(db):
    team = TeamFactory(name="Medical assessments", slug="medical-assessments")
    return DocumentType.objects.update_or_create(
        name="Medical letter (test)",
        defaults={"guidance": "A letter from your GP.", "max_files": 3, "default_team": team},
    )[0]


@pytest.fixture
def second_officer(db, team):
    return StaffFactory(email="second@council.example", roles=[roles.OFFICER], teams=[team])


def due_in(days: int = 14) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def ask(actor, resident, *types, due=None, **kwargs) -> services.SentLink:
    return services.create_request(
        actor=actor,
        resident=resident,
        documents=[{"document_type": t} for t in types],
        due_date=due or due_in(),
        **kwargs,
    )


def resident_text(message: Message) -> str:
    """The text as the resident's phone gets it (the stored body has its link redacted)."""
    sent = OutboxEntry.objects.filter(reference=message.reference).first()
    return sent.body if sent else sealing.unseal(message.sealed_body)


def link_in_text(message: Message) -> str:
    """The link as the resident's phone gets it: officers only ever see it redacted."""
    received = resident_text(message)
    match = re.search(r"(https?://\S+/evidence/d/[A-Za-z0-9_-]+/)", received)
    assert match, received
    assert match.group(1) not in message.body
    return match.group(1)


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def jpeg() -> bytes:
    return jpeg_bytes()


def pdf() -> bytes:
    return plain_pdf().data
