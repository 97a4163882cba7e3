"""Who may open each inclusion page; merged into tests/core/test_permission_matrix.py."""

MATRIX = {}


def objects(*, resident, other, case, team, administrator):
    """The URL arguments this app's pages need, keyed by the names used in MATRIX."""
    return {}
