"""Who may open each reporting page; merged into tests/core/test_permission_matrix.py."""

from doorstep.core import roles
from doorstep.reporting import survey

STAFF = [roles.OFFICER, roles.TEAM_LEADER, roles.ADMINISTRATOR]

MATRIX = {
    # Officers see their own team's figures; Digital Friends none.
    "reporting:dashboard": (STAFF, 200, None),
    "reporting:export_csv": (STAFF, 200, None),
    "reporting:export_json": (STAFF, 200, None),
    "reporting:costs": ([roles.ADMINISTRATOR], 200, None),
    "reporting:survey": ("public", 200, "survey_token"),
    "reporting:open_data_csv": ("public", 200, None),
    "reporting:open_data_json": ("public", 200, None),
}


def objects(*, resident, other, case, team, administrator):
    """The URL arguments this app's pages need, keyed by the names used in MATRIX."""
    invitation = survey.invite(service="evidence_request", source=case, team=team)
    return {"survey_token": {"token": invitation.token}}
