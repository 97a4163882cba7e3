"""The catalogue of document types: the seeded UK set and the Administrator's pages."""

import pytest
from django.urls import reverse

from doorstep.core.models import AuditEvent
from doorstep.evidence import kinds
from doorstep.evidence.models import DocumentType

SEEDED = {
    "Photo ID": True,
    "Proof of address": False,
    "Proof of income (payslips)": False,
    "Bank statements": False,
    "Universal Credit statement": False,
    "Benefit award letter": True,
    "Medical evidence": False,
    "Tenancy agreement": False,
    "Notice to quit or eviction notice": False,
    "Immigration status": True,
    "Pregnancy (MAT B1)": False,
    "Council tax bill": False,
}


@pytest.mark.django_db
def test_the_uk_set_is_seeded_with_guidance_and_expiry():
    types = {t.name: t for t in DocumentType.objects.filter(name__in=SEEDED)}
    assert set(types) == set(SEEDED)
    for name, expires in SEEDED.items():
        document_type = types[name]
        assert document_type.has_expiry is expires, name
        assert document_type.guidance and document_type.active
        assert 1 <= document_type.max_files <= 20 and document_type.retention_days >= 90
    assert types["Bank statements"].several_pages
    assert not types["Council tax bill"].several_pages


def test_every_kind_names_seeded_types_only():
    for kind in kinds.KINDS:
        assert set(kind.document_types) <= set(SEEDED), kind.slug


def test_kinds_offer_the_usual_ones_first():
    offered = [slug for slug, _ in kinds.choices_for("Immigration status")]
    assert offered[:3] == ["passport", "national_id_card", "brp"]
    assert offered[-1] == "other"
    assert len(offered) == len(kinds.KINDS)
    assert kinds.expires("passport") and not kinds.expires("payslip")


def test_the_list_shows_every_type(admin_client_verified):
    page = admin_client_verified.get(reverse("evidence:catalogue")).content.decode()
    for name in SEEDED:
        assert name in page


def test_adding_a_type(admin_client_verified, team):
    response = admin_client_verified.post(
        reverse("evidence:catalogue_new"),
        {
            "name": "  Child Benefit   letter ",
            "guidance": "A photo of the letter.",
            "max_files": "3",
            "retention_days": "180",
            "default_team": str(team.pk),
            "several_pages": "on",
        },
    )
    assert response.status_code == 302
    added = DocumentType.objects.get(name="Child Benefit letter")
    assert (added.max_files, added.retention_days, added.default_team) == (3, 180, team)
    assert added.several_pages and not added.has_expiry
    assert AuditEvent.objects.filter(object_type="document_type", action="create").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter a name for the document type"),
        ({"name": "bank statements"}, "There is already a document type with this name"),
        ({"guidance": ""}, "Enter what to tell the resident about this document"),
        ({"max_files": ""}, "Enter the most files a resident can send, like 10"),
        ({"max_files": "ten"}, "Enter the most files as a number, like 10"),
        ({"max_files": "0"}, "The most files must be between 1 and 50"),
        ({"retention_days": "4000"}, "The days to keep the files must be between 1 and 3650"),
        ({"default_team": "999999"}, "Choose one of the teams"),
    ],
)
def test_mistakes_are_explained_and_nothing_is_saved(admin_client_verified, data, message):
    before = DocumentType.objects.count()
    form = {
        "name": "Letter from a support worker",
        "guidance": "A photo of the letter.",
        "max_files": "3",
        "retention_days": "180",
        **data,
    }
    response = admin_client_verified.post(reverse("evidence:catalogue_new"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert DocumentType.objects.count() == before


def test_changing_a_type_keeps_its_name_free_for_itself(admin_client_verified):
    document_type = DocumentType.objects.get(name="Council tax bill")
    response = admin_client_verified.post(
        reverse("evidence:catalogue_edit", args=[document_type.pk]),
        {
            "name": "Council tax bill",
            "guidance": "The first page of your bill.",
            "max_files": "1",
            "retention_days": "365",
        },
    )
    assert response.status_code == 302
    document_type.refresh_from_db()
    assert (document_type.guidance, document_type.max_files) == ("The first page of your bill.", 1)


def test_taking_a_type_out_of_use_and_back(admin_client_verified):
    document_type = DocumentType.objects.get(name="Medical evidence")
    admin_client_verified.post(reverse("evidence:catalogue_deactivate", args=[document_type.pk]))
    document_type.refresh_from_db()
    assert not document_type.active
    admin_client_verified.post(reverse("evidence:catalogue_activate", args=[document_type.pk]))
    document_type.refresh_from_db()
    assert document_type.active
    assert AuditEvent.objects.filter(object_type="document_type", fields=["active"]).count() == 2


def test_officers_cannot_change_the_catalogue(officer_client):
    document_type = DocumentType.objects.get(name="Photo ID")
    assert officer_client.get(reverse("evidence:catalogue")).status_code == 403
    assert (
        officer_client.post(
            reverse("evidence:catalogue_deactivate", args=[document_type.pk])
        ).status_code
        == 403
    )
    document_type.refresh_from_db()
    assert document_type.active


def test_the_django_admin_lists_types_for_administrators(client, settings, administrator):
    settings.OTP_REQUIRED_ROLES = []
    administrator.is_staff = True
    administrator.save()
    client.force_login(administrator)
    response = client.get(reverse("admin:evidence_documenttype_changelist"))
    assert response.status_code == 200
    assert "Bank statements" in response.content.decode()
    document_type = DocumentType.objects.get(name="Bank statements")
    delete = reverse("admin:evidence_documenttype_delete", args=[document_type.pk])
    assert client.get(delete).status_code == 403  # taken out of use instead
