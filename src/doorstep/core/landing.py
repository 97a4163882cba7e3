"""Where a member of staff lands after signing in: the first page their permissions open.

Capabilities register their landing page in their AppConfig.ready (an officer's work queue, a
Digital Friend's learners), so core names no capability. Anyone else lands on their account.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Landing:
    permission: str
    url_name: str
    order: int


_LANDINGS: list[Landing] = []


def register_landing(*, permission: str, url_name: str, order: int) -> None:
    _LANDINGS[:] = sorted(
        [*(landing for landing in _LANDINGS if landing.url_name != url_name),
         Landing(permission, url_name, order)],
        key=lambda landing: landing.order,
    )  # fmt: skip


def landing_for(user) -> str:
    """The URL name of the page `user` lands on."""
    for landing in _LANDINGS:
        if user.has_perm(landing.permission):
            return landing.url_name
    return "account_home"
