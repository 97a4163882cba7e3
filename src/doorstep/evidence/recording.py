"""How every evidence action records itself: one `core.changes.record_change` call, with the
object type, resident and timeline link taken from the request, document or file changed."""

from collections.abc import Iterable

from django.urls import reverse

from doorstep.core.changes import Timeline, record_change

from .models import EvidenceRequest, RequestedDocument, UploadedFile

_OBJECT_TYPES = {
    EvidenceRequest: "evidence_request",
    RequestedDocument: "requested_document",
    UploadedFile: "uploaded_file",
}


def resident_of(changed) -> int:
    if isinstance(changed, UploadedFile):
        changed = changed.document
    if isinstance(changed, RequestedDocument):
        changed = changed.request
    return changed.resident_id


def page_url(source) -> str:
    """The officer page a timeline event links to: the request's, or the document's."""
    if isinstance(source, RequestedDocument):
        return reverse("evidence:document", args=[source.pk])
    return reverse("evidence:request", args=[source.pk])


def on_timeline(summary: str = "", *, source, body: str = "", linked: bool = True) -> Timeline:
    """An evidence event on the resident's timeline (its summary defaults to the audit's)."""
    return Timeline(
        kind="evidence",
        summary=summary,
        body=body,
        source=source,
        url=page_url(source) if linked else "",
    )


def record(
    changed,
    *,
    actor,
    action: str,
    summary: str,
    request=None,
    fields: Iterable[str] = (),
    timeline: Timeline | None = None,
    event: dict | None = None,
) -> None:
    """Audit a change to a request, document or file, with its timeline and service events."""
    record_change(
        actor=actor,
        action=action,
        object_type=_OBJECT_TYPES[type(changed)],
        object_id=changed.pk,
        resident_id=resident_of(changed),
        summary=summary,
        fields=fields,
        request=request,
        timeline_event=timeline,
        event=event,
    )
