"""Secret tokens for links and integrations: random, and stored only as a SHA-256.

A table of hashes cannot be used to open a link; looking a token up by its hash needs no
constant-time comparison, since the database never sees the token itself.
"""

import hashlib
import secrets


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
