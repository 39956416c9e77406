"""Checking answers against the published schemas, and following HAL links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker

from campaign.api.openapi import document

BASE = "http://campaign.test/api/v1"


def check(instance: Any, name: str) -> None:
    """Fail unless ``instance`` matches the OpenAPI document's schema ``name``."""
    components = document(BASE)["components"]
    assert name in components["schemas"], name
    root = {"components": components, "$ref": f"#/components/schemas/{name}"}
    errors = sorted(
        Draft202012Validator(root, format_checker=FormatChecker()).iter_errors(instance),
        key=lambda e: list(e.absolute_path),
    )
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def hrefs(doc: Any) -> list[str]:
    """Every href under every ``_links`` of ``doc`` (templated curies left out)."""
    found: list[str] = []

    def walk(node: Any, in_links: bool = False) -> None:
        if isinstance(node, dict):
            if in_links and "href" in node and not node.get("templated"):
                found.append(node["href"])
            for key, value in node.items():
                walk(value, in_links or key == "_links")
        elif isinstance(node, list):
            for value in node:
                walk(value, in_links)

    walk(doc)
    return found


def path_of(href: str) -> str:
    """The path and query of an absolute link on the test server."""
    parts = urlsplit(href)
    assert parts.scheme == "http" and parts.netloc == "campaign.test", href
    return parts.path + (f"?{parts.query}" if parts.query else "")
