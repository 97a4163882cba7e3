"""Officer pages for text templates (Administrators), and the live character count."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from doorstep.core.forms import add_service_errors

from .. import access, composing, queries, services, sms
from ..forms import PreviewForm, TemplateForm
from ..models import Template
from .words import count_payload, text_preview

manages_templates = access.allowed(access.can_manage_templates)


@manages_templates
def template_list(request):
    return render(
        request, "messaging/officer/templates.html", {"templates": queries.all_templates()}
    )


def _save(request, form: TemplateForm, template: Template | None):
    """Save the template, or None with the service's errors on the form."""
    try:
        return services.save_template(
            actor=request.user,
            template=template,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            body=form.cleaned_data["body"],
            request=request,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _stored_preview(template: Template | None):
    if template is None:
        return None
    try:
        return text_preview(composing.check_template_body(template.body))
    except ValidationError:
        return None  # saved before today's rules: the errors show when it is saved


def _template_page(request, template: Template | None):
    initial = (
        {"name": template.name, "description": template.description, "body": template.body}
        if template
        else {}
    )
    form = TemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            preview = text_preview(composing.check_template_body(form.cleaned_data["body"]))
        elif saved := _save(request, form, template):
            messages.success(request, f"Template ‘{saved.name}’ saved")
            return redirect("messaging:templates")
    elif request.method == "GET":
        preview = _stored_preview(template)
    context = {
        "form": form,
        "template": template,
        "preview": preview,
        "standard_placeholders": composing.STANDARD_PLACEHOLDERS,
        "caller_placeholders": composing.CALLER_PLACEHOLDERS,
        "example_values": composing.example_values(),
        "footer": composing.FIRST_CONTACT_FOOTER,
    }
    return render(request, "messaging/officer/template_form.html", context)


@manages_templates
@require_http_methods(["GET", "POST"])
def template_new(request):
    return _template_page(request, None)


@manages_templates
@require_http_methods(["GET", "POST"])
def template_edit(request, pk: int):
    return _template_page(request, access.get_template_for(request.user, pk))


def _set_active(request, pk: int, *, active: bool):
    template = access.get_template_for(request.user, pk)
    services.set_template_active(
        actor=request.user, template=template, active=active, request=request
    )
    if active:
        messages.success(request, f"Template ‘{template.name}’ is offered to officers again")
    else:
        messages.success(request, f"Template ‘{template.name}’ is no longer offered to officers")
    return redirect("messaging:templates")


@manages_templates
@require_POST
def template_deactivate(request, pk: int):
    return _set_active(request, pk, active=False)


@manages_templates
@require_POST
def template_activate(request, pk: int):
    return _set_active(request, pk, active=True)


def _counted(request, text: str, resident_pk: int | None) -> tuple[str, str, str | None]:
    """The text as it would go, any refusal, and (for a template) the filled-in preview."""
    if resident_pk is None:
        # A template: filled in with the example values, as the template page shows it.
        try:
            shown = composing.check_template_body(text) if text.strip() else ""
        except ValidationError as problem:
            return text, " ".join(problem.messages), None
        return shown, "", shown
    if not access.can_handle_texts(request.user):
        raise PermissionDenied
    resident = access.get_resident_for(request.user, resident_pk)
    number = request.POST.get("number") or None
    try:
        composed = composing.preview_message(
            resident=resident, actor=request.user, body=text, number=number
        )
    except ValidationError as problem:
        return text, " ".join(problem.messages), None
    return composed.body, "", None


@access.allowed(access.can_write_texts)
@require_POST
def preview(request):
    """The live count as an officer types: JSON from the same rules as sending (sms.py)."""
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "Send the text to count"}, status=400)
    counted, error, shown = _counted(
        request, form.cleaned_data["text"], form.cleaned_data["resident"]
    )
    payload = count_payload(counted, error)
    if shown is not None:
        payload["preview"] = sms.as_sent(shown, settings.SMS_PROVIDER)
    return JsonResponse(payload)
