"""Factories for evidence tests (rows only: services make the real links)."""

import datetime
import hashlib

import factory
from django.utils import timezone

from doorstep.evidence.models import DocumentType, EvidenceRequest, RequestedDocument

from ..factories import ResidentFactory, StaffFactory


class DocumentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Document type {n}")
    guidance = "A clear photo of every page."
    retention_days = 365


class EvidenceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceRequest

    resident = factory.SubFactory(ResidentFactory)
    created_by = factory.SubFactory(StaffFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    token_hash = factory.Sequence(
        lambda n: hashlib.sha256(f"factory-token-{n}".encode()).hexdigest()
    )
    link_expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=21))


class RequestedDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestedDocument

    request = factory.SubFactory(EvidenceRequestFactory)
    document_type = factory.SubFactory(DocumentTypeFactory)
