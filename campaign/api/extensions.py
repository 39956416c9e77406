"""The coalition's extension resources, which OSDI has no place for: agencies (with their
287(g) agreements), demands, responses and evidence, each linked to the others. Their
representations and their schemas, side by side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency, AgencyType, Agreement, AgreementModel, AgreementStatus
from campaign.api.representations import Links, common_fields, iso
from campaign.api.schemas import DATE_TIME, NULLABLE_STRING, STRING, resource_schema
from campaign.demands.models import Demand, DemandEvidence, DemandStatus
from campaign.evidence.models import EvidenceRecord, EvidenceType
from campaign.responses.models import Response, ResponseOutcome, ResponseStatus

DATE = {"type": ["string", "null"], "format": "date"}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _enum(kind: type) -> dict[str, Any]:
    return {"enum": [member.value for member in kind]}


def _by(links: Links, collection: str, param: str, row_id: int) -> dict[str, str]:
    """A link to a collection filtered on one row (``/demands?agency=3``)."""
    return {"href": f"{links.api}/{collection}?{param}={row_id}"}


# --- agencies --------------------------------------------------------------------------

AGREEMENT = {
    "type": "object",
    "required": ["coalition:model", "coalition:status"],
    "properties": {
        "identifiers": {"type": "array", "items": STRING},
        "coalition:model": _enum(AgreementModel),
        "coalition:status": _enum(AgreementStatus),
        "coalition:signed_on": DATE,
        "coalition:agreement_url": NULLABLE_STRING,
        "coalition:addendum_url": NULLABLE_STRING,
        "modified_date": DATE_TIME,
    },
}
AGENCY = resource_schema(
    {
        "name": STRING,
        "coalition:state": STRING,
        "coalition:county": NULLABLE_STRING,
        "coalition:type": _enum(AgencyType),
        "coalition:agreements": {"type": "array", "items": AGREEMENT},
    },
    ["name", "coalition:state", "coalition:agreements"],
    ["coalition:demands", "coalition:evidence", "coalition:responses"],
)


def agencies(session: Session, rows: Sequence[Agency], links: Links) -> list[dict[str, Any]]:
    """Agencies, each with its agreements (one query for the page's)."""
    agreements: dict[int, list[Agreement]] = {}
    if rows:
        for agreement in session.scalars(
            sa.select(Agreement)
            .where(Agreement.agency_id.in_([a.id for a in rows]))
            .order_by(Agreement.id)
        ):
            agreements.setdefault(agreement.agency_id, []).append(agreement)
    return [agency(row, agreements.get(row.id, []), links) for row in rows]


def agency(row: Agency, agreements: list[Agreement], links: Links) -> dict[str, Any]:
    """One agency."""
    doc_links = {
        "self": links.to("agencies", row.id),
        "coalition:demands": _by(links, "demands", "agency", row.id),
        "coalition:evidence": _by(links, "evidence", "agency", row.id),
        "coalition:responses": _by(links, "responses", "agency", row.id),
    }
    if row.merged_into_id is not None:
        doc_links["coalition:merged_into"] = links.to("agencies", row.merged_into_id)
    return {
        **common_fields(row),
        "name": row.name,
        "coalition:state": row.state,
        "coalition:county": row.county,
        "coalition:type": row.type.value,
        "coalition:agreements": [
            {
                "identifiers": [f"campaign:{a.id}"],
                "coalition:model": a.model.value,
                "coalition:status": a.status.value,
                "coalition:signed_on": _day(a.signed_on),
                "coalition:agreement_url": a.agreement_url,
                "coalition:addendum_url": a.addendum_url,
                "modified_date": iso(a.updated_at or a.created_at),
            }
            for a in agreements
        ],
        "_links": doc_links,
    }


# --- demands ---------------------------------------------------------------------------

DEMAND = resource_schema(
    {
        "title": STRING,
        "coalition:ask": STRING,
        "coalition:rationale": STRING,
        "coalition:addressed_to": STRING,
        "coalition:status": _enum(DemandStatus),
        "coalition:priority": STRING,
        "coalition:due_on": DATE,
        "coalition:status_changed_date": DATE_TIME,
    },
    ["title", "coalition:status"],
    ["coalition:agency", "coalition:evidence", "coalition:responses"],
)


def demands(session: Session, rows: Sequence[Demand], links: Links) -> list[dict[str, Any]]:
    """Demands (nothing to look up beyond their rows)."""
    return [demand(row, links) for row in rows]


def demand(row: Demand, links: Links) -> dict[str, Any]:
    """One demand."""
    doc_links = {
        "self": links.to("demands", row.id),
        "coalition:agency": links.to("agencies", row.agency_id),
        "coalition:evidence": _by(links, "evidence", "demand", row.id),
        "coalition:responses": _by(links, "responses", "demand", row.id),
    }
    if row.letter_id is not None:
        doc_links["osdi:petition"] = links.to("petitions", row.letter_id)
    return {
        **common_fields(row),
        "title": row.title,
        "coalition:ask": row.ask,
        "coalition:rationale": row.rationale,
        "coalition:addressed_to": row.addressed_to,
        "coalition:status": row.status.value,
        "coalition:priority": row.priority.value,
        "coalition:due_on": _day(row.due_on),
        "coalition:status_changed_date": iso(row.status_changed_at),
        "_links": doc_links,
    }


# --- responses -------------------------------------------------------------------------

RESPONSE = resource_schema(
    {
        "coalition:received_on": DATE,
        "coalition:channel": STRING,
        "coalition:source": NULLABLE_STRING,
        "coalition:from_name": STRING,
        "coalition:from_title": STRING,
        "coalition:summary": STRING,
        "coalition:full_text": STRING,
        "coalition:outcome": _enum(ResponseOutcome),
        "coalition:status": _enum(ResponseStatus),
    },
    ["coalition:received_on", "coalition:status", "coalition:summary"],
    [],
)


def responses(session: Session, rows: Sequence[Response], links: Links) -> list[dict[str, Any]]:
    """Responses."""
    return [response(row, links) for row in rows]


def response(row: Response, links: Links) -> dict[str, Any]:
    """One response, linked to the letter or demand it answers and the agency it is from."""
    doc_links: dict[str, Any] = {"self": links.to("responses", row.id)}
    if row.letter_id is not None:
        doc_links["osdi:petition"] = links.to("petitions", row.letter_id)
    if row.demand_id is not None:
        doc_links["coalition:demand"] = links.to("demands", row.demand_id)
    if row.agency_id is not None:
        doc_links["coalition:agency"] = links.to("agencies", row.agency_id)
    return {
        **common_fields(row),
        "coalition:received_on": _day(row.received_on),
        "coalition:channel": row.channel.value,
        "coalition:source": row.source.value if row.source is not None else None,
        "coalition:from_name": row.from_name,
        "coalition:from_title": row.from_title,
        "coalition:summary": row.summary,
        "coalition:full_text": row.full_text,
        "coalition:outcome": row.outcome.value,
        "coalition:status": row.status.value,
        "_links": doc_links,
    }


# --- evidence --------------------------------------------------------------------------

EVIDENCE = resource_schema(
    {
        "title": STRING,
        "coalition:type": _enum(EvidenceType),
        "coalition:event_on": DATE,
        "coalition:source_url": NULLABLE_STRING,
        "coalition:retrieved_on": DATE,
        "coalition:citation": STRING,
        "coalition:pin_cite": STRING,
        "coalition:state": NULLABLE_STRING,
        "coalition:summary": STRING,
    },
    ["title", "coalition:type"],
    ["coalition:demands"],
)


def evidence(session: Session, rows: Sequence[EvidenceRecord], links: Links) -> list[dict]:
    """Evidence records."""
    return [evidence_record(row, links) for row in rows]


def evidence_record(row: EvidenceRecord, links: Links) -> dict[str, Any]:
    """One evidence record, linked to its agency and the demands it supports."""
    doc_links: dict[str, Any] = {
        "self": links.to("evidence", row.id),
        "coalition:demands": _by(links, "demands", "evidence", row.id),
    }
    if row.agency_id is not None:
        doc_links["coalition:agency"] = links.to("agencies", row.agency_id)
    return {
        **common_fields(row),
        "title": row.title,
        "coalition:type": row.type.value,
        "coalition:event_on": _day(row.event_on),
        "coalition:source_url": row.source_url,
        "coalition:retrieved_on": _day(row.retrieved_on),
        "coalition:citation": row.citation,
        "coalition:pin_cite": row.pin_cite,
        "coalition:state": row.state,
        "coalition:summary": row.summary,
        "_links": doc_links,
    }


SCHEMAS = {"agency": AGENCY, "demand": DEMAND, "response": RESPONSE, "evidence": EVIDENCE}

# (path, rel, schema name, summary, the ids it may be filtered on) of each extension
# collection, for the views and the OpenAPI document
COLLECTIONS = [
    ("/agencies", "coalition:agencies", "agency", "Agencies and their 287(g) agreements", ()),
    ("/demands", "coalition:demands", "demand", "Agency-specific demands",
     ("agency", "petition", "evidence")),
    ("/responses", "coalition:responses", "response", "What agencies and DHS answered",
     ("agency", "petition", "demand")),
    ("/evidence", "coalition:evidence", "evidence", "Evidence records", ("agency", "demand")),
]  # fmt: skip


def supporting(demand_id: int) -> sa.ColumnElement[bool]:
    """Evidence linked to the demand."""
    return EvidenceRecord.id.in_(
        sa.select(DemandEvidence.evidence_id).where(DemandEvidence.demand_id == demand_id)
    )


def supported_by(evidence_id: int) -> sa.ColumnElement[bool]:
    """Demands the evidence record supports."""
    return Demand.id.in_(
        sa.select(DemandEvidence.demand_id).where(DemandEvidence.evidence_id == evidence_id)
    )
