"""Reviewing documents, as named before the actions moved to services/ (review, decisions).

Kept for callers that still import `evidence.review`; new code uses `evidence.services`.
"""

from .services.decisions import (
    CHECKLIST,
    REASON_MAX_LENGTH,
    REJECTION_REASONS,
    Decision,
    accept,
    reject,
)
from .services.review import claim, release

__all__ = [
    "CHECKLIST",
    "REASON_MAX_LENGTH",
    "REJECTION_REASONS",
    "Decision",
    "accept",
    "claim",
    "reject",
    "release",
]
