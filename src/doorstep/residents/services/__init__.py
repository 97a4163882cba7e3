"""Every change to a resident's record goes through here: validated, atomic, audited, on the timeline.

One module per kind of write; the functions are re-exported here so callers need not know which.
"""

from ..validation import DUPLICATE_FIELDS, EDITABLE_FIELDS, FIELD_LABELS, clean_resident_data
from .households import add_household_member, remove_household_member
from .notes import add_flag, add_note
from .records import create_resident, record_search, record_view, update_resident

__all__ = [
    "DUPLICATE_FIELDS",
    "EDITABLE_FIELDS",
    "FIELD_LABELS",
    "add_flag",
    "add_household_member",
    "add_note",
    "clean_resident_data",
    "create_resident",
    "record_search",
    "record_view",
    "remove_household_member",
    "update_resident",
]
