"""Demo data for document evidence: a few requests to demo residents in every state. Called by
`manage.py seed_demo`.

Everything goes through the real services (request and link, uploads, processing, decisions),
so each request has its audit records, timeline events and service events. Files are small
generated pictures of a "document". Texts only go to the local outbox.
"""

import datetime
import io
import random

from django.test.utils import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw

from doorstep.cases import queries as case_queries
from doorstep.core import roles
from doorstep.residents.models import Resident

from . import review, services, tasks
from .models import DocumentType, EvidenceRequest, RequestedDocument

MOST = 6
# What happens to each demo request, in turn.
STATES = ["waiting", "to_review", "team_review", "accepted", "rejected", "overdue"]


def _picture(title: str, seed: int) -> bytes:
    """A small picture of a printed page: a heading and some lines."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    image = Image.new("RGB", (420, 594), (250, 250, 246))
    draw = ImageDraw.Draw(image)
    draw.text((30, 30), title, fill=(20, 20, 20))
    for line in range(14):
        width = rng.randint(180, 360)
        draw.rectangle((30, 80 + line * 32, 30 + width, 88 + line * 32), fill=(120, 120, 120))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _send(document: RequestedDocument, *, seed: int) -> None:
    """The resident sends one photo for the document, and it is processed."""
    outcome = services.upload_files(
        document=document,
        files=[(f"IMG_{seed:04d}.jpg", io.BytesIO(_picture(document.document_type.name, seed)))],
    )
    for upload in outcome.kept:
        tasks.process_file(upload.pk)
    services.submit_document(document=document)


def _ask(officer, resident, names: list[str], *, team_review: bool = False):
    asked = [
        services.DocumentAsked(
            document_type=DocumentType.objects.get(name=name),
            reviewer=None if team_review else officer,
            reviewer_team=officer.teams.order_by("name").first() if team_review else None,
        )
        for name in names
    ]
    sent = services.create_request(
        actor=officer,
        resident=resident,
        documents=asked,
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    return sent.evidence_request


def _make(state: str, *, officer, resident, seed: int) -> None:
    checks = [key for key, _ in review.CHECKLIST]
    if state == "waiting":
        _ask(officer, resident, ["Proof of income (payslips)", "Bank statements"])
    elif state in ("to_review", "team_review"):
        evidence_request = _ask(
            officer, resident, ["Universal Credit statement"], team_review=state == "team_review"
        )
        _send(evidence_request.items.get(), seed=seed)
    elif state == "accepted":
        evidence_request = _ask(officer, resident, ["Photo ID"])
        document = evidence_request.items.get()
        _send(document, seed=seed)
        review.accept(
            actor=officer,
            document=document,
            checklist=checks,
            actual_kind="passport",
            expires_on=timezone.localdate() + datetime.timedelta(days=400 + seed % 300),
        )
    elif state == "rejected":
        evidence_request = _ask(officer, resident, ["Tenancy agreement", "Council tax bill"])
        tenancy, bill = evidence_request.items.order_by("id")
        _send(tenancy, seed=seed)
        _send(bill, seed=seed + 1)
        review.accept(
            actor=officer, document=bill, checklist=checks, actual_kind="council_tax_bill"
        )
        review.reject(actor=officer, document=tenancy, reason="incomplete")
    elif state == "overdue":
        evidence_request = _ask(officer, resident, ["Medical evidence"])
        # Asked three weeks ago and not sent: shows on the overdue list.
        EvidenceRequest.objects.filter(pk=evidence_request.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=21),
            due_date=timezone.localdate() - datetime.timedelta(days=7),
        )


def seed(*, seed: int, staff, newest: int) -> str:
    """The seed_demo hook: requests for a few of the `newest` residents, the demo officer's own
    residents first so they see them on their pages."""
    officer = staff.accounts[roles.OFFICER]
    residents = list(Resident.objects.filter(merged_into=None).order_by("-id")[:newest])
    asked_already = set(
        EvidenceRequest.objects.filter(resident__in=residents).values_list("resident_id", flat=True)
    )
    own = set(
        case_queries.my_open_cases(officer)
        .filter(resident_id__in=[r.pk for r in residents])
        .values_list("resident_id", flat=True)
    )
    chosen = [r for r in residents if r.pk in own and r.pk not in asked_already]
    chosen += [r for r in residents if r.pk not in own and r.pk not in asked_already]
    made = 0
    with override_settings(SMS_PROVIDER="outbox", SMS_QUIET_HOURS="", SMS_RATE_PER_MINUTE=None):
        for number, resident in enumerate(chosen[:MOST]):
            _make(
                STATES[number % len(STATES)], officer=officer, resident=resident, seed=seed + number
            )
            made += 1
    return f"  {made:,} document requests, in every state from waiting to complete"
