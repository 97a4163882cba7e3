"""Plan templates, kept by Administrators on their own pages."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from doorstep.core.forms import add_service_errors

from .. import access, queries, services, templates_text
from ..forms import TemplateForm
from ..models import PlanTemplate


@permission_required("plans.manage_templates", raise_exception=True)
def template_list(request):
    return render(
        request, "plans/administration/templates.html", {"templates": queries.all_templates()}
    )


def _template_page(request, template: PlanTemplate | None):
    form = TemplateForm(
        request.POST if request.method == "POST" else None,
        initial=TemplateForm.initial_for(template),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_template(
                actor=request.user, template=template, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Template ‘{saved.name}’ saved")
            return redirect("plans:templates")
    return render(
        request,
        "plans/administration/template_form.html",
        {"form": form, "template": template, "example": templates_text.__doc__},
    )


@permission_required("plans.manage_templates", raise_exception=True)
@require_http_methods(["GET", "POST"])
def template_new(request):
    return _template_page(request, None)


@permission_required("plans.manage_templates", raise_exception=True)
@require_http_methods(["GET", "POST"])
def template_edit(request, pk: int):
    return _template_page(request, access.get_template_for(request.user, pk))
