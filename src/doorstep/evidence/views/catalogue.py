"""Administrator pages: the catalogue of document types officers can ask for."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core.forms import add_service_errors

from .. import queries
from ..models import DocumentType
from ..review_forms import DocumentTypeForm
from ..services import catalogue

MANAGE = "evidence.manage_document_types"


@permission_required(MANAGE, raise_exception=True)
def catalogue_list(request):
    types = queries.catalogue()
    return render(request, "evidence/catalogue/list.html", {"document_types": types})


def _form_page(request, document_type: DocumentType | None):
    form = DocumentTypeForm(
        request.POST if request.method == "POST" else None, instance=document_type
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = catalogue.save_document_type(
                actor=request.user,
                document_type=document_type,
                data=form.cleaned_data,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Document type ‘{saved.name}’ saved")
            return redirect("evidence:catalogue")
    return render(
        request,
        "evidence/catalogue/form.html",
        {"form": form, "document_type": document_type},
    )


@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def catalogue_new(request):
    return _form_page(request, None)


@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def catalogue_edit(request, pk: int):
    return _form_page(request, get_object_or_404(DocumentType, pk=pk))


def _set_active(request, pk: int, *, active: bool, done: str):
    document_type = get_object_or_404(DocumentType, pk=pk)
    catalogue.set_active(
        actor=request.user, document_type=document_type, active=active, request=request
    )
    messages.success(request, done.format(name=document_type.name))
    return redirect("evidence:catalogue")


@permission_required(MANAGE, raise_exception=True)
@require_POST
def catalogue_deactivate(request, pk: int):
    return _set_active(
        request,
        pk,
        active=False,
        done="‘{name}’ is no longer offered to officers asking for documents",
    )


@permission_required(MANAGE, raise_exception=True)
@require_POST
def catalogue_activate(request, pk: int):
    return _set_active(request, pk, active=True, done="‘{name}’ is offered to officers again")
