"""The plain-text form Administrators use to write a plan template's goals and actions.

    Goal: Find somewhere to live
    You: Register with three letting agents (14 days)
    Council: Check if you can get help with a deposit (7 days)
    Partner Shelter: Give advice on your tenancy rights

A line starting "Goal:" begins a goal; the lines under it are its actions, starting with who
does it: "You:" (the resident), "Council:" (the officer) or "Partner <name>:". "(N days)" at the
end sets the due date N days after the plan is made. Blank lines are ignored.
"""

import re

from django.core.exceptions import ValidationError

from .models import OwnerKind

_DAYS = re.compile(r"\s*\((\d{1,3}) days?\)\s*$", re.IGNORECASE)
_PARTNER = re.compile(r"^partner\s+(.+)$", re.IGNORECASE)


def parse(text: str) -> list[dict]:
    """Goals and actions from the text form; ValidationError naming the first bad line."""
    goals: list[dict] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, colon, rest = line.partition(":")
        rest = rest.strip()
        if not colon or not rest:
            raise ValidationError(
                f"Line {number}: start the line with ‘Goal:’, ‘You:’, ‘Council:’ or "
                "‘Partner <name>:’, then the words"
            )
        head = head.strip()
        if head.lower() == "goal":
            goals.append({"title": rest[:200], "actions": []})
            continue
        if not goals:
            raise ValidationError(f"Line {number}: write a ‘Goal:’ line before its actions")
        partner = _PARTNER.match(head)
        if head.lower() == "you":
            owner, partner_name = OwnerKind.RESIDENT.value, ""
        elif head.lower() == "council":
            owner, partner_name = OwnerKind.OFFICER.value, ""
        elif partner:
            owner, partner_name = OwnerKind.PARTNER.value, partner.group(1).strip()[:120]
        else:
            raise ValidationError(
                f"Line {number}: start an action with ‘You:’, ‘Council:’ or ‘Partner <name>:’"
            )
        days = None
        found = _DAYS.search(rest)
        if found:
            days = int(found.group(1))
            rest = rest[: found.start()].strip()
        if not rest:
            raise ValidationError(f"Line {number}: say what the action is")
        goals[-1]["actions"].append(
            {
                "description": rest[:300],
                "owner_kind": owner,
                "partner_name": partner_name,
                "due_in_days": days,
            }
        )
    if not goals:
        raise ValidationError("Enter at least one goal, on a line starting ‘Goal:’")
    return goals


def render(goals: list[dict]) -> str:
    """The text form of parsed goals (the inverse of parse)."""
    lines = []
    for goal in goals:
        if lines:
            lines.append("")
        lines.append(f"Goal: {goal['title']}")
        for action in goal.get("actions", []):
            owner = action.get("owner_kind")
            if owner == OwnerKind.RESIDENT:
                head = "You"
            elif owner == OwnerKind.PARTNER:
                head = f"Partner {action.get('partner_name') or 'organisation'}"
            else:
                head = "Council"
            days = action.get("due_in_days")
            tail = f" ({days} day{'' if days == 1 else 's'})" if days is not None else ""
            lines.append(f"{head}: {action['description']}{tail}")
    return "\n".join(lines)
