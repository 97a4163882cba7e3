"""An "Undo" offered once, in a notification banner on the next page shown, after a change that
can be put back (a task marked as done).

The banner holds a plain POST form to the app's own undo address, so it works without
JavaScript; that app's service decides whether the undo is still allowed when it is pressed.
Kept in the session, like Django's messages, and taken when the next full page is drawn.
"""

from dataclasses import asdict, dataclass, field

from django.http import HttpRequest

SESSION_KEY = "doorstep_undo"


@dataclass(frozen=True)
class Offer:
    heading: str
    # The address the Undo button posts to, and the hidden fields it sends.
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    button: str = "Undo"


def offer(
    request: HttpRequest, *, heading: str, action: str, fields: dict[str, str] | None = None
) -> None:
    request.session[SESSION_KEY] = asdict(Offer(heading, action, dict(fields or {})))


def take(request: HttpRequest) -> Offer | None:
    """The offer waiting for this visitor, removed so it shows only once."""
    session = getattr(request, "session", None)
    stored = session.pop(SESSION_KEY, None) if session is not None else None
    return Offer(**stored) if stored else None
