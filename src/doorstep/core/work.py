"""Sections other capabilities add to an officer's "My work" page.

The cases app owns the page; a capability registers a section in its AppConfig.ready():

    register_section(slug="plan_actions", template="plans/officer/my_work.html",
                     context=overdue_actions_context, order=30)

`context(request)` returns the template's context, or None to leave the section out (nothing
to show, or the member of staff may not see it). Sections follow the page's own tables, in
`order`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    slug: str
    template: str
    context: Callable[[HttpRequest], dict | None]
    order: int


@dataclass(frozen=True)
class RenderedSection:
    slug: str
    template: str
    context: dict


_SECTIONS: dict[str, Section] = {}


def register_section(
    *, slug: str, template: str, context: Callable[[HttpRequest], dict | None], order: int = 50
) -> None:
    _SECTIONS[slug] = Section(slug, template, context, order)


def sections_for(request: HttpRequest) -> list[RenderedSection]:
    rendered = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.slug)):
        context = section.context(request)
        if context is not None:
            rendered.append(RenderedSection(section.slug, section.template, context))
    return rendered
