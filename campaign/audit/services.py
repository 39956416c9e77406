"""Writing audit events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from campaign.audit.models import AuditEvent

if TYPE_CHECKING:  # audit sits below accounts, which record their own events here
    from campaign.auth.models import User


def record(
    session: Session,
    user: User | None,
    action: str,
    entity: str,
    entity_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session (the caller's transaction commits it)."""
    event = AuditEvent(
        user_id=user.id if user is not None else None,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=_jsonable(details),
    )
    session.add(event)
    return event


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
