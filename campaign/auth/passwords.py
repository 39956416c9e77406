"""Password hashing with argon2id, and the rule a new password must meet."""

from __future__ import annotations

import re
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()

# Verified against when the email is unknown, so a failed login takes the same
# time whether or not the account exists.
_DUMMY_HASH = _hasher.hash("not a real password")

MIN_LENGTH = 12
# zxcvbn's score, 0–4: 3 is "safely unguessable: moderate protection from offline
# slow-hash scenario" (argon2id here).
MIN_SCORE = 3
# zxcvbn refuses longer input; a password this long is judged by its start.
_ZXCVBN_MAX = 72


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password against a stored hash (constant work for unknown users)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def guessable_words(*values: str | None) -> list[str]:
    """What an attacker would try first: each value, its words, and its letters run together
    (``"End 287(g)"`` → ``end 287(g)``, ``end``, ``287``, ``end287g``)."""
    out: set[str] = set()
    for value in values:
        value = (value or "").strip().lower()
        if not value:
            continue
        out.add(value)
        out.update(word for word in re.split(r"[\W_]+", value) if len(word) >= 3)
        out.add(re.sub(r"[\W_]+", "", value))
    out.discard("")
    return sorted(out)


def password_problem(password: str, context: Iterable[str] = ()) -> str | None:
    """Why ``password`` may not be used, or None. ``context``: words about the account
    and the coalition (its email, its name, the coalition's name) a guesser would try."""
    if len(password) < MIN_LENGTH:
        return f"The password must be at least {MIN_LENGTH} characters long."
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=list(context))
    if result["score"] >= MIN_SCORE:
        return None
    warning = result["feedback"].get("warning") or ""
    hint = f" ({warning.rstrip('.')})" if warning else ""
    return (
        f"This password is too easy to guess{hint}. Use a longer one, for example a few "
        "unrelated words, and nothing from your name, your email or the coalition's name."
    )
