"""Demand packets: one PDF per demand (the ask, the agreement history, the evidence, who
asks), downloaded or emailed to the demand's targets with a receipt per recipient."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.core.errors import DomainError
from campaign.demands.models import Demand, DemandEventKind, DemandStatus
from campaign.demands.services import DELIVERED_OPEN, add_event, transition_demand
from campaign.mail.models import OutboxMessage
from campaign.printing.pdf import html_to_pdf, print_html
from campaign.sending.demand_clock import start_clock
from campaign.sending.packet_data import PacketSnapshot, packet_snapshot, reference
from campaign.sending.recipients import Recipients, enqueue_to, recipients_of
from campaign.targets.models import Target
from campaign.uploads.store import StoredFile, UploadStore


def render_packet(snapshot: PacketSnapshot, *, static_dir: Path | str) -> bytes:
    """The packet as PDF bytes (WeasyPrint, the letter's style)."""
    return html_to_pdf(print_html("pdf/packet.html", p=snapshot), static_dir=static_dir,
                       upload_store=None)  # fmt: skip


def packet_name(demand: Demand) -> str:
    """The file name of a demand's packet."""
    return f"{reference(demand)}-packet.pdf"


def store_packet(data: bytes, store: UploadStore) -> StoredFile:
    """Keep the packet bytes that go out (the receipt names them by sha256)."""
    return store.save(data, allowed={"pdf"}, max_bytes=200 * 1024 * 1024)


def send_packet(
    session: Session,
    demand: Demand,
    targets: list[Target],
    *,
    sent_on: date,
    today: date,
    static_dir: Path | str,
    store: UploadStore,
    actor: User,
    list_signatories: bool = False,
    pdf: bytes | None = None,
    identity: dict[str, str | None] | None = None,
) -> tuple[StoredFile, list[OutboxMessage], Recipients]:
    """Email the demand's packet to these targets, one receipt each; a draft demand moves
    to ``sent`` on ``sent_on`` and its response clock starts. ``pdf``: bytes already
    rendered for this very demand and date (bulk sends render outside the transaction);
    ``identity``: the coalition's From name and Reply-To (``mail_identity``), read once
    by a bulk send."""
    if demand.status != DemandStatus.DRAFT and demand.status not in DELIVERED_OPEN:
        raise DomainError(f"A demand that is “{demand.status.label}” is not sent again.")
    recipients = recipients_of(targets)
    if not recipients.pairs:
        raise DomainError("None of the demand's targets has a working email address.",
                          field="targets")  # fmt: skip
    if demand.status == DemandStatus.DRAFT:
        # the lifecycle's own rules first (evidence linked, date not in the future)
        transition_demand(session, demand, DemandStatus.SENT, actor=actor, happened_on=sent_on,
                          today=today, reason="Packet emailed from the app.")  # fmt: skip
        start_clock(demand, sent_on)
    if pdf is None:
        snapshot = packet_snapshot(session, demand, dated_on=sent_on,
                                   list_signatories=list_signatories)  # fmt: skip
        pdf = render_packet(snapshot, static_dir=static_dir)
    stored = store_packet(pdf, store)
    subject = f"{demand.title} — {reference(demand)}"
    body = _body(demand, sent_on)
    rows = enqueue_to(
        session, recipients, campaign_id=demand.campaign_id, subject=subject, body_text=body,
        kind="packet", attachment_sha256=stored.sha256, attachment_name=packet_name(demand),
        actor_id=actor.id, identity=identity, demand_id=demand.id,
    )  # fmt: skip
    add_event(session, demand, actor, DemandEventKind.PACKET_SENT,
              f"Packet emailed to {', '.join(c.email for _t, c in recipients.pairs)} "
              f"(sha256 {stored.sha256}).", happened_on=sent_on)  # fmt: skip
    record(session, actor, "demand.packet_send", "demand", demand.id, recipients=len(rows),
           sha256=stored.sha256)  # fmt: skip
    return stored, rows, recipients


def _body(demand: Demand, sent_on: date) -> str:
    due = f" We ask for an answer by {demand.due_on.isoformat()}." if demand.due_on else ""
    return (
        f"{demand.addressed_to},\n\n"
        f"Please find attached our request “{demand.title}” (reference {reference(demand)}), "
        f"with the evidence that supports it.{due}\n\n"
        "Please reply to this email, quoting the reference.\n"
    )
