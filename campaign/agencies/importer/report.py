"""The import report, and the hook other features use when agreements drop off a list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from campaign.agencies.models import ImportSnapshot

# Called after an import marked agreements no longer listed:
# hook(session, snapshot, agency_ids). The demands feature flags its demands here.
NoLongerListedHook = Callable[[Session, ImportSnapshot, list[int]], None]
_no_longer_listed_hooks: list[NoLongerListedHook] = []


def register_no_longer_listed_hook(hook: NoLongerListedHook) -> None:
    """Run ``hook(session, snapshot, agency_ids)`` after each import that dropped agreements."""
    if hook not in _no_longer_listed_hooks:
        _no_longer_listed_hooks.append(hook)


def no_longer_listed_hooks() -> list[NoLongerListedHook]:
    """The registered hooks, in registration order."""
    return list(_no_longer_listed_hooks)


@dataclass
class ImportReport:
    """What an import did, for the import page, the CLI's --json and the snapshot page."""

    snapshot_id: int
    file_name: str
    sha256: str
    list_type: str
    as_of: str
    as_of_source: str
    current: bool
    rows_read: int
    created: int
    updated: int
    unchanged: int
    no_longer_listed: int
    warnings: list[dict[str, Any]]
    diff: dict[str, Any] = field(default_factory=dict)
    no_longer_listed_agency_ids: list[int] = field(default_factory=list)
    rename_proposal_ids: list[int] = field(default_factory=list)
    already_imported: bool = False

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def report_for(snapshot: ImportSnapshot, *, already_imported: bool = False) -> ImportReport:
    """The report of a stored snapshot."""
    diff = snapshot.diff or {}
    return ImportReport(
        snapshot_id=snapshot.id,
        file_name=snapshot.file_name,
        sha256=snapshot.sha256,
        list_type=snapshot.list_type.value,
        as_of=snapshot.as_of_on.isoformat(),
        as_of_source=snapshot.as_of_source,
        current=snapshot.current,
        rows_read=snapshot.rows_read,
        created=snapshot.created_count,
        updated=snapshot.updated_count,
        unchanged=snapshot.unchanged_count,
        no_longer_listed=snapshot.no_longer_listed_count,
        warnings=list(snapshot.warnings or []),
        diff=diff,
        no_longer_listed_agency_ids=sorted(
            {e["agency_id"] for e in diff.get("no_longer_listed", [])}
        ),
        rename_proposal_ids=list(diff.get("rename_proposal_ids", [])),
        already_imported=already_imported,
    )
