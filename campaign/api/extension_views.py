"""The extension collections under ``/api/v1``: agencies, demands, responses, evidence,
each filterable by the ids of the others (``/demands?agency=3``) and linked to them."""

from __future__ import annotations

from flask import Blueprint, abort

from campaign import db
from campaign.agencies.models import Agency
from campaign.api import extensions
from campaign.api.http import hal, token_required
from campaign.api.models import Scope
from campaign.api.respond import collection, id_param, json_errors, links
from campaign.demands.models import Demand
from campaign.evidence.models import EvidenceRecord
from campaign.responses.models import Response

bp = Blueprint("api_ext", __name__, url_prefix="/api/v1")
json_errors(bp)


def _one(model: type, row_id: int, what: str):
    row = db.session.get(model, row_id)
    if row is None or getattr(row, "deleted_at", None) is not None:
        abort(404, f"No such {what}.")
    return row


@bp.get("/agencies")
@token_required(Scope.READ)
def agencies():
    """Agencies, each with its 287(g) agreements."""
    return collection(
        Agency, [], lambda rows: extensions.agencies(db.session, rows, links()),
        links().to("agencies")["href"], "coalition:agencies",
    )  # fmt: skip


@bp.get("/agencies/<int:row_id>")
@token_required(Scope.READ)
def agency(row_id: int):
    """One agency."""
    return hal(extensions.agencies(db.session, [_one(Agency, row_id, "agency")], links())[0])


@bp.get("/demands")
@token_required(Scope.READ)
def demands():
    """Demands; ``?agency=``, ``?petition=``, ``?evidence=`` narrow them."""
    conditions = []
    if (agency_id := id_param("agency")) is not None:
        conditions.append(Demand.agency_id == agency_id)
    if (letter_id := id_param("petition")) is not None:
        conditions.append(Demand.letter_id == letter_id)
    if (evidence_id := id_param("evidence")) is not None:
        conditions.append(extensions.supported_by(evidence_id))
    return collection(
        Demand, conditions, lambda rows: extensions.demands(db.session, rows, links()),
        links().to("demands")["href"], "coalition:demands",
    )  # fmt: skip


@bp.get("/demands/<int:row_id>")
@token_required(Scope.READ)
def demand(row_id: int):
    """One demand."""
    return hal(extensions.demand(_one(Demand, row_id, "demand"), links()))


@bp.get("/responses")
@token_required(Scope.READ)
def responses():
    """Responses; ``?agency=``, ``?petition=``, ``?demand=`` narrow them."""
    conditions = []
    if (agency_id := id_param("agency")) is not None:
        conditions.append(Response.agency_id == agency_id)
    if (letter_id := id_param("petition")) is not None:
        conditions.append(Response.letter_id == letter_id)
    if (demand_id := id_param("demand")) is not None:
        conditions.append(Response.demand_id == demand_id)
    return collection(
        Response, conditions, lambda rows: extensions.responses(db.session, rows, links()),
        links().to("responses")["href"], "coalition:responses",
    )  # fmt: skip


@bp.get("/responses/<int:row_id>")
@token_required(Scope.READ)
def response(row_id: int):
    """One response."""
    return hal(extensions.response(_one(Response, row_id, "response"), links()))


@bp.get("/evidence")
@token_required(Scope.READ)
def evidence():
    """Evidence records (not deleted); ``?agency=``, ``?demand=`` narrow them."""
    conditions = [EvidenceRecord.deleted_at.is_(None)]
    if (agency_id := id_param("agency")) is not None:
        conditions.append(EvidenceRecord.agency_id == agency_id)
    if (demand_id := id_param("demand")) is not None:
        conditions.append(extensions.supporting(demand_id))
    return collection(
        EvidenceRecord, conditions, lambda rows: extensions.evidence(db.session, rows, links()),
        links().to("evidence")["href"], "coalition:evidence",
    )  # fmt: skip


@bp.get("/evidence/<int:row_id>")
@token_required(Scope.READ)
def evidence_record(row_id: int):
    """One evidence record."""
    return hal(extensions.evidence_record(_one(EvidenceRecord, row_id, "evidence record"), links()))
