"""The optional second factor: TOTP codes (an authenticator app) and recovery codes.

A code is good once: the last time step accepted is kept, and an earlier or equal one
is refused (RFC 6238 §5.2). Recovery codes are random, stored salted and hashed, and
each works once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import RecoveryCode, User
from campaign.auth.services import tell_of_account_change
from campaign.auth.sessions import end_all_sessions
from campaign.core.errors import DomainError
from campaign.db import utcnow

RECOVERY_CODES = 10
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_CODE_GROUPS, _GROUP = 4, 4
_TOTP = re.compile(r"^\d{6}$")


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, *, email: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """The URI as a QR code, an inline SVG drawn here (no image service, no script)."""
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(
        scale=4, title="QR code for your authenticator app", svgclass="qr-code", border=4
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 (segno's own SVG)


def _step(now: datetime) -> int:
    return int(now.timestamp()) // 30


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (now, or one either side for a slow clock) whose code this is."""
    totp = pyotp.TOTP(secret)
    here = _step(now)
    for step in (here, here - 1, here + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]+", "", code or "").lower()


def _hash_code(code: str, salt: str) -> str:
    return f"{salt}${hashlib.sha256((salt + code).encode()).hexdigest()}"


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_GROUPS * _GROUP))
        codes.append("-".join(raw[i : i + _GROUP] for i in range(0, len(raw), _GROUP)))
        session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(raw, secrets.token_hex(8))))
    session.flush()
    return codes


def enable(
    session: Session, user: User, *, secret: str, code: str, now: datetime | None = None
) -> list[str]:
    """Turn the second factor on once the user proves their app has ``secret``; returns the
    recovery codes (shown once). Every session of the user ends."""
    now = now or utcnow()
    code = _normalise(code)
    step = _matching_step(secret, code, now) if _TOTP.match(code) else None
    if step is None:
        raise DomainError(
            "That code does not match. Check the time on your phone and type the newest code.",
            field="code",
        )
    user.totp_secret = secret
    user.totp_enabled_at = now
    user.totp_last_step = step
    codes = _new_recovery_codes(session, user)
    end_all_sessions(session, user)
    record(session, user, "user.two_factor_on", "user", user.id)
    tell_of_account_change(session, user, "Two-step login was turned on", by_admin=False)
    return codes


def disable(session: Session, user: User, *, actor: User, required: bool = False) -> None:
    """Turn the second factor off (the user, or an admin for someone who lost it); every
    session of the user ends. ``required``: the user may not go without it."""
    if required and actor.id == user.id:
        raise DomainError("Your coalition requires two-step login for your account.")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_all_sessions(session, user)
    record(session, actor, "user.two_factor_off", "user", user.id)
    tell_of_account_change(
        session, user, "Two-step login was turned off", by_admin=actor.id != user.id
    )


def regenerate_codes(session: Session, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not user.two_factor_enabled:
        raise DomainError("Two-step login is off for this account.")
    codes = _new_recovery_codes(session, user)
    record(session, user, "user.recovery_codes", "user", user.id)
    tell_of_account_change(session, user, "New recovery codes were made", by_admin=False)
    return codes


def codes_left(session: Session, user: User) -> int:
    """Recovery codes not used yet."""
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def verify(session: Session, user: User, code: str, *, now: datetime | None = None) -> str | None:
    """Check a login's second step: ``"totp"``, ``"recovery"`` (that code is now spent),
    or None. A TOTP code already used, or older than one used, is refused."""
    now = now or utcnow()
    code = _normalise(code)
    if not user.two_factor_enabled or not code or len(code) > 64:
        return None
    if _TOTP.match(code):
        step = _matching_step(user.totp_secret or "", code, now)
        if step is None:
            return None
        # One UPDATE, so two logins racing with the same code cannot both pass.
        taken = session.execute(
            sa.update(User)
            .where(
                User.id == user.id,
                sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
            )
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            return None
        session.refresh(user, ["totp_last_step"])
        return "totp"
    unused = session.scalars(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    for row in unused:
        salt = row.code_hash.partition("$")[0]
        if hmac.compare_digest(_hash_code(code, salt), row.code_hash):
            spent = session.execute(
                sa.update(RecoveryCode)
                .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            if spent.rowcount != 1:
                return None
            record(session, user, "auth.recovery_code_used", "user", user.id)
            return "recovery"
    return None
