"""Who may see what in digital inclusion: the pages, the API and tasks all ask here.

- Coordinators (Team leaders and Administrators, `inclusion.coordinate`) see every help
  request, match, Digital Friend and session.
- Officers see residents' skills checks and contact needs (`inclusion.view_skillscheck`), not
  Friends' records, requests or matches.
- A Digital Friend sees their own record and only the matches offered to them (a declined
  offer is no longer theirs), with the learner's request and the sessions of each: the
  learner's name and goal, nothing else from the resident's record. The learner's phone and
  e-mail only while the match is accepted and active: not while it is only offered, nor once
  it has ended, the request is closed or the Friend is paused.
- An integration's API token sees what the API serves.

`get_<thing>_for(actor, pk)` raises Http404 when the thing is missing or the actor may not see
it, so a page does not tell the two apart. `get_own_match_for` is the exception: a Friend's
match pages have always answered 403, whether the match is someone else's or missing.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from doorstep.core import actors
from doorstep.residents import queries as residents
from doorstep.residents.models import Resident

from . import queries
from .models import DigitalFriend, HelpRequest, Match, Session, SkillsCheck

COORDINATE = "inclusion.coordinate"
VIEW_CHECKS = "inclusion.view_skillscheck"
LOG_SESSION = "inclusion.log_session"


def _is_integration(actor) -> bool:
    """An API token acting for an integration (not a person, so not staff)."""
    return getattr(actor, "token", None) is not None and not actors.is_staff(actor)


def _has(actor, permission: str) -> bool:
    return actors.is_staff(actor) and actor.has_perm(permission)


def is_coordinator(actor) -> bool:
    return _is_integration(actor) or _has(actor, COORDINATE)


def _found(obj, allowed) -> object:
    if obj is None or not allowed(obj):
        raise Http404
    return obj


# --- A resident's records (officers) ----------------------------------------------------------


def can_view_skills_checks(actor) -> bool:
    return _is_integration(actor) or _has(actor, VIEW_CHECKS)


def get_resident_for(actor, pk: int) -> Resident:
    """A resident record still in use (not merged away), for the officers' inclusion pages."""
    found = residents.live_residents().filter(pk=pk).first()
    return _found(found, lambda _: can_view_skills_checks(actor))


def can_view_skills_check(actor, check: SkillsCheck) -> bool:
    return can_view_skills_checks(actor)


def get_skills_check_for(actor, pk: int) -> SkillsCheck:
    return _found(queries.skills_check(pk), lambda check: can_view_skills_check(actor, check))


# --- Digital Friends, learners' requests, matches and sessions ---------------------------------


def _is_friend_of(actor, match: Match) -> bool:
    """The Digital Friend the match was offered to, unless they declined it."""
    return (
        actors.is_staff(actor)
        and match.friend.staff_id == actor.pk
        and match.status != Match.Status.DECLINED
    )


def can_view_friend(actor, friend: DigitalFriend) -> bool:
    return is_coordinator(actor) or (actors.is_staff(actor) and friend.staff_id == actor.pk)


def get_friend_for(actor, pk: int) -> DigitalFriend:
    return _found(queries.friend(pk), lambda friend: can_view_friend(actor, friend))


def can_view_help_request(actor, help_request: HelpRequest) -> bool:
    """The learner's details: coordinators, and the Friend of one of its matches."""
    if is_coordinator(actor):
        return True
    return (
        actors.is_staff(actor)
        and queries.matches_for_friend(actor).filter(help_request=help_request).exists()
    )


def get_help_request_for(actor, pk: int) -> HelpRequest:
    return _found(queries.help_request(pk), lambda found: can_view_help_request(actor, found))


def can_view_match(actor, match: Match) -> bool:
    return is_coordinator(actor) or _is_friend_of(actor, match)


def get_match_for(actor, pk: int) -> Match:
    return _found(queries.match(pk), lambda match: can_view_match(actor, match))


def get_own_match_for(actor, pk: int) -> Match:
    """A Friend's own match, for their pages: another Friend's or a missing one is refused (403)."""
    match = queries.match_for_friend(actor, pk) if actors.is_staff(actor) else None
    if match is None:
        raise PermissionDenied
    return match


def can_see_learner_contact(actor, match: Match) -> bool:
    """The learner's phone and e-mail: coordinators, and the Friend of an accepted, active match."""
    if is_coordinator(actor):
        return True
    return (
        _is_friend_of(actor, match)
        and match.status == Match.Status.ACCEPTED
        and match.friend.status == DigitalFriend.Status.APPROVED
        and match.help_request.status != HelpRequest.Status.CLOSED
    )


def can_log_session(actor, match: Match) -> bool:
    return is_coordinator(actor) or _is_friend_of(actor, match)


def can_view_session(actor, session: Session) -> bool:
    return is_coordinator(actor) or _is_friend_of(actor, session.match)


def get_session_for(actor, pk: int) -> Session:
    return _found(queries.session(pk), lambda session: can_view_session(actor, session))
