"""Secrets in texts (a plan's link, a one-time code): stored redacted, sent in full.

The stored `Message.body` shows a secret as "••••••" (a link as "https://.../p/••••••"), so staff
pages, the timeline, the table and its backups never hold it. The worker that sends the text
later needs the real words, so they are kept beside it in `Message.sealed_body`, encrypted with
a key derived from SECRET_KEY (HKDF-SHA256), which is not in the database; the column is
emptied once the provider accepted the text, or when it will never be sent.
"""

import base64
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

HIDDEN = "••••••"
_INFO = b"doorstep.messaging.sealed-body"


class SealBroken(Exception):
    """The sealed text cannot be opened (SECRET_KEY changed since it was queued)."""


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SealBroken("The text's secret could not be decrypted") from error


def redact(value: str) -> str:
    """What staff see instead of a secret: the code hidden, or a link's token hidden.

    "https://doorstep.example.gov.uk/p/abc/" -> "https://.../p/••••••" (dots, not "…", which
    texts turn into three dots anyway).
    """
    parts = urlsplit(value.strip())
    if parts.scheme in ("http", "https") and parts.netloc:
        folders = [part for part in parts.path.split("/") if part][:-1]
        return "/".join([f"{parts.scheme}:/", "...", *folders, HIDDEN])
    return HIDDEN
