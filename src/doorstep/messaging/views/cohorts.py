"""Officer pages for group texts: choose residents, check who gets it, send, watch progress."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import access, cohorts, queries, services
from ..cohort_forms import CohortForm, describe_criteria
from ..models import Cohort, Message

COHORTS_PER_PAGE = 25
REFRESH_SECONDS = 5
STATUS_LABELS = {
    Message.Status.DELIVERED: "Delivered",
    Message.Status.SENT: "Sent, waiting for the phone network to confirm delivery",
    Message.Status.SENDING: "Sending",
    Message.Status.QUEUED: "Waiting to be sent",
}


sends_group_texts = access.allowed(access.can_send_group_text)


@sends_group_texts
def cohort_list(request):
    page = Paginator(queries.cohorts_with_counts(), COHORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "messaging/cohorts/list.html", {"page": page, "cohorts": page})


@sends_group_texts
@require_http_methods(["GET", "POST"])
def cohort_new(request):
    action = request.POST.get("action")
    if request.method == "GET" or action == "change":
        # Back from the check page: the answers as they were, with no errors shown.
        initial = request.POST.dict() if action == "change" else {"when": "now"}
        form = CohortForm(initial=initial)
        return render(request, "messaging/cohorts/new.html", {"form": form})
    form = CohortForm(request.POST)
    if not form.is_valid():
        return render(request, "messaging/cohorts/new.html", {"form": form})
    if action == "send":
        try:
            cohort = services.create_cohort(
                name=form.cleaned_data["name"],
                criteria=form.criteria,
                actor=request.user,
                template=form.cleaned_data["template"],
                body=form.cleaned_data["body"],
                send_after=form.send_after,
                request=request,
            )
        except ValidationError as error:
            form.add_error("template" if form.cleaned_data["template"] else "body", error)
            return render(request, "messaging/cohorts/new.html", {"form": form})
        messages.success(request, f"Group text “{cohort.name}” created")
        return redirect("messaging:cohort", pk=cohort.pk)
    try:
        preview = cohorts.preview(criteria=form.criteria, text=form.text, actor=request.user)
    except ValidationError as error:
        # A real name can push the text over the length limit that placeholders hid.
        form.add_error("template" if form.cleaned_data["template"] else "body", error)
        return render(request, "messaging/cohorts/new.html", {"form": form})
    return render(
        request,
        "messaging/cohorts/check.html",
        {
            "form": form,
            "preview": preview,
            "left_out": preview.matched - preview.will_get_it,
            "criteria": form.criteria_described(),
        },
    )


def _stage(cohort: Cohort, counts: dict[str, int], due_now: bool) -> tuple[str, str]:
    """A short status for the tag, and a sentence saying what is happening."""
    if cohort.status == Cohort.Status.PREPARING:
        return "Preparing", "Finding the residents and writing their texts."
    if cohort.status == Cohort.Status.FAILED:
        return "Could not be prepared", cohort.error or "Something went wrong preparing the texts."
    waiting = sum(counts.get(status, 0) for status in queries.IN_FLIGHT)
    if not waiting:
        return "Finished", "Every text has been sent or has stopped."
    if due_now:
        return "Sending", "Texts are being sent."
    return "Waiting", "Texts will be sent at the time chosen, outside quiet hours."


@sends_group_texts
def cohort_detail(request, pk: int):
    cohort = access.get_cohort_for(request.user, pk)
    counts = queries.progress(cohort)
    due_now = queries.cohort_sending_now(cohort, counts)
    stage, explanation = _stage(cohort, counts, due_now)
    rows = [
        (STATUS_LABELS.get(status, label), counts[status])
        for status, label in Message.Status.choices
        if counts.get(status)
    ]
    excluded = sorted(cohort.excluded.items(), key=lambda item: -item[1])
    # ?part=progress: only the status and figures, which the page's script swaps in.
    partial = request.GET.get("part") == "progress"
    return render(
        request,
        "messaging/cohorts/_progress.html" if partial else "messaging/cohorts/detail.html",
        {
            "cohort": cohort,
            "stage": stage,
            "explanation": explanation,
            "rows": rows,
            "total": sum(counts.values()),
            "delivered": counts.get(Message.Status.DELIVERED, 0),
            "excluded": excluded,
            "excluded_total": sum(count for _, count in excluded),
            "criteria": describe_criteria(cohort.criteria),
            # Only while something is happening now: not for texts waiting for tomorrow.
            "refresh": cohort.status == Cohort.Status.PREPARING or due_now,
            "refresh_seconds": REFRESH_SECONDS,
        },
    )
