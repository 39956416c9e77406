"""A sign-on posted to the API (OSDI's ``record_signature_helper``), checked twice: against
the published schema (its shape), then by the public page's own form (the same rules and
messages), each refusal named by the API's field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from werkzeug.datastructures import MultiDict
from wtforms.validators import Optional

from campaign.api.schemas import SIGNATURE_INPUT
from campaign.signons.forms import SignOnForm
from campaign.signons.signing import SignOnInput

_VALIDATOR = Draft202012Validator(SIGNATURE_INPUT)

# the public form's fields, by the API's names for them
FIELDS = {
    "org_name": "coalition:organization",
    "level": "coalition:level",
    "state": "coalition:state",
    "city": "coalition:city",
    "website": "coalition:website",
    "signer_name": "person",
    "signer_title": "coalition:signer_title",
    "signer_email": "person.email_addresses",
    "authorized": "coalition:authorized",
    "authority": "coalition:authority",
    "authority_other": "coalition:authority_other",
    "listing": "coalition:listed",
    "comment": "comments",
    "keep_informed": "coalition:keep_informed",
    "logo": "coalition:logo",
    "version_id": "coalition:letter_version",
}


class Refused(Exception):
    """The body is refused; ``errors`` name each field (``{"field", "message"}``)."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class Intake:
    """A checked sign-on: what signing takes, the version number asked for, and whether a
    (coordinator's) token asks for it to be confirmed at once."""

    data: SignOnInput
    version_number: int | None
    confirmed: bool


def _field(path: list[Any]) -> str:
    return ".".join(str(part) for part in path) or "body"


def schema_errors(body: Any) -> list[dict[str, str]]:
    """Every way ``body`` breaks the published schema, one per field."""
    found: dict[str, str] = {}
    for err in _VALIDATOR.iter_errors(body):
        path = list(err.absolute_path)
        if err.validator == "required":
            for name in err.validator_value:
                if isinstance(err.instance, dict) and name not in err.instance:
                    found.setdefault(_field([*path, name]), "This field is required.")
            continue
        found.setdefault(_field(path), err.message)
    return [{"field": field, "message": message} for field, message in found.items()]


def _signer_name(person: dict[str, Any]) -> str:
    full = (person.get("coalition:full_name") or "").strip()
    if full:
        return full
    return " ".join(
        part.strip() for part in (person.get("given_name"), person.get("family_name")) if part
    )


def _primary_email(person: dict[str, Any]) -> str:
    addresses = person.get("email_addresses") or []
    primary = [a for a in addresses if a.get("primary")] or addresses
    return primary[0]["address"] if primary else ""


def check(body: Any) -> Intake:
    """The sign-on in ``body``, or ``Refused`` naming every field at fault."""
    if not isinstance(body, dict):
        raise Refused([{"field": "body", "message": "The body must be a JSON object."}])
    errors = schema_errors(body)
    if errors:
        raise Refused(errors)
    person = body["person"]
    formdata = MultiDict(
        {
            "org_name": body["coalition:organization"],
            "level": body["coalition:level"],
            "state": body.get("coalition:state", ""),
            "city": body.get("coalition:city", ""),
            "website": body.get("coalition:website", ""),
            "signer_name": _signer_name(person),
            "signer_title": body.get("coalition:signer_title", ""),
            "signer_email": _primary_email(person),
            "listing": "list" if body.get("coalition:listed", True) else "count",
            "comment": body.get("comments", ""),
            "authority": body.get("coalition:authority", ""),
            "authority_other": body.get("coalition:authority_other", ""),
        }
    )
    # booleans as a browser sends a ticked box (absent when not ticked)
    if body.get("coalition:authorized"):
        formdata["authorized"] = "y"
    if body.get("coalition:keep_informed"):
        formdata["keep_informed"] = "y"
    form = SignOnForm(formdata=formdata)
    if "coalition:authority" not in body:
        # optional in the API (partners written before it was asked); the form asks it
        form.authority.validators = (Optional(),)
    if not form.validate():
        raise Refused(
            [
                # a form's message may be a lazily translated string: JSON takes text
                {"field": FIELDS.get(name, name), "message": str(message)}
                for name, messages in form.errors.items()
                for message in messages
            ]
        )
    return Intake(
        data=form.to_input(),
        version_number=body.get("coalition:letter_version"),
        confirmed=bool(body.get("confirmed")),
    )
