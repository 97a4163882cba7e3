"""Who may open which request, document and file, called directly for each role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from doorstep.core import roles
from doorstep.evidence import access
from doorstep.evidence.models import UploadedFile

from ..factories import StaffFactory, TeamFactory
from .factories import EvidenceRequestFactory
from .review_support import stored_file, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Benefits", slug="benefits")


@pytest.fixture
def unrelated_officer(other_team):
    """An officer of a team with nothing to do with the document."""
    return StaffFactory(roles=[roles.OFFICER], teams=[other_team])


@pytest.fixture
def asker(other_team):
    return StaffFactory(roles=[roles.OFFICER], teams=[other_team])


@pytest.fixture
def document(team, asker):
    """Sent for review to the Housing Needs team, asked for by an officer of another team."""
    return submitted(request=EvidenceRequestFactory(created_by=asker), reviewer_team=team)


@pytest.fixture
def upload(document):
    return document.files.get()


class ApiToken:
    """What an API route passes as the actor: an integration, not a person."""

    is_authenticated = False

    def __str__(self) -> str:
        return "API: Housing system"


# --- Documents -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "team_leader", "administrator"])
def test_the_reviewing_team_and_administrators_see_and_review_a_document(
    request, role, document, upload
):
    actor = request.getfixturevalue(role)
    assert access.get_document_for(actor, document.pk) == document
    assert access.get_file_for(actor, upload.pk) == upload
    assert access.can_see_document(actor, document)
    assert access.can_review(actor, document)


def test_the_asking_officer_sees_the_document_but_does_not_review_it(asker, document, upload):
    assert access.get_document_for(asker, document.pk) == document
    assert access.get_file_for(asker, upload.pk) == upload
    assert not access.can_review(asker, document)


def test_an_officer_of_an_unrelated_team_is_told_nothing_is_there(
    unrelated_officer, document, upload
):
    with pytest.raises(Http404):
        access.get_document_for(unrelated_officer, document.pk)
    with pytest.raises(Http404):
        access.get_file_for(unrelated_officer, upload.pk)
    assert not access.can_see_document(unrelated_officer, document)
    assert not access.can_review(unrelated_officer, document)


def test_a_named_reviewer_outside_the_team_sees_and_reviews(unrelated_officer, team):
    document = submitted(reviewer=unrelated_officer)
    assert access.get_document_for(unrelated_officer, document.pk) == document
    assert access.can_review(unrelated_officer, document)


def test_a_digital_friend_is_refused_outright(digital_friend, team, document, upload):
    digital_friend.teams.add(team)
    with pytest.raises(PermissionDenied):
        access.get_document_for(digital_friend, document.pk)
    with pytest.raises(PermissionDenied):
        access.get_file_for(digital_friend, upload.pk)
    assert not access.may_use_reviews(digital_friend)
    assert not access.can_review(digital_friend, document)


def test_an_api_token_sees_every_document(document, upload):
    assert access.get_document_for(ApiToken(), document.pk) == document
    assert access.get_file_for(ApiToken(), upload.pk) == upload


def test_a_document_that_does_not_exist_is_a_404_for_everyone(administrator):
    with pytest.raises(Http404):
        access.get_document_for(administrator, 999_999)
    with pytest.raises(Http404):
        access.get_document_for(ApiToken(), 999_999)


# --- Requests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "team_leader", "administrator", "asker"])
def test_reviewers_the_asking_officer_and_administrators_open_a_request(request, role, document):
    actor = request.getfixturevalue(role)
    assert access.get_request_for(actor, document.request_id) == document.request


def test_a_named_reviewer_outside_the_team_opens_the_request(unrelated_officer):
    document = submitted(reviewer=unrelated_officer)
    assert access.get_request_for(unrelated_officer, document.request_id) == document.request


def test_an_officer_of_an_unrelated_team_cannot_open_a_request(unrelated_officer, document):
    assert access.can_ask(unrelated_officer)  # may ask for documents, but not see these
    with pytest.raises(Http404):
        access.get_request_for(unrelated_officer, document.request_id)


def test_a_digital_friend_cannot_open_a_request(digital_friend, document):
    assert not access.can_ask(digital_friend)
    with pytest.raises(PermissionDenied):
        access.get_request_for(digital_friend, document.request_id)


def test_an_api_token_opens_any_request_and_a_missing_one_is_a_404(document):
    assert access.get_request_for(ApiToken(), document.request_id) == document.request
    with pytest.raises(Http404):
        access.get_request_for(ApiToken(), 999_999)


def test_a_document_or_file_is_found_only_through_its_own_request(document, upload):
    other = EvidenceRequestFactory()
    assert access.get_document_in_request(document.request, document.pk) == document
    with pytest.raises(Http404):
        access.get_document_in_request(other, document.pk)
    assert access.get_file_in_request(document.request, upload.pk) == upload
    with pytest.raises(Http404):
        access.get_file_in_request(other, upload.pk)
    with pytest.raises(Http404):
        access.get_file_in_request(
            document.request, upload.pk, status__in=[UploadedFile.Status.INFECTED]
        )


# --- Reviewers ---------------------------------------------------------------------------------


def test_who_may_be_named_as_a_reviewer(officer, administrator, digital_friend):
    assert access.can_be_reviewer(officer)
    assert access.can_be_reviewer(administrator)
    assert not access.can_be_reviewer(digital_friend)
    assert not access.can_be_reviewer(None)
    officer.is_active = False
    assert not access.can_be_reviewer(officer)


def test_a_file_of_an_unseen_document_stays_hidden_even_with_a_second_file(
    unrelated_officer, document
):
    second = stored_file(document, pdf=True)
    with pytest.raises(Http404):
        access.get_file_for(unrelated_officer, second.pk)
