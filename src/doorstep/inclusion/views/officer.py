"""Officer pages: run a skills check with a resident, see checks and history, record access
needs, refer a resident to a Digital Friend, and ask for help for yourself (colleagues)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from doorstep.messaging import services as messaging

from .. import access, queries, scale, services, skills
from ..forms import AccessNeedsForm, HelpRequestForm, ReferralForm, SkillsCheckForm
from ..models import HelpRequest, SkillsCheck
from .common import posted, run_form


def rule_context() -> dict:
    return {"rule": scale.RULE, "levels": scale.LEVELS}


@permission_required("inclusion.add_skillscheck", raise_exception=True)
@require_http_methods(["GET", "POST"])
def skills_check(request, resident_pk: int):
    resident = access.get_resident_for(request.user, resident_pk)
    form = SkillsCheckForm(posted(request))
    check = run_form(
        request,
        form,
        services.record_skills_check,
        resident=resident,
        source=SkillsCheck.Source.OFFICER,
    )
    if check:
        # The level is on the page it goes to, not in the green banner: it is not a success.
        messages.success(request, "Skills check saved")
        return redirect(check)
    services.record_resident_view(
        actor=request.user, resident_id=resident.pk, detail="Skills check form", request=request
    )
    context = {"resident": resident, "form": form, "public": False, **rule_context()}
    return render(request, "inclusion/officer/check_form.html", context)


@permission_required("inclusion.view_skillscheck", raise_exception=True)
def check_detail(request, pk: int):
    check = access.get_skills_check_for(request.user, pk)
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
    resident = access.get_resident_for(request.user, resident_pk)
    checks = list(queries.checks_for(resident))
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
    resident = access.get_resident_for(request.user, resident_pk)
    needs = queries.access_needs(resident)
    initial = {}
    if needs is not None:
        initial = {
            "channels": needs.channels,
            "needs_help_online": needs.needs_help_online,
            "language": needs.language,
            "accessibility_needs": needs.accessibility_needs,
        }
    form = AccessNeedsForm(posted(request), initial=initial)
    if run_form(request, form, services.save_access_needs, resident=resident):
        messages.success(request, "Contact and access needs saved")
        return redirect(resident)
    services.record_view(
        actor=request.user,
        resident_id=resident.pk,
        object_type="access_needs",
        object_id=needs.pk if needs is not None else "",
        detail="Access needs page",
        request=request,
    )
    return render(
        request, "inclusion/officer/access_needs.html", {"resident": resident, "form": form}
    )


@permission_required("inclusion.add_helprequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def refer(request, resident_pk: int):
    resident = access.get_resident_for(request.user, resident_pk)
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
    form = ReferralForm(posted(request), initial=initial)
    made = run_form(
        request,
        form,
        services.make_help_request,
        source=HelpRequest.Source.OFFICER,
        resident=resident,
    )
    if made:
        messages.success(request, "Referral sent to the Digital Friends coordinator")
        return redirect(resident)
    services.record_resident_view(
        actor=request.user,
        resident_id=resident.pk,
        detail="Digital Friend referral form",
        request=request,
    )
    return render(request, "inclusion/officer/refer.html", {"resident": resident, "form": form})


@permission_required("inclusion.add_helprequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def colleague_request(request):
    user = request.user
    form = HelpRequestForm(
        posted(request),
        initial={"name": user.full_name, "email": user.email, "consents_to_text": False},
    )
    if run_form(request, form, services.make_help_request, source=HelpRequest.Source.COLLEAGUE):
        messages.success(
            request, "Request sent. The coordinator will match you with a Digital Friend"
        )
        return redirect("account_home")
    return render(request, "inclusion/officer/colleague.html", {"form": form})
