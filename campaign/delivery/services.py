"""Print options and marking a letter as sent: each delivery frozen for good (what comes
after, addenda and stopping, is in ``addenda``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import Conflict, DomainError
from campaign.db import utcnow
from campaign.delivery.models import (
    DeliveryKind,
    DeliveryMethod,
    Grouping,
    LetterDelivery,
    LetterDeliverySignOn,
    LetterPrintOptions,
    RenderJob,
    RenderKind,
    RenderStatus,
)
from campaign.delivery.rendering import render_bytes, store_render
from campaign.delivery.signals import letter_delivered
from campaign.delivery.snapshot import (
    PreparedSnapshot,
    letter_today,
    prepare_snapshot,
)
from campaign.letters.languages import has_spanish
from campaign.letters.models import Letter, LetterStatus
from campaign.letters.services import change_status
from campaign.printing import render_cache_key
from campaign.printing.pdf import long_date
from campaign.uploads.attachments import save_attachment
from campaign.uploads.store import UploadError, UploadStore

LOGO_KINDS = {"png", "jpeg"}
LOGO_MAX_BYTES = 1024 * 1024
SENDABLE = (LetterStatus.OPEN, LetterStatus.CLOSED)


def save_print_options(
    session: Session,
    letter: Letter,
    *,
    grouping: Grouping | str,
    columns: int,
    include_logo_page: bool,
    show_places: bool,
    logo: bytes | None,
    remove_logo: bool,
    store: UploadStore,
    actor: User,
    dated_on: date | None = None,
    languages: str = "en",
) -> LetterPrintOptions:
    """Save how the letter prints; a new letterhead logo (PNG/JPEG ≤ 1 MB) replaces the old."""
    if columns not in (2, 3):
        raise DomainError("The list has 2 or 3 columns.", field="columns")
    options = session.get(LetterPrintOptions, letter.id)
    if options is None:
        options = LetterPrintOptions(letter_id=letter.id)
        session.add(options)
    options.grouping = Grouping(grouping)
    options.columns = columns
    options.include_logo_page = include_logo_page
    options.show_places = show_places
    if languages != "en" and not has_spanish(letter):
        raise DomainError(
            "This letter has no Spanish text yet: write it on the letter's Edit page first.",
            field="languages",
        )
    options.languages = languages
    options.dated_on = dated_on
    if logo:
        try:
            stored = store.save(logo, allowed=LOGO_KINDS, max_bytes=LOGO_MAX_BYTES)
        except UploadError as err:
            raise DomainError(f"Letterhead logo: {err.message}", field="logo")
        options.logo_sha256, options.logo_kind = stored.sha256, stored.kind
    elif remove_logo:
        options.logo_sha256 = options.logo_kind = None
    options.updated_by_id = actor.id
    options.updated_at = utcnow()
    session.flush()
    record(
        session,
        actor,
        "letter.print_options",
        "letter",
        letter.id,
        grouping=options.grouping.value,
        columns=columns,
        include_logo_page=include_logo_page,
        show_places=show_places,
        languages=languages,
        dated_on=dated_on.isoformat() if dated_on else None,
        logo=options.logo_sha256,
    )
    return options


def deliveries(session: Session, letter: Letter) -> list[LetterDelivery]:
    """The letter's deliveries: the letter first, then its addenda."""
    return list(
        session.scalars(
            sa.select(LetterDelivery)
            .where(LetterDelivery.letter_id == letter.id)
            .order_by(LetterDelivery.sequence)
        )
    )


@dataclass(frozen=True)
class DeliveryDetails:
    """What the coordinator says about a delivery."""

    sent_on: date
    recipients: str
    method: DeliveryMethod | str
    note: str = ""
    # proof of delivery made outside the app (portal confirmation, certified-mail receipt):
    # the uploaded file's bytes, checked like any attachment
    receipt: bytes | None = None


def check_details(details: DeliveryDetails, *, not_before: date | None = None) -> None:
    # a day of slack: the coordinator's "today" may be ahead of the server's
    if details.sent_on > utcnow().date() + timedelta(days=1):
        raise DomainError("The date sent cannot be in the future.", field="sent_on")
    if not_before and details.sent_on < not_before:
        raise DomainError(
            f"The date cannot be before the last delivery ({long_date(not_before)}).",
            field="sent_on",
        )
    if not details.recipients.strip():
        raise DomainError("Say who received it.", field="recipients")


def _pdf_for(
    session: Session,
    letter: Letter,
    prepared: PreparedSnapshot,
    *,
    static_dir: Path | str,
    store: UploadStore,
) -> tuple[str, int]:
    """(sha256, size) of the snapshot's PDF: a finished render of the very same snapshot is
    reused, otherwise it is rendered now (a deliberate one-off action)."""
    key = render_cache_key(prepared.snapshot, RenderKind.PDF)
    job = session.scalar(
        sa.select(RenderJob).where(
            RenderJob.letter_id == letter.id,
            RenderJob.kind == RenderKind.PDF,
            RenderJob.cache_key == key,
            RenderJob.status == RenderStatus.DONE,
        )
    )
    if job is not None and job.result_sha256 and store.exists(job.result_sha256):
        data = store.read(job.result_sha256)
        if hashlib.sha256(data).hexdigest() == job.result_sha256:
            return job.result_sha256, len(data)
    data = render_bytes(prepared.snapshot, RenderKind.PDF, static_dir=static_dir, store=store)
    stored = store_render(data, RenderKind.PDF, store)
    return stored.sha256, stored.size


def _store_receipt(data: bytes | None, store: UploadStore):
    if data is None:
        return None
    try:
        return save_attachment(store, data)
    except UploadError as err:
        raise DomainError(f"Receipt: {err.message}", field="receipt")


def freeze(
    session: Session,
    letter: Letter,
    prepared: PreparedSnapshot,
    *,
    kind: DeliveryKind,
    sequence: int,
    details: DeliveryDetails,
    static_dir: Path | str,
    store: UploadStore,
    actor: User,
) -> LetterDelivery:
    receipt = _store_receipt(details.receipt, store)
    sha256, size = _pdf_for(session, letter, prepared, static_dir=static_dir, store=store)
    delivery = LetterDelivery(
        letter_id=letter.id,
        sequence=sequence,
        kind=kind,
        sent_on=details.sent_on,
        recipients=details.recipients.strip(),
        method=DeliveryMethod(details.method),
        note=(details.note or "").strip(),
        version_id=prepared.version.id,
        version_number=prepared.version.number,
        signatory_count=len(prepared.sign_on_ids),
        snapshot_json=prepared.snapshot.to_json(),
        pdf_sha256=sha256,
        pdf_size=size,
        receipt_sha256=receipt.sha256 if receipt else None,
        receipt_kind=receipt.kind if receipt else None,
        created_by_id=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(delivery)
    except sa.exc.IntegrityError:
        # another coordinator froze this delivery at the same moment
        raise Conflict("This letter was delivered meanwhile: reload the page.")
    rows = [{"delivery_id": delivery.id, "sign_on_id": i, "withdrawn": False}
            for i in prepared.sign_on_ids]  # fmt: skip
    rows += [{"delivery_id": delivery.id, "sign_on_id": i, "withdrawn": True}
             for i in prepared.withdrawn_ids]  # fmt: skip
    if rows:
        session.execute(sa.insert(LetterDeliverySignOn), rows)
    return delivery


def mark_as_sent(
    session: Session,
    letter: Letter,
    details: DeliveryDetails,
    *,
    static_dir: Path | str,
    store: UploadStore,
    actor: User,
    keep_collecting: bool = True,
) -> LetterDelivery:
    """Mark an open or closed letter as sent and freeze what was delivered (text, version,
    the exact list, the PDF bytes).

    ``keep_collecting`` (the default, as real coalition letters do): the letter goes on
    taking sign-ons, reviewed as before, for addenda; otherwise it is closed for good.
    """
    if letter.status == LetterStatus.SENT:
        raise Conflict("This letter was already marked as sent.")
    if letter.status not in SENDABLE:
        raise DomainError("Only an open or closed letter can be marked as sent.")
    check_details(details)
    prepared = prepare_snapshot(session, letter, on=details.sent_on)
    delivery = freeze(
        session,
        letter,
        prepared,
        kind=DeliveryKind.LETTER,
        sequence=0,
        details=details,
        static_dir=static_dir,
        store=store,
        actor=actor,
    )
    # the lifecycle's own rules: open → closed → sent, each move audited
    if letter.status == LetterStatus.OPEN:
        change_status(session, letter, LetterStatus.CLOSED, actor=actor)
    change_status(session, letter, LetterStatus.SENT, actor=actor)
    letter.keeps_collecting = keep_collecting
    record(
        session,
        actor,
        "letter.deliver",
        "letter",
        letter.id,
        delivery=delivery.id,
        sent_on=details.sent_on.isoformat(),
        method=delivery.method.value,
        signatories=delivery.signatory_count,
        version=delivery.version_number,
        pdf_sha256=delivery.pdf_sha256,
        keeps_collecting=keep_collecting,
    )
    letter_delivered.send(session, letter=letter, delivery=delivery)
    return delivery


def default_sent_on(letter: Letter) -> date:
    """The date a delivery form starts with."""
    return letter_today(letter)
