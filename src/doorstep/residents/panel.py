"""The residents app's own panel on the Single View: the note form, after the work panels."""

from django.http import HttpRequest

from . import access
from .forms import NoteForm


def note_panel_context(request: HttpRequest, resident) -> dict | None:
    if not access.can_add_note(request.user, resident):
        return None
    return {"resident": resident, "note_form": NoteForm()}
