"""``/api/v1``: the entry point and the collections, read with a token (HAL+JSON).

No cookies and no CSRF: a request is authenticated by its token alone
(``http.token_required``) and acts with its user's role. CORS stays off: no
``Access-Control-Allow-Origin`` is ever sent, so browsers keep other sites out.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from campaign import db
from campaign.api import intake, openapi, paging, recording, representations
from campaign.api.http import acting_user, caller, error, hal, sees_contacts, token_required
from campaign.api.models import Scope
from campaign.api.respond import collection, json_errors, links
from campaign.core import ratelimit
from campaign.core.errors import DomainError
from campaign.directory.models import Organization
from campaign.letters.embargo import EmbargoNotice, embargoed_letter_ids, notice_for
from campaign.letters.models import Letter
from campaign.signons.models import SignOn
from campaign.signons.views import link_for as confirmation_link_for
from campaign.uploads.store import store_for

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OSDI_VERSION = "1.1.1"


json_errors(bp)


@bp.get("/", strict_slashes=False)
@token_required(Scope.READ)
def entry():
    """The API entry point (OSDI's AEP): what there is, and where."""
    root = links()
    return hal(
        {
            "motd": f"The {current_app.config.get('COALITION_NAME') or 'coalition'}'s API",
            "vendor_name": "campaign",
            "product_name": "campaign",
            "osdi_version": OSDI_VERSION,
            "max_pagesize": paging.MAX_PER_PAGE,
            "_links": {
                "self": root.to(),
                "curies": [
                    {
                        "name": "osdi",
                        "href": "https://opensupporter.github.io/osdi-docs/{rel}.html",
                        "templated": True,
                    },
                    {"name": "coalition", "href": f"{root.api}/docs#{{rel}}", "templated": True},
                ],
                "osdi:petitions": root.to("petitions"),
                "coalition:organizations": root.to("organizations"),
                "coalition:agencies": root.to("agencies"),
                "coalition:demands": root.to("demands"),
                "coalition:responses": root.to("responses"),
                "coalition:evidence": root.to("evidence"),
                "docs": root.to("docs"),
                "openapi": root.to("openapi.json"),
            },
        }
    )


@bp.get("/petitions")
@token_required(Scope.READ)
def petitions():
    """Every letter, as OSDI petitions (an embargoed one for coordinators' tokens only)."""
    hidden = [] if sees_contacts() else [Letter.id.not_in(embargoed_letter_ids())]
    return collection(
        Letter, hidden, lambda rows: representations.petitions(db.session, rows, links()),
        links().to("petitions")["href"], "osdi:petitions",
    )  # fmt: skip


def _letter_or_404(letter_id: int) -> Letter:
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        abort(404, "No such petition.")
    return letter


@bp.get("/petitions/<int:letter_id>")
@token_required(Scope.READ)
def petition(letter_id: int):
    """One letter."""
    letter = _letter_or_404(letter_id)
    doc = representations.petitions(db.session, [letter], links())[0]
    embargo = _embargo_for_caller(letter.id)
    if embargo is not None:
        # partners circulating it may read the letter, never its count before release
        del doc["total_signatures"]
        doc["coalition:embargoed_until"] = representations.iso(embargo.release_at)
    return hal(doc)


def _embargo_for_caller(letter_id: int) -> EmbargoNotice | None:
    """The letter's embargo in force when the caller is not staff (a coordinator's token
    sees everything, as on the review pages); None otherwise."""
    return None if sees_contacts() else notice_for(db.session, letter_id)


def _refuse_under_embargo(letter_id: int) -> None:
    """403 for a member's token asking for an embargoed letter's signatures."""
    embargo = _embargo_for_caller(letter_id)
    if embargo is not None:
        abort(
            403,
            f"This petition is under embargo until {representations.iso(embargo.release_at)}: "
            "its signatures are not shared before its release.",
        )


# One rule for both methods: with two, Werkzeug answers a POST to an id past the largest
# with 405 instead of 404.
@bp.route("/petitions/<int:letter_id>/signatures", methods=["GET", "POST"])
def signatures(letter_id: int):
    """A letter's sign-ons (GET), or a new one (POST)."""
    if request.method == "POST":
        return record_signature(letter_id)
    return list_signatures(letter_id)


@token_required(Scope.READ)
def list_signatures(letter_id: int):
    """A letter's sign-ons, as OSDI signatures (email only for coordinators' tokens)."""
    letter = _letter_or_404(letter_id)
    _refuse_under_embargo(letter.id)
    contacts = sees_contacts()
    return collection(
        SignOn,
        [SignOn.letter_id == letter.id],
        lambda rows: representations.signatures(db.session, rows, links(), contacts=contacts),
        links().to("petitions", letter.id, "signatures")["href"],
        "osdi:signatures",
        {"osdi:petition": links().to("petitions", letter.id)},
    )


@bp.get("/petitions/<int:letter_id>/signatures/<int:signon_id>")
@token_required(Scope.READ)
def signature(letter_id: int, signon_id: int):
    """One sign-on."""
    signon = db.session.get(SignOn, signon_id)
    if signon is None or signon.letter_id != letter_id:
        abort(404, "No such signature.")
    _refuse_under_embargo(letter_id)
    doc = representations.signatures(db.session, [signon], links(), contacts=sees_contacts())
    return hal(doc[0])


@token_required(Scope.WRITE_SIGNONS)
def record_signature(letter_id: int):
    """Record a sign-on from a partner's form (OSDI's record_signature_helper): checked,
    de-duplicated, pending and emailed as on the public page. 201 with the new signature;
    200 with the organization's own when it had signed already."""
    with db.read_phase():
        letter = _letter_or_404(letter_id)
        user = acting_user()
        link = confirmation_link_for(letter)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return error(400, "The body must be a JSON object (Content-Type: application/json).")
        try:
            intake_ = intake.check(body)
            prepared = recording.prepare(db.session, letter, intake_, user=user, link_for=link)
        except intake.Refused as refused:
            return error(422, "The sign-on is refused.", refused.errors)
        except DomainError as err:
            return error(
                422, err.message, [{"field": err.field or "petition", "message": err.message}]
            )
    if not ratelimit.allow("SIGNON_MAIL_LIMIT", "signons.mail", prepared.email.casefold()):
        message = "Too many sign-on emails went to this address today."
        return error(429, message, [{"field": "person.email_addresses", "message": message}])
    try:
        result, signon = recording.record_signature(
            db.session, letter, prepared, intake_, user=user, token_id=caller().token_id,
            store=store_for(current_app), link_for=link,
        )  # fmt: skip
    except DomainError as err:
        db.session.rollback()
        return error(422, err.message, [{"field": err.field or "petition", "message": err.message}])
    db.session.commit()
    embargo = _embargo_for_caller(letter.id)
    if embargo is not None:
        # new or already signed, the same answer: whether an organization is on an
        # embargoed letter is not a partner's to learn before release
        until = representations.iso(embargo.release_at)
        return hal({"coalition:status": "received", "coalition:embargoed_until": until}, 202)
    doc = representations.signatures(db.session, [signon], links(), contacts=sees_contacts())[0]
    if result.outcome != "new":
        return hal(doc, 200)
    return hal(doc, 201, {"Location": doc["_links"]["self"]["href"]})


@bp.get("/organizations")
@token_required(Scope.READ)
def organizations():
    """The coalition's directory (contacts only for coordinators' tokens)."""
    contacts = sees_contacts()
    return collection(
        Organization,
        [],
        lambda rows: representations.organizations(db.session, rows, links(), contacts=contacts),
        links().to("organizations")["href"],
        "coalition:organizations",
    )


@bp.get("/organizations/<int:org_id>")
@token_required(Scope.READ)
def organization(org_id: int):
    """One directory entry."""
    org = db.session.get(Organization, org_id)
    if org is None:
        abort(404, "No such organization.")
    doc = representations.organizations(db.session, [org], links(), contacts=sees_contacts())
    return hal(doc[0])


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document for this server."""
    return openapi.document(links().api)


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document (public: it describes, it holds no data)."""
    body = json.dumps(openapi_document(), ensure_ascii=False, indent=1)
    return Response(body, content_type="application/json; charset=utf-8")


@bp.get("/docs")
def docs():
    """The API's reference, rendered on the server from the OpenAPI document (no CDN,
    no script)."""
    return render_template("api/docs.html", doc=openapi_document(), describe=openapi.describe)


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(anything: str) -> Any:
    """Anything else under the API answers in JSON too: 405 for a path that answers
    another method, else 404."""
    if request.method != "GET":
        adapter = current_app.url_map.bind_to_environ(request.environ)
        try:
            endpoint, _ = adapter.match(request.path, method="GET")
        except HTTPException:
            endpoint = None
        if endpoint not in (None, "api.unknown"):
            return error(405, "This method is not allowed here.")
    return error(404, "No such resource.")
