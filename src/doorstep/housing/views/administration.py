"""Administrator pages: upload lettings and register data, see each upload and its problems."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from doorstep.core.csvfiles import csv_download

from .. import importing, queries, services
from ..forms import UploadForm
from ..models import Upload

_TITLES = {
    Upload.Kind.LETTINGS: "Upload lettings",
    Upload.Kind.APPLICATIONS: "Upload register applications",
    Upload.Kind.MAKEUP: "Upload the register make-up (counts)",
}


@permission_required("housing.manage_lettings", raise_exception=True)
def uploads(request):
    return render(
        request,
        "housing/administration/uploads.html",
        {
            "history": queries.upload_history(),
            "current": queries.current_uploads(),
            "kinds": Upload.Kind.choices,
        },
    )


@permission_required("housing.manage_lettings", raise_exception=True)
@require_http_methods(["GET", "POST"])
def upload(request, kind: str):
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        uploaded = form.cleaned_data["file"]
        record = services.upload_file(
            actor=request.user,
            kind=kind,
            raw=uploaded.read(),
            filename=uploaded.name or "",
            request=request,
        )
        if record.status == Upload.Status.ACCEPTED:
            messages.success(
                request,
                f"{record.row_count} rows imported. The estimates are being worked out again",
            )
        return redirect("housing:upload_detail", pk=record.pk)
    return render(
        request,
        "housing/administration/upload.html",
        {"form": form, "kind": kind, "title": _TITLES[kind], "columns": importing.COLUMNS[kind]},
    )


@permission_required("housing.manage_lettings", raise_exception=True)
def upload_detail(request, pk: int):
    record = get_object_or_404(Upload.objects.select_related("uploaded_by"), pk=pk)
    return render(request, "housing/administration/upload_detail.html", {"upload": record})


@permission_required("housing.manage_lettings", raise_exception=True)
def upload_report(request, pk: int):
    record = get_object_or_404(Upload, pk=pk)
    return csv_download(f"upload-{record.pk}-problems.csv", importing.report_rows(record.errors))
