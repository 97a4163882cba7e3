"""Who may open each evidence page; merged into tests/core/test_permission_matrix.py."""

from doorstep.core import roles

STAFF = [roles.OFFICER, roles.TEAM_LEADER, roles.ADMINISTRATOR]
ADMINS = [roles.ADMINISTRATOR]

MATRIX = {
    # The resident's link: public, found by its token. Without a confirmed date of birth the
    # other pages send the visitor back to the check (302); POST-only pages answer GET with 405.
    "evidence:link": ("public", 200, "evidence_link"),
    "evidence:link_upload": ("public", 405, "evidence_link_document"),
    "evidence:link_submit": ("public", 405, "evidence_link_document"),
    "evidence:link_remove": ("public", 405, "evidence_link_file"),
    "evidence:link_thumbnail": ("public", 302, "evidence_link_file"),
    "evidence:link_sent": ("public", 302, "evidence_link"),
    # Asking for documents and following a request.
    "evidence:ask": (STAFF, 200, "resident_pk"),
    "evidence:request": (STAFF, 200, "evidence_request"),
    "evidence:revoke": (STAFF, 405, "evidence_request"),
    "evidence:resend": (STAFF, 405, "evidence_request"),
    "evidence:assist_upload": (STAFF, 200, "evidence_request_document"),
    # Reviewing documents: staff who ask for or review documents; Digital Friends get 403. The
    # document is routed to the visitor's team, so every member of staff may open it.
    "evidence:review_queue": (STAFF, 200, None),
    "evidence:overdue": (STAFF, 200, None),
    "evidence:document": (STAFF, 200, "review_document"),
    "evidence:document_claim": (STAFF, 405, "review_document"),
    "evidence:document_release": (STAFF, 405, "review_document"),
    "evidence:document_accept": (STAFF, 200, "review_document"),
    "evidence:document_reject": (STAFF, 200, "review_document"),
    # The file's row exists but nothing is stored here (tests/core has no evidence folder), so
    # staff who may see it get past the permission checks to a 404.
    "evidence:file_content": (STAFF, 404, "review_file"),
    "evidence:file_original": (STAFF, 404, "review_file"),
    # The catalogue of document types.
    "evidence:catalogue": (ADMINS, 200, None),
    "evidence:catalogue_new": (ADMINS, 200, None),
    "evidence:catalogue_edit": (ADMINS, 200, "document_type"),
    "evidence:catalogue_deactivate": (ADMINS, 405, "document_type"),
    "evidence:catalogue_activate": (ADMINS, 405, "document_type"),
}


def _review_objects(*, resident, case, team, administrator):
    from django.utils import timezone

    from doorstep.evidence.models import RequestedDocument, UploadedFile

    from .factories import DocumentTypeFactory, EvidenceRequestFactory, RequestedDocumentFactory

    document = RequestedDocumentFactory(
        request=EvidenceRequestFactory(resident=resident, case=case, created_by=administrator),
        document_type=DocumentTypeFactory(name="Bank statements"),
        reviewer_team=team,
        status=RequestedDocument.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    upload = UploadedFile.objects.create(
        document=document,
        original_name="statement.jpg",
        size=10,
        sha256="0" * 64,
        original_path="originals/00/not-stored.enc",
        sanitised_path="sanitised/00/not-stored.enc",
        mime="image/jpeg",
        status=UploadedFile.Status.READY,
    )
    return {
        "review_document": {"pk": document.pk},
        "review_file": {"pk": upload.pk},
        "document_type": {"pk": document.document_type_id},
    }


def _request_objects(*, resident, team, administrator):
    from django.utils import timezone

    from doorstep.evidence import services
    from doorstep.evidence.models import DocumentType, UploadedFile

    sent = services.create_request(
        actor=administrator,
        resident=resident,
        # Routed to the visitors' team: a request is seen only by those its documents involve.
        documents=[
            {
                "document_type": DocumentType.objects.get(name="Proof of address"),
                "reviewer_team": team,
            }
        ],
        due_date=timezone.localdate(),
    )
    document = sent.evidence_request.items.get()
    upload = UploadedFile.objects.create(
        document=document,
        original_name="payslip.jpg",
        size=10,
        sha256="0" * 64,
        original_path="originals/00/not-stored.enc",
    )
    return {
        "evidence_link": {"token": sent.token},
        "evidence_link_document": {"token": sent.token, "pk": document.pk},
        "evidence_link_file": {"token": sent.token, "pk": upload.pk},
        "evidence_request": {"pk": sent.evidence_request.pk},
        "evidence_request_document": {"pk": sent.evidence_request.pk, "document_pk": document.pk},
    }


def objects(*, resident, other, case, team, administrator):
    """The URL arguments this app's pages need, keyed by the names used in MATRIX."""
    found = {}
    found.update(_request_objects(resident=resident, team=team, administrator=administrator))
    found.update(
        _review_objects(resident=resident, case=case, team=team, administrator=administrator)
    )
    return found
