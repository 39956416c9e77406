"""JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses them) of every resource the API
serves and of the sign-on it accepts. The views validate input with these very
dictionaries, the OpenAPI document publishes them, and the contract tests check every
answer against them."""

from __future__ import annotations

from typing import Any

from campaign.core.states import STATES
from campaign.signons.models import Authority, Level, SignOnStatus, Verified

Schema = dict[str, Any]

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
DATE_TIME = {"type": "string", "format": "date-time"}
LINK: Schema = {
    "type": "object",
    "required": ["href"],
    "properties": {"href": {"type": "string", "format": "uri"}},
}


def resource_schema(properties: Schema, required: list[str], links: list[str]) -> Schema:
    """A HAL resource with OSDI's common fields."""
    return {
        "type": "object",
        "required": [
            "identifiers",
            "origin_system",
            "created_date",
            "modified_date",
            "_links",
            *required,
        ],
        "properties": {
            "identifiers": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "pattern": "^[a-z_]+:.+$"},
            },
            "origin_system": STRING,
            "created_date": DATE_TIME,
            "modified_date": DATE_TIME,
            "_links": {
                "type": "object",
                "required": ["self", *links],
                "properties": {name: LINK for name in ["self", *links]},
                "additionalProperties": LINK,
            },
            **properties,
        },
    }


PETITION = resource_schema(
    {
        "title": STRING,
        "petition_text": STRING,
        "browser_url": {"type": ["string", "null"], "format": "uri"},
        "total_signatures": {"type": "integer", "minimum": 0},
        "target": {
            "type": "array",
            "items": {"type": "object", "required": ["name"], "properties": {"name": STRING}},
        },
        "coalition:status": {"enum": ["draft", "open", "closed", "sent"]},
        "coalition:deadline": DATE_TIME,
        "coalition:letter_version": {"type": ["integer", "null"]},
        "coalition:accepts_signatures": {"type": "boolean"},
    },
    ["title", "petition_text", "total_signatures", "coalition:status"],
    ["osdi:signatures", "osdi:record_signature_helper"],
)

EMAIL_ADDRESSES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["address"],
        "properties": {"address": STRING, "primary": {"type": "boolean"}},
    },
}

SIGNATURE = resource_schema(
    {
        "action_date": DATE_TIME,
        "comments": STRING,
        "person": {
            "type": "object",
            "required": ["given_name", "family_name"],
            "properties": {
                "given_name": STRING,
                "family_name": STRING,
                "coalition:full_name": STRING,
                "email_addresses": EMAIL_ADDRESSES,
            },
        },
        "coalition:organization": STRING,
        "coalition:signer_title": STRING,
        "coalition:level": {"enum": [level.value for level in Level]},
        "coalition:state": STRING,
        "coalition:city": STRING,
        "coalition:website": STRING,
        "coalition:listed": {"type": "boolean"},
        "coalition:status": {"enum": [status.value for status in SignOnStatus]},
        "coalition:letter_version": {"type": ["integer", "null"]},
        "coalition:source": STRING,
        "coalition:authority": {"enum": [*(a.value for a in Authority), None]},
        "coalition:authority_other": STRING,
        "coalition:verification": {"enum": [*(v.value for v in Verified), None]},
        "coalition:verified_date": {"type": ["string", "null"], "format": "date-time"},
    },
    ["action_date", "person", "coalition:organization", "coalition:status", "coalition:listed"],
    ["osdi:petition"],
)

CONTACT = {
    "type": "object",
    "required": ["name", "email"],
    "properties": {"name": STRING, "title": STRING, "email": STRING, "phone": STRING},
}

ORGANIZATION = resource_schema(
    {
        "name": STRING,
        "coalition:level": {"enum": [level.value for level in Level]},
        "coalition:state": STRING,
        "coalition:city": STRING,
        "coalition:website": STRING,
        "coalition:contacts": {"type": "array", "items": CONTACT},
    },
    ["name", "coalition:level"],
    [],
)

# the core resources (the extensions' are in ``campaign.api.extensions.SCHEMAS``)
RESOURCES: dict[str, Schema] = {
    "petition": PETITION,
    "signature": SIGNATURE,
    "organization": ORGANIZATION,
}


def collection_schema(rel: str, item_ref: str) -> Schema:
    """An OSDI collection of ``rel`` items, each matching ``item_ref``."""
    return {
        "type": "object",
        "required": ["total_pages", "per_page", "page", "total_records", "_links", "_embedded"],
        "properties": {
            "total_pages": {"type": "integer", "minimum": 0},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "page": {"type": "integer", "minimum": 1},
            "total_records": {"type": "integer", "minimum": 0},
            "_links": {
                "type": "object",
                "required": ["self", rel],
                "properties": {
                    "self": LINK,
                    "next": LINK,
                    "prev": LINK,
                    rel: {"type": "array", "items": LINK},
                },
            },
            "_embedded": {
                "type": "object",
                "required": [rel],
                "properties": {rel: {"type": "array", "items": {"$ref": item_ref}}},
            },
        },
    }


ERROR: Schema = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": STRING,
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": STRING, "message": STRING},
            },
        },
    },
}

ENTRY_POINT: Schema = {
    "type": "object",
    "required": ["osdi_version", "max_pagesize", "_links"],
    "properties": {
        "motd": STRING,
        "vendor_name": STRING,
        "product_name": STRING,
        "osdi_version": STRING,
        "max_pagesize": {"type": "integer"},
        "_links": {"type": "object", "required": ["self", "osdi:petitions"]},
    },
}

_TEXT = {"type": "string", "minLength": 1}

# What POST /petitions/{id}/signatures takes: OSDI's record_signature_helper body, the
# organization in extensions (as the public form asks for it).
SIGNATURE_INPUT: Schema = {
    "type": "object",
    "required": ["person", "coalition:organization", "coalition:level", "coalition:authorized"],
    "additionalProperties": True,
    "properties": {
        "person": {
            "type": "object",
            "required": ["email_addresses"],
            "properties": {
                "given_name": {"type": "string", "maxLength": 100},
                "family_name": {"type": "string", "maxLength": 100},
                "coalition:full_name": {"type": "string", "maxLength": 200},
                "email_addresses": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["address"],
                        "properties": {
                            "address": {"type": "string", "format": "email", "maxLength": 254},
                            "primary": {"type": "boolean"},
                        },
                    },
                },
            },
        },
        "comments": {"type": "string", "maxLength": 2000},
        "coalition:organization": {**_TEXT, "maxLength": 300},
        "coalition:signer_title": {**_TEXT, "maxLength": 200},
        "coalition:level": {"enum": [level.value for level in Level]},
        "coalition:state": {"enum": ["", *sorted(STATES)]},
        "coalition:city": {"type": "string", "maxLength": 120},
        "coalition:website": {"type": "string", "maxLength": 300},
        "coalition:listed": {"type": "boolean"},
        "coalition:authorized": {"const": True},
        "coalition:authority": {"enum": [a.value for a in Authority]},
        "coalition:authority_other": {"type": "string", "maxLength": 200},
        "coalition:keep_informed": {"type": "boolean"},
        "coalition:letter_version": {"type": "integer", "minimum": 1},
        "confirmed": {"type": "boolean"},
        "triggers": {"type": "object"},
    },
}
