"""How a resident opens their plan: the kind of link it is, and the one-time code texted
to their mobile that opens it on one device (see core.resident_links for the rest)."""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from doorstep.core import resident_links
from doorstep.core.resident_links import LinkKind, SecondFactor
from doorstep.messaging import services as messaging

from ..models import OneTimeCode, ResidentLink
from .history import RESIDENT_AUDIT_ACTOR, record_read

CODE_SALT = "doorstep.plans.code"


class LinkDead(Exception):
    """The link was stopped or has expired."""

    message = "This link no longer works. Contact the council and ask for a new one."


@dataclass(frozen=True)
class CodeResult:
    ok: bool
    message: str = ""


def _check_live(link: ResidentLink) -> None:
    if not resident_links.is_open(LINK, link):
        raise LinkDead


def _hash_code(link_id: int, code: str) -> str:
    return salted_hmac(CODE_SALT, f"{link_id}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def send_code(*, link: ResidentLink) -> CodeResult:
    """Text a new 6-digit code to the resident's mobile on file (older codes stop working)."""
    link = (
        ResidentLink.objects.select_for_update(of=("self",))
        .select_related("plan__resident")
        .get(pk=link.pk)
    )
    _check_live(link)
    now = timezone.now()
    hour_ago = now - datetime.timedelta(hours=1)
    sent = link.codes.filter(created_at__gte=hour_ago).count()
    limit = settings.PLAN_CODE_SENDS_PER_HOUR
    if sent >= limit:
        return CodeResult(
            False,
            f"We have already sent {limit} codes in the last hour. Wait an hour and ask again, "
            "or contact the council.",
        )
    resident = link.plan.resident
    number = messaging.mobile_number(resident)
    if number is None or messaging.is_opted_out(number):
        return CodeResult(
            False, "We cannot text a code to the number we have for you. Contact the council."
        )
    code = f"{secrets.randbelow(10**6):06d}"
    link.codes.filter(used_at=None, expires_at__gt=now).update(expires_at=now)
    one_time = OneTimeCode.objects.create(
        link=link,
        code_hash=_hash_code(link.pk, code),
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=settings.PLAN_CODE_MINUTES),
    )
    messaging.send_system_text(
        number=number,
        body=(
            f"((code)) is your code to see your plan with {settings.COUNCIL_NAME}. "
            f"It works for {settings.PLAN_CODE_MINUTES} minutes. Do not share it."
        ),
        secrets={"code": code},
        resident=resident,
        idempotency_key=f"plan-code:{one_time.pk}",
        team=link.plan.team,
    )
    return CodeResult(True)


@transaction.atomic
def check_code(*, link: ResidentLink, code: str) -> CodeResult:
    """Whether `code` opens this link. Wrong tries are counted on the code, in the database."""
    link = ResidentLink.objects.select_for_update().get(pk=link.pk)
    _check_live(link)
    code = "".join((code or "").split())
    if not code.isdigit() or len(code) != 6:
        return CodeResult(False, "Enter the 6-digit code from the text, like 123456")
    current = link.codes.order_by("-created_at", "-id").first()
    if current is None:
        return CodeResult(False, "Ask for a code first")
    tries = settings.PLAN_CODE_TRIES
    if current.used_at is not None:
        return CodeResult(False, "That code has been used already. Ask for a new code")
    if current.tries >= tries:
        return CodeResult(False, "You have entered a wrong code too many times. Ask for a new code")
    if current.expires_at <= timezone.now():
        return CodeResult(
            False,
            f"That code has expired: codes work for {settings.PLAN_CODE_MINUTES} minutes. "
            "Ask for a new code",
        )
    if not constant_time_compare(current.code_hash, _hash_code(link.pk, code)):
        current.tries += 1
        current.save(update_fields=["tries"])
        left = tries - current.tries
        if left <= 0:
            return CodeResult(
                False, "The code is not right, and you have no tries left. Ask for a new code"
            )
        return CodeResult(
            False, f"The code is not right. You have {left} {'try' if left == 1 else 'tries'} left"
        )
    current.used_at = timezone.now()
    current.save(update_fields=["used_at"])
    plan = link.plan
    record_read(
        actor=RESIDENT_AUDIT_ACTOR,
        plan=plan,
        detail="Resident opened the plan with a texted code",
        event={"name": "plan.viewed", "team": plan.team_id, "channel": "digital", "source": plan},
    )
    return CodeResult(True)


def _check_answer(link: ResidentLink, answer: str, request: HttpRequest | None) -> CodeResult:
    return check_code(link=link, code=answer)


# The texted link to a plan: opened only with a code texted to the resident's mobile.
LINK = LinkKind(
    name="plans",
    model=ResidentLink,
    session_prefix="plans.link.",
    session_minutes="PLAN_RESIDENT_SESSION_MINUTES",
    guess_limit="PLAN_LINK_GUESS_LIMIT",
    guess_window_seconds=3600,
    lifetime_days="PLAN_LINK_DAYS",
    token_bytes=24,
    select_related=("plan",),
    second_factor=SecondFactor(url_name="plans:resident_start", check=_check_answer),
    private_headers=False,
)
