"""The OpenAPI 3.1 document, built from the schemas the views validate with and the tests
check answers against (``campaign.api.schemas``)."""

from __future__ import annotations

from typing import Any

from campaign.api import extensions, schemas

# (path, rel of its items, component name, summary, ids it may be filtered on): the
# collections, each also as CSV
COLLECTIONS: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    ("/petitions", "osdi:petitions", "petition", "Letters, as OSDI petitions", ()),
    ("/petitions/{id}/signatures", "osdi:signatures", "signature", "A letter's sign-ons", ()),
    ("/organizations", "coalition:organizations", "organization", "The directory", ()),
]
# (path, component name, summary)
RESOURCES: list[tuple[str, str, str]] = [
    ("/petitions/{id}", "petition", "One letter"),
    ("/petitions/{id}/signatures/{signature_id}", "signature", "One sign-on"),
    ("/organizations/{id}", "organization", "One directory entry"),
]

_PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {
        "name": "per_page",
        "in": "query",
        "description": "At most 100 (larger values are capped).",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
    },
    {
        "name": "filter",
        "in": "query",
        "description": "OData subset: modified_date gt|ge|lt|le|eq '<ISO 8601>', "
        "clauses joined by 'and'. E.g. modified_date gt '2026-12-01T00:00:00Z'.",
        "schema": {"type": "string"},
    },
    {
        "name": "format",
        "in": "query",
        "description": "csv: the whole (filtered) collection as CSV instead of a page of JSON.",
        "schema": {"enum": ["json", "csv"]},
    },
]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(*codes: str) -> dict[str, Any]:
    texts = {
        "400": "A parameter or the body is not understood (each field named)",
        "401": "No token, or not a valid one (revoked, or its account deactivated)",
        "403": "The token lacks the scope, or its user the role",
        "404": "No such resource",
        "422": "The sign-on is refused (each field named)",
        "429": "Too many requests for this token",
    }
    return {
        code: {
            "description": texts[code],
            "content": {"application/hal+json": {"schema": _ref("error")}},
        }
        for code in codes
    }


def _id_params(path: str) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
        for name in ("id", "signature_id")
        if "{" + name + "}" in path
    ]


def _ok(schema: dict[str, Any], csv: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {"application/hal+json": {"schema": schema}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    return {"description": "OK", "content": content}


def document(server_url: str) -> dict:
    """The whole OpenAPI 3.1 document, for the API served at ``server_url``."""
    collections = COLLECTIONS + extensions.COLLECTIONS
    components: dict[str, Any] = {
        **schemas.RESOURCES,
        **extensions.SCHEMAS,
        "error": schemas.ERROR,
        "entry_point": schemas.ENTRY_POINT,
        "signature_input": schemas.SIGNATURE_INPUT,
    }
    paths: dict[str, Any] = {
        "/": {
            "get": {
                "summary": "The entry point: the collections and where they are",
                "responses": {"200": _ok(_ref("entry_point")), **_errors("401")},
            }
        }
    }
    for path, rel, name, summary, filters in collections:
        by = [
            {"name": f, "in": "query", "description": f"Only those of this {f} (its id).",
             "schema": {"type": "integer"}}
            for f in filters
        ]  # fmt: skip
        components[f"{name}_collection"] = schemas.collection_schema(
            rel, f"#/components/schemas/{name}"
        )
        paths[path] = {
            "get": {
                "summary": summary,
                "parameters": _id_params(path) + by + _PAGING,
                "responses": {
                    "200": _ok(_ref(f"{name}_collection"), csv=True),
                    **_errors("400", "401", "403", "404", "429"),
                },
            }
        }
    for path, name, summary in RESOURCES + [
        (f"{path}/{{id}}", name, f"One of: {summary.lower()}")
        for path, _rel, name, summary, _filters in extensions.COLLECTIONS
    ]:
        paths[path] = {
            "get": {
                "summary": summary,
                "parameters": _id_params(path),
                "responses": {"200": _ok(_ref(name)), **_errors("401", "403", "404", "429")},
            }
        }
    paths["/petitions/{id}/signatures"]["post"] = {
        "summary": "Record a sign-on (OSDI's record_signature_helper): pending until its "
        "signer confirms by email, unless a coordinator's token says confirmed: true",
        "parameters": _id_params("/petitions/{id}/signatures"),
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _ref("signature_input")}},
        },
        "responses": {
            "201": _ok(_ref("signature")),
            "200": {
                "description": "The organization had signed already (no new sign-on)",
                "content": {"application/hal+json": {"schema": _ref("signature")}},
            },
            **_errors("400", "401", "403", "404", "422", "429"),
        },
    }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "campaign API",
            "version": "1",
            "description": "OSDI 1.1-shaped HAL+JSON: letters (petitions), sign-ons "
            "(signatures), the directory (organizations) and the coalition's extensions.",
        },
        "servers": [{"url": server_url}],
        "security": [{"osdi_token": []}, {"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "osdi_token": {"type": "apiKey", "in": "header", "name": "OSDI-API-Token"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }


def describe(schema: dict[str, Any]) -> str:
    """A schema in a few words, for the docs page: ``string (date-time)``, ``one of …``."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "const" in schema:
        return f"always {schema['const']!r}"
    if "enum" in schema:
        values = [repr(v) for v in schema["enum"]]
        return "one of " + ", ".join(values if len(values) <= 8 else [*values[:8], "…"])
    kind = schema.get("type", "object")
    kind = " or ".join(kind) if isinstance(kind, list) else kind
    if kind == "array" and "items" in schema:
        return f"array of {describe(schema['items'])}"
    if "format" in schema:
        kind += f" ({schema['format']})"
    return kind
