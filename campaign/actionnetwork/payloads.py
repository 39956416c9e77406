"""Reading Action Network's webhook items (``osdi:signature``, ``osdi:submission``) into
the body the API's own sign-on intake checks (``campaign.api.intake``)."""

from __future__ import annotations

from typing import Any

KINDS = ("osdi:signature", "osdi:submission")


def resource(item: Any) -> dict[str, Any] | None:
    """The signature or submission an item carries, if any."""
    if not isinstance(item, dict):
        return None
    for kind in KINDS:
        if isinstance(item.get(kind), dict):
            return item[kind]
    return None


def keys(item: dict[str, Any]) -> list[str]:
    """What makes an item the same one again: its idempotency key, the action's and the
    person's Action Network identifiers."""
    found = resource(item) or {}
    person = found.get("person") if isinstance(found.get("person"), dict) else {}
    out = []
    key = item.get("idempotency_key") or found.get("idempotency_key")
    if isinstance(key, str) and key.strip():
        out.append(f"idempotency:{key.strip()[:150]}")
    for ids in (found.get("identifiers"), person.get("identifiers")):
        if isinstance(ids, list):
            out += [i[:200] for i in ids if isinstance(i, str) and i.startswith("action_network:")]
    return out


def _custom(fields: dict[str, Any], *words: str) -> str:
    """The first custom field whose name holds one of ``words`` (organizers name their
    questions as they like: "Organization", "organization_name", "Your title")."""
    for name, value in fields.items():
        folded = name.lower().replace("_", " ")
        if any(word in folded for word in words) and isinstance(value, str | int | float):
            return str(value).strip()
    return ""


def _primary(entries: Any) -> dict[str, Any]:
    if not isinstance(entries, list):
        return {}
    dicts = [e for e in entries if isinstance(e, dict)]
    return next((e for e in dicts if e.get("primary")), dicts[0] if dicts else {})


def signature_body(found: dict[str, Any]) -> dict[str, Any]:
    """The API's sign-on body for one signature or submission. The organization, the
    signer's title and the level come from the form's custom fields; the level, when the
    form does not ask, from the address (a state: state-level; none: national)."""
    person = found.get("person") if isinstance(found.get("person"), dict) else {}
    custom = person.get("custom_fields") if isinstance(person.get("custom_fields"), dict) else {}
    address = _primary(person.get("postal_addresses"))
    email = _primary(person.get("email_addresses")).get("address", "")
    state = str(address.get("region") or "").strip().upper()
    level = _custom(custom, "level").lower()
    level = {"statewide": "state", "nationwide": "national"}.get(level, level)
    if level not in ("national", "state", "local"):
        level = "state" if state else "national"
    listed = _custom(custom, "list").lower()
    return {
        "person": {
            "given_name": str(person.get("given_name") or "")[:100],
            "family_name": str(person.get("family_name") or "")[:100],
            "email_addresses": [{"address": str(email)}],
        },
        "comments": str(found.get("comments") or _custom(custom, "comment"))[:2000],
        "coalition:organization": _custom(custom, "organization", "organisation", "org name",
                                          "group"),
        "coalition:signer_title": _custom(custom, "title", "position", "role"),
        "coalition:level": level,
        "coalition:state": "" if level == "national" else state,
        "coalition:city": str(address.get("locality") or "")[:120],
        "coalition:listed": listed not in ("no", "false", "0", "count only"),
        # the Action Network form is the signer's word that they may sign; the email that
        # follows asks them to confirm, as the public page's does
        "coalition:authorized": True,
    }  # fmt: skip
