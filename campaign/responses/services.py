"""Logging responses, moderating them, applying them to demands, telling signers.

Moderation (who must approve what):

- A coordinator's response is approved at once and applied (a demand's status
  moves through ``transition_demand``, so ``TRANSITIONS`` is respected).
- A member's response waits for a coordinator when approving it has an effect
  beyond the record: it would change a demand's status, or it answers a letter
  (approving a letter response emails the signers who asked to be kept informed,
  people outside the coalition).
- A member's response to a demand that changes nothing (outcome "none", or the
  status the demand already has) is recorded as approved at once: nothing is
  sent and nothing moves, so there is nothing to check first.

Everything is audited (``response.log``, ``response.approve``, ``response.reject``,
``response.attach``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.audit.services import record as audit
from campaign.auth.models import Role, User
from campaign.campaigns.coalition import coalition_of
from campaign.core.clock import local_today
from campaign.core.errors import Conflict, DomainError
from campaign.db import utcnow
from campaign.demands.models import Demand, DemandStatus
from campaign.demands.services import TRANSITIONS, transition_demand
from campaign.i18n import force_locale
from campaign.i18n import gettext as _
from campaign.letters.languages import title_in
from campaign.letters.models import Letter, LetterStatus
from campaign.mail.services import enqueue_template
from campaign.responses.models import (
    Response,
    ResponseAttachment,
    ResponseChannel,
    ResponseOutcome,
    ResponseSource,
    ResponseStatus,
)
from campaign.responses.signals import response_approved
from campaign.signons.models import COUNTED, SignOn
from campaign.uploads.attachments import add_attachment_row
from campaign.uploads.store import UploadStore

SUMMARY_IN_EMAIL = 600


@dataclass
class ResponseFields:
    """What a member typed about a response."""

    received_on: date
    channel: ResponseChannel
    summary: str
    from_name: str = ""
    from_title: str = ""
    full_text: str = ""
    outcome: ResponseOutcome = ResponseOutcome.NONE
    agency: Agency | None = None
    source: ResponseSource | None = None
    source_body: str = ""


def _check_source(fields: ResponseFields) -> ResponseSource:
    """Who it came from is required, and says what else must be named."""
    if not fields.source:
        raise DomainError("Say who the response came from.", field="source")
    source = ResponseSource(fields.source)
    if source == ResponseSource.AGENCY and fields.agency is None:
        raise DomainError("Name the agency the response came from.", field="agency_name")
    if source == ResponseSource.OTHER_BODY and not (fields.source_body or "").strip():
        raise DomainError("Name the body the response came from.", field="source_body")
    if source == ResponseSource.PERSON and not (fields.from_name or "").strip():
        raise DomainError("Give the person's name.", field="from_name")
    return source


def _checked(fields: ResponseFields, today: date) -> ResponseFields:
    summary = (fields.summary or "").strip()
    if not summary:
        raise DomainError("A summary is needed.", field="summary")
    source = _check_source(fields)
    if fields.received_on is None:
        raise DomainError("Give the date the response was received.", field="received_on")
    if fields.received_on > today:
        raise DomainError("The date received cannot be in the future.", field="received_on")
    return ResponseFields(
        received_on=fields.received_on,
        channel=ResponseChannel(fields.channel),
        summary=summary,
        from_name=" ".join((fields.from_name or "").split())[:200],
        from_title=" ".join((fields.from_title or "").split())[:200],
        full_text=(fields.full_text or "").strip(),
        outcome=ResponseOutcome(fields.outcome),
        # an agency is kept only for the agency itself or a person speaking for it (the
        # demand page pre-fills its agency; DHS's answer must not be credited to it)
        agency=fields.agency if source in (ResponseSource.AGENCY, ResponseSource.PERSON) else None,
        source=source,
        source_body=" ".join((fields.source_body or "").split())[:200]
        if source == ResponseSource.OTHER_BODY
        else "",
    )


def implied_change(demand: Demand | None, outcome: ResponseOutcome) -> DemandStatus | None:
    """The status the outcome would move ``demand`` to, or None when it changes nothing."""
    if demand is None:
        return None
    target = outcome.demand_status
    if target is None or target == demand.status:
        return None
    return target


def _check_transition(demand: Demand, target: DemandStatus, *, when: str) -> None:
    if target not in TRANSITIONS[demand.status]:
        raise DomainError(
            f"{when}: the demand is “{demand.status.label}” and cannot go to "
            f"“{target.label}”. Choose another outcome, or reject the response.",
            field="outcome",
        )


def log_response(
    session: Session,
    *,
    letter: Letter | None = None,
    demand: Demand | None = None,
    fields: ResponseFields,
    actor: User,
    today: date,
) -> Response:
    """Record a response to a letter or a demand; apply it at once when no approval is needed."""
    if (letter is None) == (demand is None):
        raise DomainError("A response answers either a letter or a demand.")
    f = _checked(fields, today)
    if letter is not None:
        if letter.status == LetterStatus.DRAFT:
            raise DomainError("A draft letter has not been delivered: it cannot have a response.")
        if f.outcome != ResponseOutcome.NONE:
            raise DomainError(
                "An outcome applies to a demand; log it on the demand itself.", field="outcome"
            )
    target = implied_change(demand, f.outcome)
    if demand is not None and target is not None:
        _check_transition(demand, target, when="Not possible")
    is_coordinator = actor.has_role(Role.COORDINATOR)
    needs_approval = not is_coordinator and (letter is not None or target is not None)
    response = _add_pending(session, letter, demand, f, actor, needs_approval=needs_approval)
    if not needs_approval:
        _approve(session, response, letter=letter, demand=demand, actor=actor, automatic=True)
    return response


def _add_pending(
    session: Session, letter: Letter | None, demand: Demand | None, f: ResponseFields,
    actor: User | None, *, needs_approval: bool, via: str | None = None,
) -> Response:  # fmt: skip
    response = Response(
        campaign_id=(letter or demand).campaign_id,
        letter_id=letter.id if letter else None,
        demand_id=demand.id if demand else None,
        received_on=f.received_on,
        # only the agency named: a demand's own agency is never credited silently
        agency_id=f.agency.id if f.agency else None,
        source=f.source,
        source_body=f.source_body,
        from_name=f.from_name,
        from_title=f.from_title,
        channel=f.channel,
        summary=f.summary,
        full_text=f.full_text,
        outcome=f.outcome,
        status=ResponseStatus.PENDING,
        logged_by_id=actor.id if actor else None,
    )
    session.add(response)
    session.flush()
    audit(
        session,
        actor,
        "response.log",
        "response",
        response.id,
        letter=response.letter_id,
        demand=response.demand_id,
        outcome=f.outcome.value,
        pending=needs_approval,
        **({"via": via} if via else {}),
    )
    return response


def log_emailed_response(
    session: Session, *, letter: Letter | None = None, demand: Demand | None = None,
    fields: ResponseFields, actor: User | None, today: date, via: str = "email",
) -> Response:  # fmt: skip
    """Record a response read from an email (``ingest-mail`` or an uploaded .eml): always
    pending, whoever brought it, since nobody has read it yet; ``actor`` None: the mailbox."""
    if (letter is None) == (demand is None):
        raise DomainError("A response answers either a letter or a demand.")
    f = _checked(fields, today)
    if letter is not None and letter.status == LetterStatus.DRAFT:
        raise DomainError("A draft letter has not been delivered: it cannot have a response.")
    return _add_pending(session, letter, demand, f, actor, needs_approval=True, via=via)


def approve_response(
    session: Session, response: Response, *, actor: User, letter: Letter | None = None,
    demand: Demand | None = None,
) -> Response:  # fmt: skip
    """A coordinator approves a pending response: its status change applies, signers hear."""
    if response.status != ResponseStatus.PENDING:
        raise Conflict(f"This response is already {response.status.value}.")
    letter = letter if letter is not None else _letter_of(session, response)
    demand = demand if demand is not None else _demand_of(session, response)
    return _approve(session, response, letter=letter, demand=demand, actor=actor, automatic=False)


def _approve(
    session: Session, response: Response, *, letter: Letter | None, demand: Demand | None,
    actor: User, automatic: bool,
) -> Response:  # fmt: skip
    target = implied_change(demand, response.outcome)
    if demand is not None and target is not None:
        # the demand may have moved since the response was logged
        _check_transition(demand, target, when="Cannot approve")
        before = demand.status
        # the move happened when the response came, unless the demand's recorded history
        # already goes past that day (then on its last recorded day)
        happened_on = max(response.received_on, demand.last_event_on or response.received_on)
        transition_demand(
            session,
            demand,
            target,
            reason=f"Response #{response.id} ({response.channel.label.lower()}, received "
            f"{response.received_on.isoformat()}): {response.summary[:500]}",
            actor=actor,
            happened_on=happened_on,
            today=max(happened_on, local_today()),
        )
        response.applied_from, response.applied_to = before, target
    response.status = ResponseStatus.APPROVED
    response.reviewed_by_id = actor.id
    response.reviewed_at = utcnow()
    session.flush()
    audit(
        session,
        actor,
        "response.approve",
        "response",
        response.id,
        automatic=automatic,
        **({"from": response.applied_from.value, "to": target.value} if target else {}),
    )
    if letter is not None:
        notify_signers(session, response, letter)
    response_approved.send(session, response=response)
    return response


def reject_response(session: Session, response: Response, *, reason: str, actor: User) -> Response:
    """A coordinator rejects a pending response (with the reason); nothing is applied."""
    if response.status != ResponseStatus.PENDING:
        raise Conflict(f"This response is already {response.status.value}.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give the reason for rejecting the response.", field="reason")
    response.status = ResponseStatus.REJECTED
    response.rejection_reason = reason
    response.reviewed_by_id = actor.id
    response.reviewed_at = utcnow()
    session.flush()
    audit(session, actor, "response.reject", "response", response.id, reason=reason)
    return response


def add_response_attachment(
    session: Session,
    response: Response,
    *,
    store: UploadStore,
    data: bytes,
    filename: str | None,
    actor: User,
) -> ResponseAttachment:
    """Check a file (the evidence rules: PDF, PNG, JPEG, ≤ 20 MB, by content) and attach it."""
    if response.status == ResponseStatus.REJECTED:
        raise DomainError("This response was rejected: nothing more can be attached.")
    item = add_attachment_row(
        session, ResponseAttachment, owner={"response_id": response.id}, store=store, data=data,
        filename=filename, actor_id=actor.id,
        duplicate="This file is already attached to the response.",
    )  # fmt: skip
    # on a pending response the file is reviewed with it; on an approved one, by itself
    item.pending = response.status == ResponseStatus.APPROVED and not actor.has_role(
        Role.COORDINATOR
    )
    session.flush()
    audit(
        session,
        actor,
        "response.attach",
        "response",
        response.id,
        attachment=item.id,
        sha256=item.sha256,
        name=item.original_name,
        pending=item.pending,
    )
    return item


def review_attachment(
    session: Session, item: ResponseAttachment, *, approve: bool, actor: User
) -> None:
    """A coordinator approves a member's file on an approved response, or removes it."""
    if not item.pending:
        raise Conflict("This file is not awaiting approval.")
    audit(
        session,
        actor,
        "response.attachment_approve" if approve else "response.attachment_remove",
        "response",
        item.response_id,
        attachment=item.id,
        name=item.original_name,
    )
    if approve:
        item.pending = False
    else:
        session.delete(item)  # the stored file stays: other rows may share its content hash
    session.flush()


def keep_informed_addresses(session: Session, letter: Letter) -> list[str]:
    """One address per signer who asked to be kept informed (counted sign-ons only).

    Addresses are compared without regard to case; the first spelling is used.
    """
    return list(keep_informed_recipients(session, letter))


def keep_informed_recipients(session: Session, letter: Letter) -> dict[str, str]:
    """``keep_informed_addresses`` with the language each signed in (its first sign-on's)."""
    rows = session.execute(
        sa.select(SignOn.signer_email, SignOn.language)
        .where(
            SignOn.letter_id == letter.id,
            SignOn.keep_informed.is_(True),
            SignOn.status.in_(COUNTED),
        )
        .order_by(SignOn.id)
    )
    seen: dict[str, tuple[str, str]] = {}
    for email, language in rows:
        seen.setdefault(email.strip().casefold(), (email.strip(), language))
    return dict(seen.values())


def notify_signers(session: Session, response: Response, letter: Letter) -> int:
    """Email the approved response's summary to the letter's keep-informed signers."""
    addresses = keep_informed_recipients(session, letter)
    agency = session.get(Agency, response.agency_id) if response.agency_id else None
    summary = response.summary
    if len(summary) > SUMMARY_IN_EMAIL:
        summary = summary[: SUMMARY_IN_EMAIL - 1].rstrip() + "…"
    coalition = coalition_of(session, letter.campaign_id)
    who = response.source_text(agency.name if agency is not None else None)
    for address, language in addresses.items():
        title = title_in(letter, language)
        with force_locale(language):  # the signer's, not the approving coordinator's
            enqueue_template(
                session,
                to=address,
                subject=_("A response to “%(title)s”", title=title),
                template="response_notice",
                kind="response_notice",
                **coalition.mail_identity(),
                coalition=coalition,
                letter=letter,
                title=title,
                response=response,
                who=who,
                summary=summary,
            )
    if addresses:
        audit(session, None, "response.notify", "response", response.id, recipients=len(addresses))
    return len(addresses)


def _letter_of(session: Session, response: Response) -> Letter | None:
    return session.get(Letter, response.letter_id) if response.letter_id else None


def _demand_of(session: Session, response: Response) -> Demand | None:
    return session.get(Demand, response.demand_id) if response.demand_id else None
