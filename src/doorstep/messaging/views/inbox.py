"""Officer pages: the inbox of conversations, and triage of texts from unknown numbers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from doorstep.core.forms import add_service_errors
from doorstep.core.validators import format_phone_for_display
from doorstep.residents.search import search_residents

from .. import access, services
from .. import inbox as queries
from ..cohort_forms import LinkTextsForm

sees_texts = access.allowed(access.can_see_texts)

SEARCH_LIMIT = 20


def conversation_url(resident_pk: int) -> str:
    return reverse("messaging:conversation", args=[resident_pk])


@sees_texts
def inbox(request):
    show = request.GET.get("show", queries.ALL)
    if show not in dict(queries.SHOW_CHOICES):
        show = queries.ALL
    page, conversations = queries.conversations(
        user=request.user, show=show, page=request.GET.get("page")
    )
    for conversation in conversations:
        conversation.url = conversation_url(conversation.resident.pk)
    services.record_view(
        actor=request.user,
        object_type="inbox",
        detail=f"{dict(queries.SHOW_CHOICES)[show]}, page {page.number}: "
        f"{len(conversations)} conversations",
        request=request,
    )
    return render(
        request,
        "messaging/inbox/inbox.html",
        {
            "show": show,
            "show_choices": queries.SHOW_CHOICES,
            "show_label": dict(queries.SHOW_CHOICES)[show],
            "page": page,
            "conversations": conversations,
            "has_teams": show != queries.TEAM or request.user.teams.exists(),
            "unmatched": queries.unmatched_count(),
        },
    )


@sees_texts
def triage(request):
    page, numbers = queries.unmatched_numbers(page=request.GET.get("page"))
    services.record_view(
        actor=request.user,
        object_type="triage",
        detail=f"page {page.number}: {len(numbers)} numbers",
        request=request,
    )
    return render(request, "messaging/inbox/triage.html", {"page": page, "numbers": numbers})


@access.allowed(access.can_see_conversation)
@require_http_methods(["GET", "POST"])
def triage_link(request, pk: int):
    text = access.get_reply_for(request.user, pk)
    if text.resident_id:
        messages.info(request, "These texts are already linked to a resident")
        return redirect(conversation_url(text.resident_id))
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()[:200]
    form = LinkTextsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        resident = form.cleaned_data["resident"]
        try:
            linked = services.link_reply(
                message=text, resident=resident, actor=request.user, request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            noun = "text" if linked == 1 else "texts"
            messages.success(request, f"{linked} {noun} linked to {resident.full_name}")
            return redirect(conversation_url(resident.pk))
    sharing = services.residents_with_number(text.number)
    found = []
    if query:
        found = [r for r in search_residents(query, limit=SEARCH_LIMIT) if r not in sharing]
        services.record_view(
            actor=request.user,
            action="search",
            object_type="resident",
            detail=f"{len(found)} results, linking a text",
            request=request,
        )
    return render(
        request,
        "messaging/inbox/triage_link.html",
        {
            "text": text,
            "number_display": format_phone_for_display(text.number),
            "texts": queries.unlinked_texts_from(text.number),
            "sharing": sharing,
            "found": found,
            "query": query,
            "form": form,
        },
    )
