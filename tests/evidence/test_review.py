"""Decisions on documents: claiming, accepting, rejecting, completing the request."""

import datetime
import os
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from doorstep.core import resident_links, roles
from doorstep.core.models import AuditEvent, ServiceEvent, TimelineEvent
from doorstep.evidence import access, links, queries, services
from doorstep.evidence.models import EvidenceRequest, RequestedDocument, UploadedFile
from doorstep.messaging import services as messaging
from doorstep.messaging.models import Message
from doorstep.messaging.providers import InboundSms
from doorstep.reporting import survey

from ..factories import PhoneFactory, ResidentFactory, StaffFactory, TeamFactory
from .factories import EvidenceRequestFactory, RequestedDocumentFactory
from .requests_support import link_in_text, token_of
from .review_support import stored_file, submitted

pytestmark = pytest.mark.usefixtures("texting_any_time")

ALL_CHECKS = ["right_document", "readable", "complete"]


def accept(actor, document, **overrides):
    arguments = {"checklist": ALL_CHECKS, "actual_kind": "payslip", "expires_on": None}
    arguments.update(overrides)
    return services.accept(actor=actor, document=document, **arguments)


@pytest.fixture
def evidence_request(officer, team, textable_resident):
    return EvidenceRequestFactory(resident=textable_resident, created_by=officer, team=team)


@pytest.fixture
def document(evidence_request, officer):
    return submitted(request=evidence_request, reviewer=officer)


# --- Accepting ------------------------------------------------------------------------------


def test_accepting_the_last_document_completes_the_request(officer, evidence_request, document):
    decision = accept(officer, document)

    document.refresh_from_db()
    evidence_request.refresh_from_db()
    assert document.status == RequestedDocument.Status.ACCEPTED
    assert document.decided_by == officer and document.actual_kind == "payslip"
    assert document.delete_files_after == document.decided_at + datetime.timedelta(days=365)
    assert decision.request_completed
    assert evidence_request.status == EvidenceRequest.Status.COMPLETE
    assert evidence_request.completed_at is not None
    completed = ServiceEvent.objects.get(name="transaction.completed")
    assert completed.attributes == {"service": "evidence_request", "outcome": "done"}
    assert completed.channel == "digital"
    assert completed.object_id == str(evidence_request.pk)
    decided = ServiceEvent.objects.get(name="evidence.decided")
    assert decided.attributes["decision"] == "accepted"
    assert decided.attributes["document_type"] == document.document_type.name
    summaries = list(
        TimelineEvent.objects.filter(resident_id=evidence_request.resident_id).values_list(
            "summary", flat=True
        )
    )
    assert any("accepted: Payslip" in summary for summary in summaries)
    assert any("request complete" in summary for summary in summaries)
    assert AuditEvent.objects.filter(action="accept", object_id=str(document.pk)).exists()


def test_a_completed_request_texts_the_satisfaction_question_once(
    officer, evidence_request, document
):
    accept(officer, document)

    question = Message.objects.get(body__contains=survey.TEXT_QUESTION)
    assert question.resident == evidence_request.resident
    reply = messaging.receive_message(
        provider_name="outbox",
        inbound=InboundSms(
            provider_id="in-1", number="+447700900982", body="5", received_at=timezone.now()
        ),
    )
    answered = ServiceEvent.objects.get(name="survey.answered")
    assert answered.value == 5 and answered.attributes["service"] == "evidence_request"
    assert reply.handled_at is not None  # no officer needs to read it


def test_no_satisfaction_text_for_residents_who_did_not_agree_to_texts(officer, team):
    resident = ResidentFactory(consents_to_text=False)
    PhoneFactory(resident=resident, number="+447700900983", is_mobile=True, is_primary=True)
    evidence_request = EvidenceRequestFactory(resident=resident, created_by=officer, team=team)
    accept(officer, submitted(request=evidence_request, reviewer=officer))
    assert not Message.objects.filter(body__contains=survey.TEXT_QUESTION).exists()


def test_a_request_is_not_complete_while_another_document_is_outstanding(
    officer, evidence_request, document
):
    RequestedDocumentFactory(request=evidence_request)  # still waiting for the resident
    decision = accept(officer, document)
    evidence_request.refresh_from_db()
    assert not decision.request_completed
    assert evidence_request.status == EvidenceRequest.Status.OPEN
    assert not ServiceEvent.objects.filter(name="transaction.completed").exists()


def test_an_officer_uploading_for_the_resident_makes_it_assisted_digital(officer, evidence_request):
    document = RequestedDocumentFactory(
        request=evidence_request,
        reviewer=officer,
        status=RequestedDocument.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    stored_file(document, uploaded_by=officer)
    accept(officer, document)
    assert ServiceEvent.objects.get(name="transaction.completed").channel == "assisted_digital"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"checklist": []}, "checklist", "Confirm all three checks"),
        ({"checklist": ["right_document", "readable"]}, "checklist", "Confirm all three checks"),
        ({"actual_kind": ""}, "actual_kind", "Choose what the document is"),
        ({"actual_kind": "birth_certificate"}, "actual_kind", "Choose what the document is"),
        ({"actual_kind": "passport"}, "expires_on", "Enter the date the passport expires"),
        (
            {"actual_kind": "visa", "expires_on": datetime.date(2020, 1, 1)},
            "expiry_note",
            "not in the future",
        ),
    ],
)
def test_bad_answers_are_refused_and_nothing_changes(officer, document, overrides, field, words):
    with pytest.raises(ValidationError) as caught:
        accept(officer, document, **overrides)
    assert field in caught.value.message_dict
    assert words in caught.value.message_dict[field][0]
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.SUBMITTED
    assert not ServiceEvent.objects.filter(name="evidence.decided").exists()


def test_an_expired_document_can_be_accepted_with_a_reason(officer, document):
    accept(
        officer,
        document,
        actual_kind="passport",
        expires_on=timezone.localdate() - datetime.timedelta(days=3),
        expiry_note="Renewal application seen",
    )
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.ACCEPTED
    event = TimelineEvent.objects.get(summary__contains="accepted: Passport")
    assert "Renewal application seen" in event.body


def test_an_expiry_date_is_kept_for_documents_that_run_out(officer, document):
    accept(officer, document, actual_kind="passport", expires_on=datetime.date(2031, 5, 3))
    document.refresh_from_db()
    assert document.expires_on == datetime.date(2031, 5, 3)


def test_a_document_with_no_usable_file_cannot_be_accepted(officer, evidence_request):
    document = submitted(request=evidence_request, reviewer=officer, files=0)
    stored_file(document, status=UploadedFile.Status.INFECTED)
    with pytest.raises(ValidationError, match="none of the files sent could be used"):
        accept(officer, document)


def test_a_decision_is_final(officer, document):
    accept(officer, document)
    with pytest.raises(ValidationError, match="already accepted by .* A decision is final"):
        accept(officer, document)
    with pytest.raises(ValidationError, match="already accepted"):
        services.reject(actor=officer, document=document, reason="unreadable")
    assert ServiceEvent.objects.filter(name="evidence.decided").count() == 1


def test_a_document_not_yet_sent_cannot_be_decided(officer, evidence_request):
    document = RequestedDocumentFactory(request=evidence_request, reviewer=officer)
    with pytest.raises(ValidationError, match="not sent this document yet"):
        accept(officer, document)


def test_two_reviewers_at_once_one_wins_and_the_other_is_told(officer, team, document):
    colleague = StaffFactory(roles=[roles.OFFICER], teams=[team])
    document.reviewer_team = team
    document.save()
    stale_copy = RequestedDocument.objects.get(pk=document.pk)  # the colleague's page
    accept(officer, document)
    with pytest.raises(ValidationError, match="already accepted by"):
        accept(colleague, stale_copy)
    assert ServiceEvent.objects.filter(name="evidence.decided").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
    reason="needs row locks across connections (the PostgreSQL pass runs it)",
)
def test_two_reviewers_accepting_in_parallel_get_one_decision():
    from doorstep.core.roles import sync_roles

    sync_roles()
    team = TeamFactory()
    first = StaffFactory(roles=[roles.OFFICER], teams=[team])
    second = StaffFactory(roles=[roles.OFFICER], teams=[team])
    document = submitted(reviewer_team=team)
    barrier = threading.Barrier(2)
    outcomes = []

    def race(actor):
        try:
            barrier.wait()
            accept(actor, RequestedDocument.objects.get(pk=document.pk))
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(actor,)) for actor in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("accepted") == 1
    assert any("already accepted" in outcome or "is reviewing" in outcome for outcome in outcomes)
    assert ServiceEvent.objects.filter(name="evidence.decided").count() == 1


# --- Who may decide -------------------------------------------------------------------------


def test_the_requesting_officer_sees_but_only_reviewers_decide(officer, team, evidence_request):
    reviewer = StaffFactory(roles=[roles.OFFICER], teams=[TeamFactory()])
    document = submitted(request=evidence_request, reviewer=reviewer)
    assert access.can_see_document(officer, document)
    with pytest.raises(PermissionDenied):
        accept(officer, document)
    accept(reviewer, document)


def test_a_digital_friend_can_never_decide(digital_friend, evidence_request):
    document = submitted(request=evidence_request, reviewer=digital_friend)
    with pytest.raises(PermissionDenied):
        accept(digital_friend, document)


def test_anyone_in_the_reviewing_team_may_decide(team, evidence_request):
    member = StaffFactory(roles=[roles.OFFICER], teams=[team])
    document = submitted(request=evidence_request, reviewer_team=team)
    accept(member, document)


# --- Claims ---------------------------------------------------------------------------------


def test_a_claimed_document_cannot_be_claimed_or_decided_by_someone_else(team, evidence_request):
    first = StaffFactory(roles=[roles.OFFICER], teams=[team], full_name="Priya Shah")
    second = StaffFactory(roles=[roles.OFFICER], teams=[team])
    document = submitted(request=evidence_request, reviewer_team=team)
    services.claim(actor=first, document=document)
    with pytest.raises(ValidationError, match="Priya Shah is reviewing this document"):
        services.claim(actor=second, document=document)
    with pytest.raises(ValidationError, match="Priya Shah is reviewing"):
        accept(second, document)
    services.claim(actor=first, document=document)  # claiming again keeps it
    accept(first, document)


def test_a_stale_claim_can_be_taken_over(team, evidence_request):
    first = StaffFactory(roles=[roles.OFFICER], teams=[team], full_name="Priya Shah")
    second = StaffFactory(roles=[roles.OFFICER], teams=[team])
    document = submitted(request=evidence_request, reviewer_team=team)
    services.claim(actor=first, document=document)
    RequestedDocument.objects.filter(pk=document.pk).update(
        claimed_at=timezone.now() - queries.CLAIM_TIMEOUT - datetime.timedelta(minutes=1)
    )
    services.claim(actor=second, document=document)
    document.refresh_from_db()
    assert document.claimed_by == second
    assert TimelineEvent.objects.filter(summary__contains="taking it over from Priya Shah").exists()


def test_only_the_holder_releases_a_claim(team, evidence_request):
    first = StaffFactory(roles=[roles.OFFICER], teams=[team])
    second = StaffFactory(roles=[roles.OFFICER], teams=[team])
    document = submitted(request=evidence_request, reviewer_team=team)
    services.claim(actor=first, document=document)
    with pytest.raises(ValidationError, match="You are not reviewing this document"):
        services.release(actor=second, document=document)
    services.release(actor=first, document=document)
    services.claim(actor=second, document=document)
    document.refresh_from_db()
    assert document.claimed_by == second
    assert AuditEvent.objects.filter(action="release", object_id=str(document.pk)).count() == 1


def test_a_claim_on_a_document_not_sent_is_refused(officer, evidence_request):
    document = RequestedDocumentFactory(request=evidence_request, reviewer=officer)
    with pytest.raises(ValidationError, match="nothing to review"):
        services.claim(actor=officer, document=document)


# --- Rejecting ------------------------------------------------------------------------------


def test_a_rejection_asks_again_and_texts_the_reason_with_a_new_link(
    officer, evidence_request, document
):
    old_hash = evidence_request.token_hash
    decision = services.reject(actor=officer, document=document, reason="unreadable")

    document.refresh_from_db()
    evidence_request.refresh_from_db()
    assert document.status == RequestedDocument.Status.REJECTED
    assert document.rejection_reason.startswith("We could not read it")
    replacement = decision.replacement
    assert replacement.replaces == document
    assert replacement.status == RequestedDocument.Status.AWAITING
    assert replacement.reviewer == officer
    assert evidence_request.status == EvidenceRequest.Status.OPEN
    assert evidence_request.token_hash != old_hash
    assert evidence_request.due_date >= timezone.localdate() + datetime.timedelta(days=7)

    text = Message.objects.get(pk=decision.message.pk)
    assert "could not accept your " + document.document_type.name.lower() in text.body
    assert "We could not read it" in text.body
    token = token_of(link_in_text(text))
    assert token not in text.body
    assert resident_links.lookup(links.LINK, token) == evidence_request
    assert ServiceEvent.objects.get(name="evidence.decided").attributes["decision"] == "rejected"
    assert AuditEvent.objects.filter(action="reject", object_id=str(document.pk)).exists()


def test_a_typed_reason_goes_to_the_resident_as_written(officer, document):
    decision = services.reject(
        actor=officer, document=document, reason="  The payslip is for March, not May  "
    )
    assert "The payslip is for March, not May" in decision.message.body


@pytest.mark.parametrize(
    ("reason", "words"),
    [("", "Choose or type the reason"), ("x" * 301, "300 characters or fewer")],
)
def test_a_rejection_needs_a_reason(officer, document, reason, words):
    with pytest.raises(ValidationError, match=words):
        services.reject(actor=officer, document=document, reason=reason)
    document.refresh_from_db()
    assert document.status == RequestedDocument.Status.SUBMITTED
    assert not RequestedDocument.objects.filter(replaces=document).exists()


def test_a_resident_who_cannot_be_texted_keeps_their_link(officer, team):
    resident = ResidentFactory(consents_to_text=False)
    PhoneFactory(resident=resident)
    evidence_request = EvidenceRequestFactory(resident=resident, created_by=officer, team=team)
    old_hash = evidence_request.token_hash
    document = submitted(request=evidence_request, reviewer=officer)
    decision = services.reject(actor=officer, document=document, reason="incomplete")
    evidence_request.refresh_from_db()
    assert decision.message is None
    assert "has not agreed to get texts" in decision.text_problem
    assert evidence_request.token_hash == old_hash
    assert decision.replacement.status == RequestedDocument.Status.AWAITING


def test_the_replacement_completes_the_request_once_accepted(officer, evidence_request, document):
    decision = services.reject(actor=officer, document=document, reason="incomplete")
    replacement = decision.replacement
    RequestedDocument.objects.filter(pk=replacement.pk).update(
        status=RequestedDocument.Status.SUBMITTED, submitted_at=timezone.now()
    )
    stored_file(replacement)
    assert accept(officer, replacement).request_completed


def test_decisions_schedule_the_deletion_of_files(
    officer, document, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accept(officer, document)
    document.refresh_from_db()
    task = DBTaskResult.objects.get(task_path__endswith="delete_files_task")
    assert task.run_after == document.delete_files_after
    assert task.args_kwargs["kwargs"] == {"document_id": document.pk}
