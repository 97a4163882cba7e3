"""Administrator pages for residents: importing from legacy systems and reviewing duplicates."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from doorstep.core.csvfiles import csv_download
from doorstep.core.forms import GovukForm, add_service_errors

from .. import import_uploads, importing, merging, queries, services
from ..models import DuplicateCandidate, ImportJob
from .common import form_page, posted

# --- Forms -----------------------------------------------------------------------------------


class ImportForm(GovukForm):
    submit_label = "Import residents"

    source = forms.CharField(
        label="Which system did the file come from?",
        help_text="For example, Academy or Jigsaw. Use the same name each time you import "
        "from that system, so records already imported are updated, not copied",
        required=False,
    )
    file = forms.FileField(
        label="CSV file",
        help_text=f"Saved as CSV UTF-8, smaller than {importing.MAX_FILE_BYTES // (1024 * 1024)} MB",
        required=False,
        error_messages={
            "empty": "The file is empty. Choose a CSV file with a row of column names",
            "invalid": "Choose a CSV file to import",
            "missing": "Choose a CSV file to import",
        },
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )


class DecisionForm(GovukForm):
    submit_label = "Continue"

    decision = forms.ChoiceField(
        label="Are these the same person?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether these records are the same person"},
    )

    def __init__(self, *args, sides: list[merging.Side], **kwargs):
        self.sides = sides
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            (
                f"keep-{side.resident.pk}",
                f"Yes: merge them, keeping record {side.resident.reference}"
                + (" (the older record)" if side.is_older else ""),
            )
            for side in sides
        ] + [("different", "No: they are different people")]


# --- Import --------------------------------------------------------------------------------


@login_required
@permission_required("residents.import_residents", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    posted_files = request.FILES if request.method == "POST" else None
    form = ImportForm(posted(request), posted_files)
    return form_page(
        request,
        form,
        lambda: import_uploads.start_import(
            actor=request.user,
            uploaded_file=form.cleaned_data["file"],
            source=form.cleaned_data["source"],
            request=request,
        ),
        done=None,
        then=lambda job: reverse("residents:import_detail", args=[job.pk]),
        template="residents/officer/import_upload.html",
        context={
            "columns": importing.COLUMNS,
            "required_columns": importing.REQUIRED_COLUMNS,
            "recent_jobs": queries.recent_import_jobs(),
        },
    )


@login_required
@permission_required("residents.import_residents", raise_exception=True)
def import_detail(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk)
    return render(
        request,
        "residents/officer/import_detail.html",
        {
            "job": job,
            "in_progress": job.status in (ImportJob.Status.PENDING, ImportJob.Status.RUNNING),
            "unchanged": max(
                job.processed_rows - job.created_count - job.updated_count - job.error_count, 0
            ),
            "first_errors": job.errors[:50],
        },
    )


@login_required
@permission_required("residents.import_residents", raise_exception=True)
def import_report(request, pk: int):
    job = get_object_or_404(ImportJob, pk=pk)
    import_uploads.record_report_download(actor=request.user, job=job, request=request)
    return csv_download(f"import-{job.pk}-rejected-rows.csv", importing.report_rows(job.errors))


# --- Possible duplicates -------------------------------------------------------------------


@login_required
@permission_required("residents.merge_resident", raise_exception=True)
def duplicates(request):
    page = Paginator(merging.open_candidates(), 50).get_page(request.GET.get("page"))
    return render(request, "residents/officer/duplicate_list.html", {"page": page})


def _confirm_merge(request, candidate, sides, decision: str):
    keep_id = int(decision.removeprefix("keep-"))
    kept = next(side for side in sides if side.resident.pk == keep_id)
    other = next(side for side in sides if side.resident.pk != keep_id)
    return render(
        request,
        "residents/officer/duplicate_confirm.html",
        {"candidate": candidate, "decision": decision, "kept": kept, "other": other},
    )


@login_required
@permission_required("residents.merge_resident", raise_exception=True)
@require_http_methods(["GET", "POST"])
def duplicate_review(request, pk: int):
    candidate = get_object_or_404(DuplicateCandidate, pk=pk)
    if candidate.status != DuplicateCandidate.Status.OPEN:
        messages.info(request, "These records have already been reviewed")
        return redirect("residents:duplicates")
    sides = merging.sides_of(candidate)
    form = DecisionForm(posted(request), sides=sides)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        if decision != "different" and request.POST.get("confirm") != "yes":
            # Merging cannot be undone here: show what moves and ask once more.
            return _confirm_merge(request, candidate, sides, decision)
        try:
            if decision == "different":
                merging.mark_not_duplicate(actor=request.user, candidate=candidate, request=request)
            else:
                kept = merging.merge_residents(
                    actor=request.user,
                    candidate=candidate,
                    keep_id=int(decision.removeprefix("keep-")),
                    request=request,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if decision == "different":
                messages.success(request, "The records are kept apart")
                return redirect("residents:duplicates")
            messages.success(request, f"The records are merged into {kept.reference}")
            return redirect(kept)
    if request.method == "GET":
        for side in sides:
            services.record_view(actor=request.user, resident=side.resident, request=request)
    return render(
        request,
        "residents/officer/duplicate_review.html",
        {
            "candidate": candidate,
            "sides": sides,
            "count_rows": merging.count_rows(sides),
            "form": form,
        },
    )
