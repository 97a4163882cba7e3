"""Administrators' pages for API tokens: list, issue (shown once) and revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from doorstep.core.forms import add_service_errors

from . import services
from .forms import NewTokenForm
from .models import ApiToken

PERMISSION = "api.manage_api_tokens"


@login_required
@permission_required(PERMISSION, raise_exception=True)
def token_list(request):
    tokens = ApiToken.objects.select_related("created_by").order_by(
        F("revoked_at").desc(nulls_first=True), "name", "id"
    )
    return render(request, "api/token_list.html", {"tokens": tokens})


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def token_new(request):
    form = NewTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.issue_token(
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown in this response only: never in a URL, the session or a message.
            response = render(request, "api/token_created.html", {"token": token, "raw": raw})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "api/token_form.html", {"form": form})


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk)
    if request.method == "POST":
        if services.revoke_token(actor=request.user, token=token, request=request):
            messages.success(request, f"Token for {token.name} revoked")
        else:
            messages.info(request, f"The token for {token.name} was already revoked")
        return redirect("api_tokens")
    return render(request, "api/token_revoke.html", {"token": token})
