"""Every change to document evidence, one action module per kind of write:

- requests: asking a resident for documents and texting the link;
- link_changes: the date-of-birth check, stopping a link, a new link;
- reminders: the reminder texts;
- uploads: keeping files and taking one back; submissions: sending documents to review;
- review: claiming a document; decisions: accepting, rejecting, completing a request;
- reads: audited reads;
- catalogue: the document types Administrators keep.

What the background tasks run sits beside this package, so tasks and actions never import
each other in a loop: processing.py checks an uploaded file, retention.py deletes files after
the retention period (re-exported here), recording.py is the audit-and-timeline step they share.
The link itself (token, state, this browser's use of it) is in links.py; who may see what is in
access.py; reads are in queries.py.
"""

from ..retention import delete_files, purge_expired
from .catalogue import save_document_type
from .decisions import (
    CHECKLIST,
    REASON_MAX_LENGTH,
    REJECTION_REASONS,
    Decision,
    accept,
    clean_checklist,
    clean_expiry,
    clean_reason,
    reject,
)
from .link_changes import (
    RESENT_LINK_DAYS,
    DobCheck,
    check_date_of_birth,
    new_link,
    resend_link,
    revoke_link,
)
from .reads import (
    record_asking_page,
    record_file_read,
    record_request_view,
    record_view,
)
from .reminders import NUDGE_CONDITION, nudge_condition, reminder_times, schedule_reminders
from .requests import (
    MAX_DUE_DAYS,
    DocumentAsked,
    SentLink,
    create_request,
    move_requests,
    request_text,
)
from .review import claim, release
from .submissions import submit_all, submit_document
from .uploads import (
    UploadOutcome,
    delete_stored,
    read_stored,
    read_upload,
    remove_file,
    upload_file,
    upload_files,
    upload_for_resident,
)

__all__ = [
    "CHECKLIST",
    "MAX_DUE_DAYS",
    "NUDGE_CONDITION",
    "REASON_MAX_LENGTH",
    "REJECTION_REASONS",
    "RESENT_LINK_DAYS",
    "Decision",
    "DobCheck",
    "DocumentAsked",
    "SentLink",
    "UploadOutcome",
    "accept",
    "check_date_of_birth",
    "claim",
    "clean_checklist",
    "clean_expiry",
    "clean_reason",
    "create_request",
    "delete_files",
    "delete_stored",
    "move_requests",
    "new_link",
    "nudge_condition",
    "purge_expired",
    "read_stored",
    "read_upload",
    "record_asking_page",
    "record_file_read",
    "record_request_view",
    "record_view",
    "reject",
    "release",
    "reminder_times",
    "remove_file",
    "request_text",
    "resend_link",
    "revoke_link",
    "save_document_type",
    "schedule_reminders",
    "submit_all",
    "submit_document",
    "upload_file",
    "upload_files",
    "upload_for_resident",
]
