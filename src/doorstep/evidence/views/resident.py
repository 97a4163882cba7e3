"""The resident's pages, opened from the texted link: no account, no password.

`resident_page` (core.resident_links' with the evidence kind of link, links.LINK) looks the
link up, counts guesses and checks this browser confirmed the resident's date of birth.

Uploads are plain multipart POSTs (they work without JavaScript); each goes back to the list
(post/redirect/get) with what was kept and, for each refused file, a message naming it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstep.core import resident_links
from doorstep.core.resident_links import Refusal
from doorstep.reporting import survey

from .. import access, links, queries, services
from ..filetypes import max_file_bytes, safe_filename
from ..forms import DateOfBirthForm
from ..links import LINK
from ..models import EvidenceRequest, RequestedDocument, UploadedFile

FILE_FIELDS = ("photo", "files")


def _refused(request, refusal: Refusal, evidence_request):
    if refusal == Refusal.TOO_MANY_GUESSES:
        response = render(request, "evidence/resident/too_many.html", status=429)
        response["Retry-After"] = str(links.GUESS_WINDOW_SECONDS)
        return response
    if refusal == Refusal.NOT_HELD:
        context = {"council": settings.COUNCIL_NAME}
        return render(request, "evidence/resident/open_again.html", context, status=403)
    state = links.link_state(evidence_request)
    return render(
        request,
        "evidence/resident/closed.html",
        {"state": state, "council": settings.COUNCIL_NAME},
        status=200 if state == links.LinkState.COMPLETE else 410,
    )


def resident_page(*, needs_confirmation: bool = True):
    """Public, never cached, no referrer outside the site; the link looked up and checked, and
    unless `needs_confirmation` is False, this browser's date of birth confirmed. The view is
    called as view(request, evidence_request, token, ...)."""
    return resident_links.resident_page(LINK, refuse=_refused, confirmed=needs_confirmation)


# --- Date of birth, then the list ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@resident_page(needs_confirmation=False)
def link(request, evidence_request, token):
    if resident_links.has_session(request, LINK, evidence_request):
        return documents_page(request, evidence_request, token)
    form = DateOfBirthForm(request.POST if request.method == "POST" else None)
    locked = links.is_locked(evidence_request)
    if request.method == "POST" and not locked and form.is_valid():
        try:
            check = resident_links.confirm(
                request, LINK, evidence_request, form.cleaned_data["date_of_birth"]
            )
        except resident_links.TooManyGuesses:
            return _refused(request, Refusal.TOO_MANY_GUESSES, evidence_request)
        if check.ok:
            return redirect("evidence:link", token=token)
        locked = check.locked
        if not locked:
            tries = check.tries_left
            form.add_error(
                "date_of_birth",
                "The date of birth does not match our records. Check it and try again: you "
                f"have {tries} more {'try' if tries == 1 else 'tries'}",
            )
    context = {
        "form": DateOfBirthForm() if locked else form,
        "locked": locked,
        "council": settings.COUNCIL_NAME,
        "tries": links.DOB_TRIES,
    }
    return render(request, "evidence/resident/confirm.html", context, status=429 if locked else 200)


def documents_page(request, evidence_request, token):
    documents = queries.documents_for_link_page(evidence_request)
    outcome = request.session.pop(_outcome_key(evidence_request), None)
    waiting = [d for d in documents if d.status == RequestedDocument.Status.AWAITING]
    for document in documents:
        document.outcome = outcome if outcome and outcome.get("document") == document.pk else None
    context = {
        "evidence_request": evidence_request,
        "documents": documents,
        "waiting": waiting,
        "token": token,
        "outcome": outcome,
        "max_mb": max_file_bytes() // (1024 * 1024),
        "council": settings.COUNCIL_NAME,
        "Status": RequestedDocument.Status,
        "FileStatus": UploadedFile.Status,
    }
    return render(request, "evidence/resident/documents.html", context)


# --- Uploading -------------------------------------------------------------------------------


class LimitedUploads(FileUploadHandler):
    """Keeps at most `keep` files, none over the size limit, before they reach the disk.

    Files past the limits are skipped as they stream in (never stored) and remembered by name,
    so the page can say which were not sent and why; the others go in as usual.
    """

    def __init__(self, request, *, keep: int, max_bytes: int):
        super().__init__(request)
        self.keep = keep
        self.max_bytes = max_bytes
        self.seen = 0
        self.over_count: list[str] = []
        self.too_big: list[str] = []
        self.received = 0
        self.skipping = False

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0
        self.skipping = False
        if field_name not in FILE_FIELDS:
            self.skipping = True
            return
        self.seen += 1
        if self.seen > self.keep:
            self.over_count.append(safe_filename(file_name))
            self.skipping = True

    def receive_data_chunk(self, raw_data, start):
        # Skipped here, not in new_file: Django closes the newest handler file on SkipFile,
        # which is this file's only once every handler has started it.
        if self.skipping:
            raise SkipFile
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_big.append(safe_filename(self.file_name))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def _outcome_key(evidence_request: EvidenceRequest) -> str:
    return f"evidence-link:{evidence_request.pk}:outcome"


def _over_count_message(document: RequestedDocument, names: list[str], kept: int) -> str:
    limit = document.document_type.max_files
    shown = ", ".join(f"‘{name}’" for name in names[:3])
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    count = len(names)
    return (
        f"{count} file{'s were' if count != 1 else ' was'} not sent ({shown}{more}): you can "
        f"send up to {limit} file{'s' if limit != 1 else ''} for {document.document_type.name}. "
        "Remove a file first if you need to send a different one."
    )


@csrf_exempt
@require_POST
@resident_page()
def upload(request, evidence_request, token, pk: int):
    document = access.get_document_in_request(evidence_request, pk)
    live = queries.usable_file_count(document)
    limits = LimitedUploads(
        request,
        keep=max(0, document.document_type.max_files - live),
        max_bytes=max_file_bytes(),
    )
    # Before anything reads the body: the limits apply as the files stream in.
    request.upload_handlers.insert(0, limits)
    return _upload(request, evidence_request, token, document, limits)


@csrf_protect
def _upload(request, evidence_request, token, document, limits: LimitedUploads):
    files = [
        (uploaded.name, uploaded)
        for field_name in FILE_FIELDS
        for uploaded in request.FILES.getlist(field_name)
    ]
    refused = []
    limit_mb = max_file_bytes() // (1024 * 1024)
    refused.extend(
        f"‘{name}’ is bigger than {limit_mb} MB. Each file must be {limit_mb} MB or smaller: "
        "take a photo of the document instead, or send a smaller copy."
        for name in limits.too_big
    )
    if limits.over_count:
        refused.append(_over_count_message(document, limits.over_count, len(files)))
    kept = []
    if document.status != RequestedDocument.Status.AWAITING:
        refused.insert(0, f"{document.document_type.name} has already been sent.")
    elif not files and not refused:
        refused.append(f"Choose a photo or file for {document.document_type.name}, or take a photo")
    else:
        outcome = services.upload_files(document=document, files=files, request=request)
        kept = [f.original_name for f in outcome.kept]
        refused = outcome.refused + refused
    request.session[_outcome_key(evidence_request)] = {
        "document": document.pk,
        "kept": kept,
        "refused": refused,
    }
    if request.headers.get("X-Upload-Progress") == "1":
        return HttpResponse(status=204)  # the page's script reloads the list itself
    return redirect(reverse("evidence:link", args=[token]) + f"#document-{document.pk}")


@require_POST
@resident_page()
def remove(request, evidence_request, token, pk: int):
    uploaded = access.get_file_in_request(evidence_request, pk)
    message = {"document": uploaded.document_id, "kept": [], "refused": []}
    try:
        services.remove_file(uploaded_file=uploaded, request=request)
    except ValidationError as error:
        message["refused"] = error.messages
    else:
        message["removed"] = uploaded.original_name
    request.session[_outcome_key(evidence_request)] = message
    return redirect(reverse("evidence:link", args=[token]) + f"#document-{uploaded.document_id}")


@require_POST
@resident_page()
def submit(request, evidence_request, token, pk: int):
    document = access.get_document_in_request(evidence_request, pk)
    try:
        all_sent = services.submit_document(document=document, request=request)
    except ValidationError as error:
        request.session[_outcome_key(evidence_request)] = {
            "document": document.pk,
            "kept": [],
            "refused": error.messages,
        }
        return redirect(reverse("evidence:link", args=[token]) + f"#document-{document.pk}")
    if all_sent:
        return redirect("evidence:link_sent", token=token)
    request.session[_outcome_key(evidence_request)] = {
        "document": document.pk,
        "kept": [],
        "refused": [],
        "submitted": document.document_type.name,
    }
    return redirect(reverse("evidence:link", args=[token]))


@require_GET
@resident_page()
def sent(request, evidence_request, token):
    documents = queries.documents_for_link(evidence_request)
    nothing_left = queries.nothing_left_to_send(evidence_request)
    context = {
        "evidence_request": evidence_request,
        "documents": documents,
        "nothing_left": nothing_left,
        # The satisfaction question, once everything asked for has been sent.
        "invitation": survey.invite(
            service="evidence_request", source=evidence_request, team=evidence_request.team_id
        )
        if nothing_left
        else None,
        "token": token,
        "council": settings.COUNCIL_NAME,
    }
    return render(request, "evidence/resident/sent.html", context)


@require_GET
@resident_page()
def thumbnail(request, evidence_request, token, pk: int):
    """A small preview, only ever made from the sanitised copy."""
    uploaded = access.get_file_in_request(
        evidence_request, pk, status__in=[UploadedFile.Status.READY, UploadedFile.Status.FLAGGED]
    )
    if not uploaded.thumbnail_path:
        raise Http404
    content = services.read_stored(uploaded.thumbnail_path)
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
