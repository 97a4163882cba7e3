import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from doorstep.cases.models import Case
from doorstep.core import timeline
from doorstep.core.models import AuditEvent, TimelineEvent
from doorstep.residents import merging, services
from doorstep.residents.models import (
    DuplicateCandidate,
    ExternalIdentifier,
    Flag,
    Household,
    HouseholdMember,
    Note,
    Resident,
)

from ..factories import CaseFactory, PhoneFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def pair(first: Resident, second: Resident, reason=DuplicateCandidate.Reason.MOBILE):
    a, b = sorted((first.pk, second.pk))
    return DuplicateCandidate.objects.create(resident_a_id=a, resident_b_id=b, reason=reason)


@pytest.fixture
def older(administrator):
    resident = ResidentFactory(
        first_name="Amara",
        last_name="Okafor",
        date_of_birth=datetime.date(1984, 3, 12),
        email="",
        national_insurance_number="",
        created_at=timezone.now() - datetime.timedelta(days=400),
    )
    PhoneFactory(resident=resident, number="+447700900101", is_primary=True)
    PhoneFactory(resident=resident, number="+447700900102", is_primary=False)
    ExternalIdentifier.objects.create(resident=resident, source="Academy", value="A-1")
    services.add_note(actor=administrator, resident=resident, body="Called about rent arrears")
    return resident


@pytest.fixture
def newer(administrator, team):
    resident = ResidentFactory(
        first_name="Amara",
        last_name="OKAFOR",
        date_of_birth=datetime.date(1984, 3, 12),
        email="amara@example.com",
        national_insurance_number="AB123456C",
    )
    PhoneFactory(resident=resident, number="+447700900101", is_primary=True)
    PhoneFactory(resident=resident, number="+447700900103", is_primary=False)
    ExternalIdentifier.objects.create(resident=resident, source="Jigsaw", value="J-9")
    services.add_note(actor=administrator, resident=resident, body="Needs a ground floor flat")
    services.add_flag(
        actor=administrator, resident=resident, kind="safeguarding", description="Lives alone"
    )
    case = CaseFactory(resident=resident, team=team)
    timeline.add_event(resident_id=resident.pk, kind="case", summary="Case opened", source=case)
    household = Household.objects.create(name="Okafor household")
    HouseholdMember.objects.create(household=household, resident=resident, relationship="lead")
    return resident


def test_merging_keeps_everything_on_the_older_record(admin_client_verified, older, newer):
    candidate = pair(older, newer)
    newer_events = TimelineEvent.objects.filter(resident_id=newer.pk).count()
    older_events = TimelineEvent.objects.filter(resident_id=older.pk).count()

    url = reverse("residents:duplicate_review", args=[candidate.pk])
    response = admin_client_verified.post(url, {"decision": f"keep-{older.pk}", "confirm": "yes"})

    assert response.status_code == 302
    assert response.url == older.get_absolute_url()
    newer.refresh_from_db()
    older.refresh_from_db()
    assert newer.merged_into == older
    assert older.merged_into is None
    # Phones: every number once, one primary.
    assert sorted(older.phones.values_list("number", flat=True)) == [
        "+447700900101",
        "+447700900102",
        "+447700900103",
    ]
    assert older.phones.filter(is_primary=True).count() == 1
    assert not newer.phones.exists()
    assert set(older.identifiers.values_list("source", "value")) == {
        ("Academy", "A-1"),
        ("Jigsaw", "J-9"),
    }
    assert set(Note.objects.filter(resident=older).values_list("body", flat=True)) == {
        "Called about rent arrears",
        "Needs a ground floor flat",
    }
    assert Flag.objects.filter(resident=older, kind="safeguarding").exists()
    assert Case.objects.get().resident == older
    assert older.membership.household.name == "Okafor household"
    # Empty fields are filled from the other record; the NI number moves as well.
    assert older.email == "amara@example.com"
    assert older.national_insurance_number == "AB123456C"
    assert older.first_name == "Amara" and older.last_name == "Okafor"
    # Every timeline event follows the person, and the merge itself is on the timeline.
    assert not TimelineEvent.objects.filter(resident_id=newer.pk).exists()
    assert TimelineEvent.objects.filter(resident_id=older.pk).count() == (
        older_events + newer_events + 1
    )
    merge_event = TimelineEvent.objects.get(resident_id=older.pk, kind="merge")
    assert newer.reference in merge_event.summary
    for resident in (older, newer):
        record = AuditEvent.objects.get(action="merge", resident_id=resident.pk)
        assert record.actor.email == "admin@council.example"
        assert "moved 1 phones, 1 identifiers, 1 notes, 1 cases" in record.detail
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.MERGED
    assert candidate.resolved_by.email == "admin@council.example"
    assert candidate.resolved_at is not None
    # The merged record's page leads to the one kept.
    assert admin_client_verified.get(newer.get_absolute_url()).url == older.get_absolute_url()


def test_the_reviewer_can_keep_the_newer_record(administrator, older, newer):
    kept = merging.merge_residents(
        actor=administrator, candidate=pair(older, newer), keep_id=newer.pk
    )
    assert kept == newer
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.merged_into == newer
    assert newer.phones.count() == 3
    assert newer.identifiers.count() == 2
    # The newer record had its own household; the email it held is not replaced.
    assert newer.email == "amara@example.com"
    assert newer.notes.count() == 2


def test_the_older_record_is_kept_when_no_choice_is_made(administrator, older, newer):
    assert merging.merge_residents(actor=administrator, candidate=pair(older, newer)) == older


def test_other_open_pairs_follow_the_kept_record(administrator, older, newer):
    third = ResidentFactory()
    fourth = ResidentFactory()
    candidate = pair(older, newer)
    pair(newer, third)
    pair(older, fourth)
    pair(newer, fourth)
    merging.merge_residents(actor=administrator, candidate=candidate, keep_id=older.pk)
    open_pairs = set(merging.open_candidates().values_list("resident_a_id", "resident_b_id"))
    assert open_pairs == {tuple(sorted((older.pk, third.pk))), (older.pk, fourth.pk)}


def test_a_reviewed_pair_cannot_be_merged_again(administrator, older, newer):
    candidate = pair(older, newer)
    merging.mark_not_duplicate(actor=administrator, candidate=candidate)
    with pytest.raises(ValidationError, match="already reviewed"):
        merging.merge_residents(actor=administrator, candidate=candidate)
    assert Resident.objects.filter(merged_into=None).count() == 2


def test_a_pair_with_an_already_merged_record_is_refused(administrator, older, newer):
    third = ResidentFactory()
    merging.merge_residents(actor=administrator, candidate=pair(older, third))
    stale = DuplicateCandidate.objects.create(
        resident_a_id=min(newer.pk, third.pk),
        resident_b_id=max(newer.pk, third.pk),
        reason=DuplicateCandidate.Reason.MOBILE,
    )
    with pytest.raises(ValidationError, match="already been merged"):
        merging.merge_residents(actor=administrator, candidate=stale)


def test_not_the_same_person_keeps_both_records(admin_client_verified, older, newer):
    candidate = pair(older, newer)
    response = admin_client_verified.post(
        reverse("residents:duplicate_review", args=[candidate.pk]), {"decision": "different"}
    )
    assert response.status_code == 302
    assert response.url == reverse("residents:duplicates")
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.NOT_DUPLICATE
    assert Resident.objects.filter(merged_into=None).count() == 2
    assert newer.phones.count() == 2
    assert AuditEvent.objects.filter(object_type="duplicate_candidate").count() == 2
    # The same pair is not suggested again.
    assert merging.flag_possible_duplicates(resident_id=newer.pk) == 0


def test_the_review_page_shows_both_records_side_by_side(admin_client_verified, older, newer):
    candidate = pair(older, newer)
    response = admin_client_verified.get(reverse("residents:duplicate_review", args=[candidate.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Record {older.reference} (older)" in page
    assert f"Record {newer.reference}" in page
    assert "Academy: A-1" in page and "Jigsaw: J-9" in page
    assert "+447700900103" in page
    assert "AB 12 34 56 C" in page
    assert "Open cases" in page and "Notes" in page
    assert f'value="keep-{older.pk}"' in page and 'value="different"' in page
    sides = merging.sides_of(candidate)
    assert [(dict(side.counts)["Open cases"], side.notes) for side in sides] == [(0, 1), (1, 1)]
    # Opening two residents' records is audited like any other read.
    assert AuditEvent.objects.filter(action="view", resident_id=older.pk).exists()
    assert AuditEvent.objects.filter(action="view", resident_id=newer.pk).exists()


def test_the_review_form_asks_for_a_decision(admin_client_verified, older, newer):
    candidate = pair(older, newer)
    url = reverse("residents:duplicate_review", args=[candidate.pk])
    for data in ({}, {"decision": "keep-999999"}):
        response = admin_client_verified.post(url, data)
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
    assert (
        "Choose whether these records are the same person"
        in admin_client_verified.post(url, {}).content.decode()
    )
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.OPEN


def test_a_reviewed_pair_sends_the_reviewer_back_to_the_list(
    admin_client_verified, administrator, older, newer
):
    candidate = pair(older, newer)
    merging.mark_not_duplicate(actor=administrator, candidate=candidate)
    response = admin_client_verified.get(reverse("residents:duplicate_review", args=[candidate.pk]))
    assert response.url == reverse("residents:duplicates")


def test_the_list_shows_only_open_pairs(admin_client_verified, administrator, older, newer):
    open_pair = pair(older, newer)
    closed = pair(ResidentFactory(first_name="Closed"), ResidentFactory())
    merging.mark_not_duplicate(actor=administrator, candidate=closed)
    page = admin_client_verified.get(reverse("residents:duplicates")).content.decode()
    assert reverse("residents:duplicate_review", args=[open_pair.pk]) in page
    assert reverse("residents:duplicate_review", args=[closed.pk]) not in page
    assert "1 pair to review" in page


def test_finding_possible_duplicates(older, newer):
    same_mobile_only = ResidentFactory(first_name="Someone", last_name="Else")
    PhoneFactory(resident=same_mobile_only, number="+447700900102")
    landline_only = ResidentFactory()
    PhoneFactory(resident=landline_only, number="+447700900103", is_mobile=False)
    assert merging.possible_duplicates_of(older) == [
        (newer.pk, DuplicateCandidate.Reason.NAME_AND_BIRTH_DATE),
        (same_mobile_only.pk, DuplicateCandidate.Reason.MOBILE),
    ]
    assert merging.flag_possible_duplicates(resident_id=older.pk) == 2
    assert merging.flag_possible_duplicates(resident_id=older.pk) == 0


# --- Permissions ---------------------------------------------------------------------------


def test_officers_cannot_review_or_merge(officer, officer_client, older, newer):
    candidate = pair(older, newer)
    assert officer_client.get(reverse("residents:duplicates")).status_code == 403
    url = reverse("residents:duplicate_review", args=[candidate.pk])
    assert officer_client.get(url).status_code == 403
    assert officer_client.post(url, {"decision": "different"}).status_code == 403
    with pytest.raises(PermissionDenied):
        merging.merge_residents(actor=officer, candidate=candidate)
    with pytest.raises(PermissionDenied):
        merging.mark_not_duplicate(actor=officer, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.OPEN


def test_anonymous_visitors_are_sent_to_sign_in(client, older, newer):
    candidate = pair(older, newer)
    for url in (
        reverse("residents:duplicates"),
        reverse("residents:duplicate_review", args=[candidate.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_merging_asks_for_confirmation_showing_what_moves(admin_client_verified, older, newer):
    candidate = pair(older, newer)
    url = reverse("residents:duplicate_review", args=[candidate.pk])
    response = admin_client_verified.post(url, {"decision": f"keep-{older.pk}"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Merge record {newer.reference} into record {older.reference}?" in page
    assert "Phone numbers" in page and "Open cases" in page
    assert 'name="confirm" value="yes"' in page
    newer.refresh_from_db()
    assert newer.merged_into is None  # nothing merged before the second yes
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.OPEN
