"""Secrets handed to people: generated here, stored only as hashes, compared in constant time."""

import hashlib
import hmac
import secrets


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def hash_secret(secret: str) -> str:
    # The secrets are 192 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def new_join_code() -> str:
    """Short, unambiguous, easy to read off a projector: no 0/O or 1/I/L."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


def attendee_token(attendee_id: int, secret: str) -> str:
    """The token an attendee's device keeps: the id says where to look, the secret proves it."""
    return f"{attendee_id}.{secret}"


def split_attendee_token(token: str) -> tuple[int, str] | None:
    attendee_id, _, secret = token.partition(".")
    if not attendee_id.isdigit() or not secret or len(attendee_id) > 18:
        return None
    return int(attendee_id), secret


def join_codes_match(expected: str, given: str | None) -> bool:
    """Join codes are read off a projector and typed on a phone: case and spaces don't matter."""

    def normalise(code: str | None) -> bytes:
        # "ignore": what can't be encoded (a lone surrogate) is dropped, as it is from the stored code.
        return "".join((code or "").split()).upper().encode("utf-8", "ignore")

    return hmac.compare_digest(normalise(expected), normalise(given))


def secrets_equal(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
