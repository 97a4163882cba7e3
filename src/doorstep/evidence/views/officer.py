"""Officer pages: ask a resident for documents, follow a request, upload on their behalf."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.cases import queries as case_queries
from doorstep.core.forms import add_service_errors
from doorstep.residents import queries as resident_queries

from .. import access, links, queries, services
from ..filetypes import max_file_bytes
from ..forms import AskForm
from ..models import EvidenceRequest, RequestedDocument

ASK = list(access.ASK)
DUE_IN_DAYS = 14


def _shown_link_key(pk: int) -> str:
    return f"evidence-new-link:{pk}"


def _remember_link(request, sent: services.SentLink) -> None:
    """The link is shown once, on the next page, for the officer to read out or print."""
    request.session[_shown_link_key(sent.evidence_request.pk)] = {
        "link": sent.link,
        "problem": sent.text_problem,
    }


@permission_required(ASK, raise_exception=True)
@require_http_methods(["GET", "POST"])
def ask(request, resident_pk: int):
    resident = resident_queries.resident_for_single_view(resident_pk)
    if resident.merged_into_id:
        return redirect("evidence:ask", resident_pk=resident.merged_into_id)
    # Newest first: the case being worked on now is usually the one asked about.
    cases = sorted(
        case_queries.open_cases_for_resident(resident.pk),
        key=lambda case: (case.opened_at, case.pk),
        reverse=True,
    )
    due = timezone.localdate() + datetime.timedelta(days=DUE_IN_DAYS)
    initial = {"due_date": due}
    if case_pk := request.GET.get("case"):
        initial["case"] = case_pk
    form = AskForm(
        request.POST if request.method == "POST" else None,
        actor=request.user,
        document_types=queries.active_document_types(),
        cases=cases,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.create_request(
                actor=request.user,
                resident=resident,
                documents=form.cleaned_data["documents"],
                due_date=form.cleaned_data["due_date"],
                case=form.cleaned_data["case_object"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _remember_link(request, sent)
            if not sent.text_problem:
                messages.success(request, f"The link is being texted to {resident.full_name}")
            return redirect("evidence:request", pk=sent.evidence_request.pk)
    elif request.method == "GET":
        services.record_asking_page(actor=request.user, resident=resident, request=request)
    context = {"resident": resident, "form": form, "has_dob": resident.date_of_birth is not None}
    return render(request, "evidence/officer/ask.html", context)


def _request(request, pk: int) -> EvidenceRequest:
    return access.get_request_for(request.user, pk)


@permission_required(ASK, raise_exception=True)
def request_detail(request, pk: int):
    evidence_request = _request(request, pk)
    shown = request.session.pop(_shown_link_key(pk), None)
    documents = queries.documents_for_officer(evidence_request)
    texts = queries.texts_for_request(evidence_request)
    services.record_request_view(
        actor=request.user, evidence_request=evidence_request, request=request
    )
    context = {
        "evidence_request": evidence_request,
        "resident": evidence_request.resident,
        "documents": documents,
        "texts": texts,
        "state": links.link_state(evidence_request),
        "locked": links.is_locked(evidence_request),
        "shown": shown,
        "Status": RequestedDocument.Status,
    }
    return render(request, "evidence/officer/request.html", context)


@permission_required(ASK, raise_exception=True)
@require_POST
def revoke(request, pk: int):
    evidence_request = _request(request, pk)
    services.revoke_link(evidence_request=evidence_request, actor=request.user, request=request)
    messages.success(request, "The link has been stopped. It no longer works")
    return redirect("evidence:request", pk=pk)


@permission_required(ASK, raise_exception=True)
@require_POST
def resend(request, pk: int):
    evidence_request = _request(request, pk)
    try:
        sent = services.resend_link(
            evidence_request=evidence_request, actor=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("evidence:request", pk=pk)
    _remember_link(request, sent)
    if not sent.text_problem:
        messages.success(request, "A new link is being texted. The old link no longer works")
    return redirect("evidence:request", pk=pk)


@permission_required(ASK, raise_exception=True)
@require_http_methods(["GET", "POST"])
def assist_upload(request, pk: int, document_pk: int):
    """Upload documents a resident brought in or e-mailed (assisted digital)."""
    evidence_request = _request(request, pk)
    document = access.get_document_in_request(evidence_request, document_pk)
    errors: list[str] = []
    if request.method == "POST":
        files = [(f.name, f) for f in request.FILES.getlist("files")]
        if document.status != RequestedDocument.Status.AWAITING:
            errors.append(f"{document.document_type.name} has already been sent")
        elif evidence_request.status != EvidenceRequest.Status.OPEN:
            errors.append("This request is finished: ask for documents again instead")
        elif not files:
            errors.append("Choose a photo or PDF file to upload")
        else:
            outcome = services.upload_for_resident(
                actor=request.user,
                document=document,
                files=files,
                submit=request.POST.get("submit") == "yes",
                request=request,
            )
            errors = outcome.refused
            if outcome.kept:
                count = len(outcome.kept)
                messages.success(
                    request,
                    f"{count} file{'s' if count != 1 else ''} uploaded for "
                    f"{document.document_type.name}",
                )
            if not errors:
                return redirect("evidence:request", pk=pk)
    context = {
        "evidence_request": evidence_request,
        "resident": evidence_request.resident,
        "document": document,
        "errors": errors,
        "max_mb": max_file_bytes() // (1024 * 1024),
        "back": reverse("evidence:request", args=[pk]),
    }
    return render(request, "evidence/officer/upload.html", context, status=400 if errors else 200)
