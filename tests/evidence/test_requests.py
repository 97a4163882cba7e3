"""Asking for documents: the request, its link, the text, reminders, revoking and resending."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from doorstep.core import resident_links
from doorstep.core.models import AuditEvent, ServiceEvent, TimelineEvent
from doorstep.core.service_events import TRANSACTION_STARTED
from doorstep.core.tokens import hash_token
from doorstep.evidence import links, queries, services
from doorstep.evidence.models import EvidenceRequest, RequestedDocument
from doorstep.messaging import cohorts
from doorstep.messaging.models import Message
from doorstep.residents.merging import merge_residents
from doorstep.residents.models import DuplicateCandidate

from ..factories import CaseFactory, PhoneFactory, ResidentFactory, StaffFactory
from . import requests_support as support
from .requests_support import DATE_OF_BIRTH, ask, due_in, link_in_text, resident_text, token_of

# Shared fixtures (see requests_support.py).
amina = support.amina
medical = support.medical
own_cache = support.own_cache
payslips = support.payslips
second_officer = support.second_officer

pytestmark = pytest.mark.usefixtures("texting_any_time", "own_cache")


def test_a_request_texts_the_resident_a_link_that_only_its_hash_opens(
    officer, amina, payslips, medical, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = ask(officer, amina, payslips, medical)

    evidence_request = sent.evidence_request
    assert sent.text_problem == ""
    assert len(sent.token) >= 32
    assert evidence_request.token_hash == hash_token(sent.token)
    assert sent.token not in evidence_request.token_hash
    assert resident_links.lookup(links.LINK, sent.token) == evidence_request
    assert resident_links.lookup(links.LINK, sent.token[:-1] + "x") is None
    assert resident_links.lookup(links.LINK, "../../etc/passwd") is None

    text = Message.objects.get(idempotency_key__startswith=f"evidence:{evidence_request.pk}:link")
    assert text.resident == amina
    assert "Hello Amina" in text.body
    assert link_in_text(text) == sent.link
    assert sent.token not in text.body and "••••••" in text.body
    assert token_of(sent.link) == sent.token
    run_tasks()
    text.refresh_from_db()
    assert text.status == Message.Status.DELIVERED

    # The link lasts until the due date plus the grace period.
    last_day = evidence_request.due_date + datetime.timedelta(days=7)
    assert timezone.localtime(
        evidence_request.link_expires_at
    ).date() == last_day + datetime.timedelta(days=1)
    assert links.link_state(evidence_request) == links.LinkState.OPEN


def test_each_document_goes_to_its_reviewer_or_the_usual_team(
    officer, amina, payslips, medical, second_officer
):
    sent = services.create_request(
        actor=officer,
        resident=amina,
        documents=[
            {"document_type": payslips, "note": "The last 3 months"},
            {"document_type": medical},
        ],
        due_date=due_in(),
    )
    items = {item.document_type: item for item in sent.evidence_request.items.all()}
    assert items[payslips].reviewer == officer  # no usual team: the officer asking
    assert items[payslips].note == "The last 3 months"
    assert items[medical].reviewer is None
    assert items[medical].reviewer_team == medical.default_team

    other = services.create_request(
        actor=officer,
        resident=amina,
        documents=[{"document_type": payslips, "reviewer": second_officer}],
        due_date=due_in(),
    )
    assert other.evidence_request.items.get().reviewer == second_officer


def test_a_request_writes_the_timeline_audit_and_service_events(
    officer, amina, payslips, medical, team
):
    sent = ask(officer, amina, payslips, medical)
    evidence_request = sent.evidence_request

    event = TimelineEvent.objects.get(resident_id=amina.pk, kind="evidence")
    assert "Payslips (test)" in event.summary and "Medical letter (test)" in event.summary
    assert AuditEvent.objects.filter(
        action="create", object_type="evidence_request", object_id=str(evidence_request.pk)
    ).exists()
    requested = ServiceEvent.objects.get(name="evidence.requested")
    assert requested.value == 2
    assert sorted(requested.attributes["document_types"]) == [
        "Medical letter (test)",
        "Payslips (test)",
    ]
    started = ServiceEvent.objects.get(name=TRANSACTION_STARTED)
    assert started.attributes["service"] == "evidence_request"
    assert started.channel == "digital"
    assert started.object_id == str(evidence_request.pk)
    assert evidence_request.team == team


def test_a_resident_who_cannot_be_texted_still_gets_a_request_and_the_officer_sees_why(
    officer, payslips
):
    resident = ResidentFactory(first_name="Bo", consents_to_text=False)
    PhoneFactory(resident=resident, is_mobile=True)

    sent = ask(officer, resident, payslips)

    assert EvidenceRequest.objects.filter(pk=sent.evidence_request.pk).exists()
    assert "has not agreed to get texts" in sent.text_problem
    assert sent.link.endswith(f"/evidence/d/{sent.token}/")
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"documents": []}, "document_types", "Choose at least one document to ask for"),
        (
            {"due_date": timezone.localdate() - datetime.timedelta(days=1)},
            "due_date",
            "The due date must be today or in the future",
        ),
        ({"due_date": None}, "due_date", "Enter the date the documents are due"),
        (
            {"due_date": timezone.localdate() + datetime.timedelta(days=400)},
            "due_date",
            "The due date must be within a year",
        ),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(
    officer, amina, payslips, change, field, message
):
    arguments = {
        "actor": officer,
        "resident": amina,
        "documents": [{"document_type": payslips}],
        "due_date": due_in(),
        **change,
    }
    with pytest.raises(ValidationError) as refused:
        services.create_request(**arguments)
    assert message in refused.value.message_dict[field]
    assert not EvidenceRequest.objects.exists()
    assert not Message.objects.exists()
    assert not TimelineEvent.objects.exists()


def test_a_reviewer_who_may_not_review_is_refused(officer, amina, payslips, digital_friend):
    with pytest.raises(ValidationError) as refused:
        services.create_request(
            actor=officer,
            resident=amina,
            documents=[{"document_type": payslips, "reviewer": digital_friend}],
            due_date=due_in(),
        )
    assert "cannot review documents" in refused.value.message_dict[f"reviewer_{payslips.pk}"][0]
    assert not EvidenceRequest.objects.exists()


def test_other_refusals(officer, amina, payslips):
    no_birthday = ResidentFactory(date_of_birth=None)
    with pytest.raises(ValidationError, match="date of birth"):
        ask(officer, no_birthday, payslips)
    payslips.active = False
    payslips.save()
    with pytest.raises(ValidationError, match="no longer asked for"):
        ask(officer, amina, payslips)
    payslips.active = True
    payslips.save()
    with pytest.raises(ValidationError, match="only once"):
        ask(officer, amina, payslips, payslips)
    someone_elses = CaseFactory(resident=ResidentFactory())
    with pytest.raises(ValidationError, match="resident's own cases"):
        ask(officer, amina, payslips, case=someone_elses)
    assert not EvidenceRequest.objects.exists()


def test_a_request_from_a_case_belongs_to_the_case_team(officer, amina, payslips):
    case = CaseFactory(resident=amina)
    sent = ask(officer, amina, payslips, case=case)
    assert sent.evidence_request.case == case
    assert sent.evidence_request.team == case.team


# --- The date-of-birth check ----------------------------------------------------------------


def test_three_wrong_dates_of_birth_lock_the_link_until_a_new_one_is_sent(officer, amina, payslips):
    evidence_request = ask(officer, amina, payslips).evidence_request
    wrong = datetime.date(1990, 1, 1)

    first = services.check_date_of_birth(evidence_request=evidence_request, date_of_birth=wrong)
    assert (first.ok, first.tries_left) == (False, 2)
    services.check_date_of_birth(evidence_request=evidence_request, date_of_birth=wrong)
    third = services.check_date_of_birth(evidence_request=evidence_request, date_of_birth=wrong)
    assert third.locked and third.tries_left == 0
    assert links.is_locked(evidence_request)

    # Locked: even the right date is refused, and the count is on the row, not in a cache.
    evidence_request.refresh_from_db()
    right = services.check_date_of_birth(
        evidence_request=evidence_request, date_of_birth=DATE_OF_BIRTH
    )
    assert not right.ok and right.locked
    assert TimelineEvent.objects.filter(summary__contains="locked").exists()

    # Time does not lift the lock: only a new link does.
    with freeze_time(timezone.now() + datetime.timedelta(days=1)):
        assert not services.check_date_of_birth(
            evidence_request=evidence_request, date_of_birth=DATE_OF_BIRTH
        ).ok
    services.resend_link(evidence_request=evidence_request, actor=officer)
    evidence_request.refresh_from_db()
    assert not links.is_locked(evidence_request)
    assert services.check_date_of_birth(
        evidence_request=evidence_request, date_of_birth=DATE_OF_BIRTH
    ).ok
    evidence_request.refresh_from_db()
    assert evidence_request.failed_checks == 0


def test_a_right_date_resets_the_count(officer, amina, payslips):
    evidence_request = ask(officer, amina, payslips).evidence_request
    services.check_date_of_birth(
        evidence_request=evidence_request, date_of_birth=datetime.date(1990, 1, 1)
    )
    services.check_date_of_birth(
        evidence_request=evidence_request, date_of_birth=datetime.date(1990, 1, 1)
    )
    assert services.check_date_of_birth(
        evidence_request=evidence_request, date_of_birth=DATE_OF_BIRTH
    ).ok
    again = services.check_date_of_birth(
        evidence_request=evidence_request, date_of_birth=datetime.date(1990, 1, 1)
    )
    assert again.tries_left == 2


# --- Revoking and resending -----------------------------------------------------------------


def test_a_revoked_link_stops_working_and_its_reminders_stop(officer, amina, payslips):
    sent = ask(officer, amina, payslips)
    evidence_request = sent.evidence_request
    assert Message.objects.filter(kind=Message.Kind.NUDGE, status=Message.Status.QUEUED).exists()

    services.revoke_link(evidence_request=evidence_request, actor=officer)

    evidence_request.refresh_from_db()
    assert links.link_state(evidence_request) == links.LinkState.REVOKED
    assert not Message.objects.filter(
        kind=Message.Kind.NUDGE, status=Message.Status.QUEUED
    ).exists()
    assert AuditEvent.objects.filter(action="revoke").count() == 1
    services.revoke_link(evidence_request=evidence_request, actor=officer)  # twice: no change
    assert AuditEvent.objects.filter(action="revoke").count() == 1


def test_resending_makes_a_new_link_and_the_old_one_stops(officer, amina, payslips):
    first = ask(officer, amina, payslips)
    services.revoke_link(evidence_request=first.evidence_request, actor=officer)

    again = services.resend_link(evidence_request=first.evidence_request, actor=officer)

    assert again.token != first.token
    assert resident_links.lookup(links.LINK, first.token) is None
    found = resident_links.lookup(links.LINK, again.token)
    assert found == first.evidence_request
    assert links.link_state(found) == links.LinkState.OPEN
    texts = Message.objects.filter(kind=Message.Kind.ONE_OFF).order_by("pk")
    assert len(texts) == 2
    assert link_in_text(texts[1]) == again.link
    # Reminders now carry the new link.
    nudges = Message.objects.filter(kind=Message.Kind.NUDGE, status=Message.Status.QUEUED)
    assert nudges and all(again.link in resident_text(nudge) for nudge in nudges)
    assert not any(again.token in nudge.body for nudge in nudges)


def test_an_expired_link_is_expired(officer, amina, payslips):
    evidence_request = ask(officer, amina, payslips).evidence_request
    later = evidence_request.link_expires_at + datetime.timedelta(seconds=1)
    assert links.link_state(evidence_request, later) == links.LinkState.EXPIRED


# --- Reminders ------------------------------------------------------------------------------


def test_reminders_follow_the_schedule(officer, amina, payslips, settings):
    settings.EVIDENCE_REMINDER_SCHEDULE = "request+3, due-2"
    sent = ask(officer, amina, payslips, due=due_in(10))
    nudges = list(Message.objects.filter(kind=Message.Kind.NUDGE).order_by("send_after"))
    assert len(nudges) == 2
    created = sent.evidence_request.created_at
    assert nudges[0].send_after - created >= datetime.timedelta(days=3)
    assert timezone.localtime(nudges[1].send_after).date() == due_in(8)
    assert all(n.condition == services.nudge_condition(sent.evidence_request.pk) for n in nudges)
    assert all(sent.link in resident_text(n) for n in nudges)
    assert not any(sent.token in n.body for n in nudges)


def test_reminders_that_would_come_too_late_are_left_out(officer, amina, payslips, settings):
    settings.EVIDENCE_REMINDER_SCHEDULE = "request+3,due-2"
    ask(
        officer, amina, payslips, due=due_in(1)
    )  # due-2 is yesterday; request+3 after due+grace? no
    times = [m.send_after for m in Message.objects.filter(kind=Message.Kind.NUDGE)]
    assert len(times) == 1  # only 3 days after the request, still before the link runs out


def test_a_bad_schedule_is_reported(officer, amina, payslips, settings):
    settings.EVIDENCE_REMINDER_SCHEDULE = "every tuesday"
    with pytest.raises(ValueError, match="EVIDENCE_REMINDER_SCHEDULE"):
        ask(officer, amina, payslips)


def test_the_reminder_condition_is_met_once_nothing_is_left_to_send(officer, amina, payslips):
    evidence_request = ask(officer, amina, payslips).evidence_request
    condition_id = str(evidence_request.pk)
    assert not queries.uploads_are_in(condition_id)
    evidence_request.items.update(status=RequestedDocument.Status.SUBMITTED)
    assert queries.uploads_are_in(condition_id)


# --- Registered with other capabilities -----------------------------------------------------


def test_the_group_text_filter_finds_residents_with_an_open_request(officer, amina, payslips):
    other = ResidentFactory()
    ask(officer, amina, payslips)
    assert list(cohorts.residents_matching({"evidence_request": "open"})) == [amina]
    assert list(cohorts.residents_matching({"evidence_request": "overdue"})) == []
    assert other not in cohorts.residents_matching({"evidence_request": "open"})


def test_requests_follow_a_merged_resident(officer, amina, payslips, administrator):
    evidence_request = ask(officer, amina, payslips).evidence_request
    keeper = ResidentFactory()
    pair = DuplicateCandidate.objects.create(
        resident_a=min(amina, keeper, key=lambda r: r.pk),
        resident_b=max(amina, keeper, key=lambda r: r.pk),
        reason="name_dob",
    )
    merge_residents(actor=administrator, candidate=pair, keep_id=keeper.pk)
    evidence_request.refresh_from_db()
    assert evidence_request.resident == keeper


def test_an_api_caller_must_choose_a_reviewer_when_the_type_has_no_team(amina, payslips):
    api_actor = "API: Housing system"
    with pytest.raises(ValidationError, match="no usual team"):
        services.create_request(
            actor=api_actor,
            resident=amina,
            documents=[{"document_type": payslips}],
            due_date=due_in(),
        )
    reviewer = StaffFactory(roles=["Officer"])
    sent = services.create_request(
        actor=api_actor,
        resident=amina,
        documents=[{"document_type": payslips, "reviewer": reviewer}],
        due_date=due_in(),
    )
    assert sent.evidence_request.created_by is None
    assert sent.evidence_request.created_by_label == api_actor
