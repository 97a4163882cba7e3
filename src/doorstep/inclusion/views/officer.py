"""Officer pages: run a skills check with a resident, see checks and history, record access
needs, refer a resident to a Digital Friend, and ask for help for yourself (colleagues)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from doorstep.core.forms import add_service_errors
from doorstep.messaging import services as messaging
from doorstep.residents.models import Resident

from .. import queries, scale, services, skills
from ..forms import AccessNeedsForm, HelpRequestForm, ReferralForm, SkillsCheckForm
from ..models import HelpRequest, SkillsCheck


def _live_resident(pk: int) -> Resident:
    return get_object_or_404(Resident, pk=pk, merged_into=None)


def rule_context() -> dict:
    return {"rule": scale.RULE, "levels": scale.LEVELS}


@permission_required("inclusion.add_skillscheck", raise_exception=True)
@require_http_methods(["GET", "POST"])
def skills_check(request, resident_pk: int):
    resident = _live_resident(resident_pk)
    form = SkillsCheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.record_skills_check(
                actor=request.user,
                resident=resident,
                source=SkillsCheck.Source.OFFICER,
                request=request,
                **form.service_arguments(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Skills check saved. Level {check.level}: {check.level_label}"
            )
            return redirect(check)
    context = {"resident": resident, "form": form, "public": False, **rule_context()}
    return render(request, "inclusion/officer/check_form.html", context)


@permission_required("inclusion.view_skillscheck", raise_exception=True)
def check_detail(request, pk: int):
    check = get_object_or_404(SkillsCheck.objects.select_related("resident", "checked_by"), pk=pk)
    if check.resident_id:
        services.record_check_view(
            actor=request.user,
            resident_id=check.resident_id,
            object_id=check.pk,
            detail="Skills check page",
            request=request,
        )
    return render(
        request,
        "inclusion/officer/check.html",
        {"check": check, "resident": check.resident, **result_context(check)},
    )


def result_context(check: SkillsCheck) -> dict:
    result = skills.score(check.tasks)
    return {
        "result": result,
        "foundation_missing": [skills.FOUNDATION_TASKS[s] for s in result.foundation_missing],
        "suggestions": check.suggestions,
        "topics": skills.TOPICS,
    }


@permission_required("inclusion.view_skillscheck", raise_exception=True)
def history(request, resident_pk: int):
    resident = _live_resident(resident_pk)
    checks = list(queries.checks_for(resident))
    if checks:
        services.record_check_view(
            actor=request.user,
            resident_id=resident.pk,
            detail=f"History ({len(checks)} checks)",
            request=request,
        )
    return render(
        request, "inclusion/officer/history.html", {"resident": resident, "checks": checks}
    )


@permission_required("inclusion.change_accessneeds", raise_exception=True)
@require_http_methods(["GET", "POST"])
def access_needs(request, resident_pk: int):
    resident = _live_resident(resident_pk)
    needs = queries.access_needs(resident)
    initial = {}
    if needs is not None:
        initial = {
            "channels": needs.channels,
            "needs_help_online": needs.needs_help_online,
            "language": needs.language,
            "accessibility_needs": needs.accessibility_needs,
        }
    form = AccessNeedsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_access_needs(
                actor=request.user, resident=resident, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Contact and access needs saved")
            return redirect(resident)
    return render(
        request, "inclusion/officer/access_needs.html", {"resident": resident, "form": form}
    )


def _request_form(request, initial: dict, form_class=HelpRequestForm):
    return form_class(request.POST if request.method == "POST" else None, initial=initial)


@permission_required("inclusion.add_helprequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def refer(request, resident_pk: int):
    resident = _live_resident(resident_pk)
    topic = request.GET.get("topic", "")
    initial = {
        "name": resident.full_name,
        "phone": messaging.mobile_number(resident) or "",
        "email": resident.email,
        "consents_to_text": resident.consents_to_text,
        "language": resident.language or "English",
        "postcode": resident.postcode,
        "topics": [topic] if topic in skills.TOPICS else [],
        "contact_channel": "face_to_face",
    }
    form = _request_form(request, initial, ReferralForm)
    if request.method == "POST" and form.is_valid():
        try:
            services.make_help_request(
                actor=request.user,
                source=HelpRequest.Source.OFFICER,
                resident=resident,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Referral sent to the Digital Friends coordinator")
            return redirect(resident)
    return render(request, "inclusion/officer/refer.html", {"resident": resident, "form": form})


@permission_required("inclusion.add_helprequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def colleague_request(request):
    user = request.user
    form = _request_form(
        request, {"name": user.full_name, "email": user.email, "consents_to_text": False}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.make_help_request(
                actor=user,
                source=HelpRequest.Source.COLLEAGUE,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Request sent. The coordinator will match you with a Digital Friend"
            )
            return redirect("account_home")
    return render(request, "inclusion/officer/colleague.html", {"form": form})
