"""What every API view shares: the link builder, the collection answer (a page of HAL+JSON,
or the whole list as CSV), and errors as JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, request
from werkzeug.exceptions import HTTPException

from campaign import db
from campaign.api import csvout, paging
from campaign.api.http import error, hal
from campaign.api.representations import Links
from campaign.core.errors import DomainError
from campaign.core.urls import external_url


def links() -> Links:
    """This request's link builder (on CAMPAIGN_BASE_URL, never the request's Host)."""
    found = g.get("api_links")
    if found is None:
        found = g.api_links = Links(
            api=external_url("api.entry").rstrip("/"),
            sign_page=external_url("signons.sign", slug="SLUG").replace("SLUG", "{slug}"),
        )
    return found


def collection(
    model: type,
    conditions: list,
    serialize: Callable[[list[Any]], list[dict[str, Any]]],
    href: str,
    rel: str,
    extra_links: dict[str, Any] | None = None,
):
    """A collection's page as HAL+JSON, or (``?format=csv``) all of it as CSV."""
    wanted = paging.parse_listing(request.args)
    fmt = request.args.get("format", "json")
    if fmt == "csv":
        chunks = csvout.keyset_chunks(db.session, model, conditions, wanted, serialize)
        return csvout.csv_response(chunks, f"{rel.split(':')[-1]}.csv")
    if fmt != "json":
        raise paging.BadRequest("format must be json or csv.", field="format")
    page = paging.fetch(db.session, model, conditions, wanted)
    return hal(paging.collection(href, rel, page, serialize(page.rows), extra_links))


def id_param(name: str) -> int | None:
    """An id from the query string (``?agency=3``); 400 naming it if it is not one."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise paging.BadRequest(f"{name} must be an id (a whole number).", field=name)
    return int(raw)


def _http_error(err: HTTPException):
    return error(err.code or 500, err.description or err.name)


def _domain_error(err: DomainError):
    db.session.rollback()
    errors = [{"field": err.field, "message": err.message}] if err.field else None
    return error(err.status_code, err.message, errors)


def json_errors(bp: Blueprint) -> None:
    """Answer a blueprint's errors as OSDI-style JSON, never as an HTML page."""
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(DomainError, _domain_error)
