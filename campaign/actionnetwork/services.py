"""A letter's receiver: made (its secret address shown once), found by that secret, and
taking in Action Network's items as pending sign-ons, each once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.actionnetwork import payloads
from campaign.actionnetwork.models import ActionNetworkHook, ActionNetworkReceipt
from campaign.api import intake
from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.db import insert_ignoring_conflicts, utcnow
from campaign.letters.models import Letter
from campaign.signons import signing
from campaign.uploads.store import UploadStore

MAX_ITEMS = 100  # Action Network sends one or a few at a time


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def make_hook(session: Session, letter: Letter, *, actor: User) -> tuple[ActionNetworkHook, str]:
    """The letter's receiver with a new secret (the old address, if any, stops working)."""
    secret = secrets.token_urlsafe(32)
    hook = session.scalar(
        sa.select(ActionNetworkHook).where(ActionNetworkHook.letter_id == letter.id)
    )
    if hook is None:
        hook = ActionNetworkHook(letter_id=letter.id)
        session.add(hook)
    hook.secret_hash = _hash(secret)
    hook.created_by_id = actor.id
    hook.created_at = utcnow()
    session.flush()
    record(session, actor, "action_network.hook", "letter", letter.id, hook=hook.id)
    return hook, secret


def hook_of(session: Session, letter: Letter) -> ActionNetworkHook | None:
    """The letter's receiver, if it has one."""
    return session.scalar(
        sa.select(ActionNetworkHook).where(ActionNetworkHook.letter_id == letter.id)
    )


def find_hook(session: Session, secret: str) -> ActionNetworkHook | None:
    """The receiver whose secret address this is."""
    if not secret or len(secret) > 100:
        return None
    return session.scalar(
        sa.select(ActionNetworkHook).where(ActionNetworkHook.secret_hash == _hash(secret))
    )


@dataclass
class ItemResult:
    """What became of one item."""

    keys: list[str]
    outcome: str  # new | pending | already | duplicate | refused | ignored
    sign_on_id: int | None = None
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"outcome": self.outcome}
        if self.keys:
            doc["key"] = self.keys[0]
        if self.sign_on_id is not None:
            doc["identifiers"] = [f"campaign:{self.sign_on_id}"]
        if self.errors:
            doc["errors"] = self.errors
        return doc


def _seen(session: Session, hook: ActionNetworkHook, keys: list[str]) -> bool:
    if not keys:
        return False
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(ActionNetworkReceipt)
            .where(ActionNetworkReceipt.hook_id == hook.id, ActionNetworkReceipt.key.in_(keys))
        )
        > 0
    )


def _claim(session: Session, hook: ActionNetworkHook, keys: list[str], sign_on_id: int | None):
    """Record the item's keys; False when a concurrent request took one of them first."""
    table = ActionNetworkReceipt.__table__
    insert = insert_ignoring_conflicts(session, table, returning=table.c.id)
    now = utcnow()
    took = [
        session.execute(
            insert, {"hook_id": hook.id, "key": key, "sign_on_id": sign_on_id, "created_at": now}
        ).scalar()
        for key in keys
    ]
    return all(t is not None for t in took)


def receive(
    session: Session,
    hook: ActionNetworkHook,
    letter: Letter,
    items: list[Any],
    *,
    store: UploadStore,
    link_for: signing.LinkFor,
    may_email: Any = lambda address: True,
) -> list[ItemResult]:
    """Take in Action Network's items: each signature or submission becomes a pending
    sign-on whose signer is emailed a confirmation link, as on the public page. An item
    seen before (its idempotency key or the person's identifier) is skipped."""
    results = []
    for item in items[:MAX_ITEMS]:
        keys = payloads.keys(item)
        found = payloads.resource(item)
        if found is None:
            results.append(ItemResult(keys, "ignored"))
            continue
        if _seen(session, hook, keys):
            results.append(ItemResult(keys, "duplicate"))
            continue
        try:
            checked = intake.check(payloads.signature_body(found))
            prepared = signing.prepare(
                session, letter, checked.data, version_id=None, link_for=link_for
            )
        except intake.Refused as refused:
            results.append(ItemResult(keys, "refused", errors=refused.errors))
            continue
        except DomainError as err:
            results.append(
                ItemResult(
                    keys,
                    "refused",
                    errors=[{"field": err.field or "petition", "message": err.message}],
                )
            )
            continue
        if not may_email(prepared.email.casefold()):
            message = "Too many sign-on emails went to this address today."
            results.append(
                ItemResult(
                    keys,
                    "refused",
                    errors=[{"field": "person.email_addresses", "message": message}],
                )
            )
            continue
        outcome = signing.record(session, prepared, store=store, link_for=link_for)
        if not _claim(session, hook, keys, outcome.signon_id):
            results.append(ItemResult(keys, "duplicate", outcome.signon_id))
            continue
        results.append(ItemResult(keys, outcome.outcome, outcome.signon_id))
    taken = sum(1 for r in results if r.outcome in ("new", "pending", "already"))
    hook.last_received_at = utcnow()
    hook.received_count += taken
    session.flush()
    record(
        session,
        None,
        "action_network.receive",
        "letter",
        letter.id,
        items=len(items),
        **{r: sum(1 for x in results if x.outcome == r) for r in {x.outcome for x in results}},
    )
    return results
