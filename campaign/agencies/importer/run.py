"""One run of the importer: bulk-load, compare, write, record."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from campaign.agencies.ice_workbook import (
    AgreementRow,
    ParsedWorkbook,
    RowWarning,
    date_from_file_name,
)
from campaign.agencies.importer.history import (
    Timeline,
    latest_seen_by_agency,
    replay,
    snapshot_key,
)
from campaign.agencies.importer.report import ImportReport, no_longer_listed_hooks, report_for
from campaign.agencies.models import (
    Agency,
    AgencyType,
    Agreement,
    AgreementModel,
    AgreementObservation,
    AgreementStatus,
    ImportSnapshot,
    ListType,
)
from campaign.agencies.renames import propose_renames
from campaign.audit.services import record
from campaign.auth.models import User
from campaign.db import utcnow
from campaign.uploads.attachments import clean_filename


@dataclass(eq=False)
class _NewAgency:
    """An agency this import inserted in bulk (what the rest of the import reads of it)."""

    id: int
    name: str
    key: str
    state: str


@dataclass(eq=False)
class _NewAgreement:
    """An agreement this import inserted in bulk."""

    id: int
    agency_id: int
    model: AgreementModel
    status: AgreementStatus
    signed_on: date | None


class Import:
    """One run of the importer (state kept together instead of threaded through helpers)."""

    def __init__(
        self,
        session: Session,
        parsed: ParsedWorkbook,
        sha256: str,
        file_name: str,
        as_of: date | None,
        actor: User | None,
    ) -> None:
        self.session = session
        self.parsed = parsed
        self.list_type = ListType(parsed.list_type)
        self.status = AgreementStatus(parsed.list_type)
        self.as_of, self.as_of_source = resolve_as_of(parsed, file_name, as_of)
        self.sha256 = sha256
        # kept and shown as uploaded, minus folders and control characters (NUL, RTL override)
        self.file_name = clean_filename(file_name, default="workbook.xlsx")
        self.actor = actor
        self.warnings: list[RowWarning] = list(parsed.warnings)
        self.diff: dict[str, list[Any]] = defaultdict(list)
        self.seen_objects: list[Agreement] = []
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "no_longer_listed": 0}

    def run(self) -> ImportReport:
        session = self.session
        if session.get_bind().dialect.name == "postgresql":
            # one import at a time (two would both create the same new agencies); SQLite's
            # write lock already serialises them
            session.execute(sa.text("SELECT pg_advisory_xact_lock(287287)"))
        latest = session.scalar(
            sa.select(sa.func.max(ImportSnapshot.as_of_on)).where(
                ImportSnapshot.list_type == self.list_type, ImportSnapshot.current.is_(True)
            )
        )
        self.current = current = latest is None or self.as_of >= latest
        timeline = Timeline.load(session)
        self.snapshot_dates = {sid: key[0] for sid, key in timeline.keys.items()}
        self.snapshot_lists = dict(timeline.types)
        newest = max(timeline.keys.values(), default=None)
        # Newer than every list of either type: the rules apply directly. Otherwise the
        # list joins the history and every agreement is replayed (importer.history).
        self.in_order = (
            newest is None or snapshot_key(self.as_of, self.list_type, 0)[:2] >= (newest[:2])
        )
        self.latest_seen = {} if self.in_order else latest_seen_by_agency(session)
        snapshot = ImportSnapshot(
            file_name=self.file_name,
            sha256=self.sha256,
            list_type=self.list_type,
            as_of_on=self.as_of,
            as_of_source=self.as_of_source,
            current=current,
            sheet=self.parsed.sheet[:100],
            rows_read=self.parsed.rows_read,
            imported_by_id=self.actor.id if self.actor else None,
        )
        session.add(snapshot)
        session.flush()
        self.snapshot = snapshot

        agencies, _new_ids = self._agencies()
        agreements = {
            (a.agency_id, a.model.value): a for a in session.scalars(sa.select(Agreement))
        }
        seen: dict[int, AgreementRow] = {}
        to_create: dict[tuple[int, str], AgreementRow] = {}
        for row in self.parsed.rows:
            agency = agencies[(row.state, row.key)]
            agreement = agreements.get((agency.id, row.model))
            first = seen.get(agreement.id) if agreement else to_create.get((agency.id, row.model))
            if first is not None:
                # two names of one merged agency in the same list
                self.warnings.append(
                    RowWarning(row.row, f"Same agreement as row {first.row}; skipped.")
                )
                continue
            if agreement is None:
                to_create[(agency.id, row.model)] = row
                continue
            if self.in_order:
                self._update(agreement, row)
            else:
                self._fill(agreement, row)
            seen[agreement.id] = row
            self.seen_objects.append(agreement)
        session.flush()
        for agreement in self._create(to_create):
            row = to_create[(agreement.agency_id, agreement.model.value)]
            agreements[(agreement.agency_id, agreement.model.value)] = agreement
            seen[agreement.id] = row
            if self.in_order:
                self.diff["new"].append(self._entry(agreement, row))
            else:
                self.diff["history_only"].append(
                    self._entry(agreement, row, status=AgreementStatus.NO_LONGER_LISTED.value)
                )

        if self.in_order:
            self._mark_no_longer_listed(agreements, seen)
        self._observe(seen)
        if not self.in_order:
            self._replay(Timeline.load(session))
        renames, entries = propose_renames(session, snapshot.id)
        if entries:
            self.diff["renames"] = entries

        snapshot.created_count = self.counts["created"]
        snapshot.updated_count = self.counts["updated"]
        snapshot.unchanged_count = self.counts["unchanged"]
        snapshot.no_longer_listed_count = self.counts["no_longer_listed"]
        if not self.in_order:
            self.warnings.insert(0, RowWarning(0, self._history_message(newest)))
        snapshot.warnings = [w.as_dict() for w in sorted(self.warnings, key=lambda w: w.row)]
        snapshot.diff = {
            **self.diff,
            "in_order": self.in_order,
            "seen": len(seen),
            "rename_proposal_ids": [p.id for p in renames],
        }
        session.flush()
        record(
            session,
            self.actor,
            "agencies.import",
            "import_snapshot",
            snapshot.id,
            file_name=snapshot.file_name,
            list_type=snapshot.list_type.value,
            as_of=snapshot.as_of_on.isoformat(),
            in_order=self.in_order,
            **self.counts,
        )
        report = report_for(snapshot)
        if report.no_longer_listed_agency_ids:
            for hook in no_longer_listed_hooks():
                hook(session, snapshot, report.no_longer_listed_agency_ids)
        return report

    def _history_message(self, newest: tuple | None) -> str:
        newest_on = newest[0].isoformat() if newest else ""
        changed = len(self.diff.get("status_changed", []))
        only = self.diff.get("history_only", [])
        by_status = Counter(AgreementStatus(e["status"]).label.lower() for e in only)
        now = ", ".join(f"{n} {label}" for label, n in sorted(by_status.items()))
        return (
            f"This list ({self.as_of}) is older than the newest list imported ({newest_on}): "
            f"it was added to the history. {len(self.seen_objects)} agreements already known "
            f"were seen on it ({len(self.diff.get('first_seen_earlier', []))} of them first "
            f"seen on it); {len(only)} were not known"
            + (f" (now: {now}). " if now else ". ")
            + (
                f"{changed} statuses were corrected by the history."
                if changed
                else "No current status changed."
            )
        )

    def _replay(self, timeline: Timeline) -> None:
        """An older list joined the history: every agreement's state replayed from it."""
        result = replay(self.session, timeline)
        for agreement in result.first_seen_earlier:
            self.diff["first_seen_earlier"].append(self._entry(agreement, None))
        names = dict(self.session.execute(sa.select(Agency.id, Agency.name)).all())
        history_only = {e["agreement_id"]: e for e in self.diff.get("history_only", [])}
        for agreement, old in result.status_changed:
            if agreement.id in history_only:
                history_only[agreement.id]["status"] = agreement.status.value
                continue
            entry = self._entry(agreement, None, agency=names.get(agreement.agency_id, ""))
            entry.update(old_status=old.value, status=agreement.status.value)
            self.diff["status_changed"].append(entry)
            if agreement.status == AgreementStatus.NO_LONGER_LISTED:
                self.diff["no_longer_listed"].append(entry)

    def _agencies(self) -> tuple[dict[tuple[str, str], Agency], set[int]]:
        """Every agency by (state, key), merged names resolved; the file's new ones created."""
        session = self.session
        rows = list(session.scalars(sa.select(Agency)))
        by_id = {a.id: a for a in rows}
        agencies: dict[tuple[str, str], Agency] = {}
        for agency in rows:
            target, hops = agency, 0
            while target.merged_into_id is not None and hops < 10:
                target, hops = by_id[target.merged_into_id], hops + 1
            agencies[(agency.state, agency.key)] = target
        # New agencies and agreements go in as bulk INSERT … RETURNING (Core), not one ORM
        # object each: the unit of work costs more than the database on a 1,800-row list.
        fresh: dict[tuple[str, str], dict[str, Any]] = {}
        for row in self.parsed.rows:
            agency = agencies.get((row.state, row.key))
            if agency is None:
                values = fresh.setdefault(
                    (row.state, row.key),
                    {"key": row.key[:300], "state": row.state, "county": None,
                     "type": AgencyType.UNKNOWN},
                )  # fmt: skip
                # each row refreshes it, as rows refresh a known agency (the last one wins)
                values["name"] = row.agency[:300]
                if row.county:
                    values["county"] = row.county
                if row.agency_type != "unknown":
                    values["type"] = AgencyType(row.agency_type)
            elif self._refresh_agency(agency, row):
                agency.updated_at = utcnow()
        session.flush()
        new_ids: set[int] = set()
        if fresh:
            inserted = session.execute(
                # the Table, not the class: Core's insertmanyvalues, one batch per 1,000 rows
                sa.insert(Agency.__table__).returning(Agency.id, Agency.state, Agency.key),
                list(fresh.values()),
            )
            for agency_id, state, key in inserted:
                values = fresh[(state, key)]
                agencies[(state, key)] = _NewAgency(agency_id, values["name"], key, state)
                new_ids.add(agency_id)
        return agencies, new_ids

    def _refresh_agency(self, agency: Agency, row: AgreementRow) -> bool:
        # The newest list's spelling wins (ICE fixes typos); blanks never erase what we know.
        # A list older than one that already named the agency only fills blanks.
        newest = agency.id not in self.latest_seen or self.as_of >= self.latest_seen[agency.id]
        changed = False
        if newest and agency.key == row.key and agency.name != row.agency[:300]:
            agency.name, changed = row.agency[:300], True
        if row.county and agency.county != row.county and (newest or not agency.county):
            agency.county, changed = row.county, True
        known = agency.type != AgencyType.UNKNOWN
        new_type = row.agency_type != "unknown" and agency.type.value != row.agency_type
        if new_type and (newest or not known):
            agency.type, changed = AgencyType(row.agency_type), True
        return changed

    def _create(self, to_create: dict[tuple[int, str], AgreementRow]) -> list[_NewAgreement]:
        if not to_create:
            return []
        # out of order, the replay that follows gives the status its history gives it
        status = self.status if self.in_order else AgreementStatus.NO_LONGER_LISTED
        sid = self.snapshot.id
        rows = [
            {
                "agency_id": agency_id,
                "model": AgreementModel(model),
                "status": status,
                "signed_on": row.signed_on,
                "agreement_url": row.agreement_url,
                "addendum_url": row.addendum_url,
                "first_snapshot_id": sid,
                "last_snapshot_id": sid,
            }
            for (agency_id, model), row in to_create.items()
        ]
        inserted = self.session.execute(
            sa.insert(Agreement.__table__).returning(
                Agreement.id, Agreement.agency_id, Agreement.model
            ),
            rows,
        )
        created = [
            _NewAgreement(
                agreement_id,
                agency_id,
                model,
                status,
                to_create[(agency_id, model.value)].signed_on,
            )
            for agreement_id, agency_id, model in inserted
        ]
        if self.in_order:
            self.counts["created"] += len(created)
        return created

    def _fill(self, agreement: Agreement, row: AgreementRow) -> None:
        """An older list: it fills what is unknown (dates and statuses are replayed after)."""
        for attr in ("agreement_url", "addendum_url"):
            value = getattr(row, attr)
            if value is not None and getattr(agreement, attr) is None:
                setattr(agreement, attr, value)

    def _update(self, agreement: Agreement, row: AgreementRow) -> None:
        changed = False
        entry = None
        old = agreement.status
        if old != self.status and not (
            old == AgreementStatus.PARTICIPATING and self.status == AgreementStatus.PENDING
        ):
            entry = self._entry(agreement, row, old_status=old.value)
            # dropped from the pending list before this participating list named it: promoted
            last_list = self.snapshot_lists.get(agreement.last_snapshot_id or 0)
            was_pending = old == AgreementStatus.PENDING or last_list == ListType.PENDING
            promoted = was_pending and self.status == AgreementStatus.PARTICIPATING
            kind = "promoted" if promoted else "relisted"
            self.diff[kind].append(entry)
            agreement.status = self.status
            changed = True
        if row.signed_on is not None and agreement.signed_on != row.signed_on:
            if agreement.signed_on is not None:
                self.diff["date_changed"].append(
                    self._entry(
                        agreement,
                        row,
                        old_signed_on=agreement.signed_on.isoformat(),
                    )
                )
            agreement.signed_on = row.signed_on
            changed = True
        for attr in ("agreement_url", "addendum_url"):
            value = getattr(row, attr)
            if value is not None and getattr(agreement, attr) != value:
                setattr(agreement, attr, value)
                changed = True
        if changed:
            agreement.updated_at = utcnow()
            self.counts["updated"] += 1
        else:
            self.counts["unchanged"] += 1

    def _entry(self, agreement: Agreement, row: AgreementRow | None, **extra: Any) -> dict:
        out = {
            "agreement_id": agreement.id,
            "agency_id": agreement.agency_id,
            "model": agreement.model.value,
            "signed_on": agreement.signed_on.isoformat() if agreement.signed_on else None,
        }
        if row is not None:
            out.update(row=row.row, state=row.state, agency=row.agency)
        if row is not None and row.signed_on is not None:
            out["signed_on"] = row.signed_on.isoformat()
        out.update(extra)
        return out

    def _mark_no_longer_listed(
        self, agreements: dict[tuple[int, str], Agreement], seen: dict[int, AgreementRow]
    ) -> set[int]:
        dropped = [a for a in agreements.values() if a.status == self.status and a.id not in seen]
        if not dropped:
            return set()
        names = {
            agency_id: (name, state)
            for agency_id, name, state in self.session.execute(
                sa.select(Agency.id, Agency.name, Agency.state).where(
                    Agency.id.in_({a.agency_id for a in dropped})
                )
            )
        }
        now = utcnow()
        for agreement in dropped:
            agreement.status = AgreementStatus.NO_LONGER_LISTED
            agreement.updated_at = now
            self.diff["no_longer_listed"].append(
                self._entry(
                    agreement,
                    None,
                    state=names[agreement.agency_id][1],
                    agency=names[agreement.agency_id][0],
                    old_status=self.status.value,
                )
            )
        self.counts["no_longer_listed"] = len(dropped)
        self.session.flush()
        return {a.agency_id for a in dropped}

    def _observe(self, seen: dict[int, AgreementRow]) -> None:
        session, sid = self.session, self.snapshot.id
        if not seen:
            return
        session.execute(
            sa.insert(AgreementObservation.__table__),
            [
                {
                    "snapshot_id": sid,
                    "agreement_id": agreement_id,
                    "row_number": row.row,
                    "list_type": self.list_type,
                    "agency_name": row.agency[:300],
                    "signed_on": row.signed_on,
                }
                for agreement_id, row in seen.items()
            ],
        )
        if self.in_order:
            # One statement instead of an UPDATE per agreement.
            session.execute(
                sa.update(Agreement)
                .where(
                    Agreement.id.in_(
                        sa.select(AgreementObservation.agreement_id).where(
                            AgreementObservation.snapshot_id == sid
                        )
                    )
                )
                .values(last_snapshot_id=sid)
                .execution_options(synchronize_session=False)
            )
            # keep the objects in the session true without another round of UPDATEs
            for agreement in self.seen_objects:
                set_committed_value(agreement, "last_snapshot_id", sid)


def resolve_as_of(parsed: ParsedWorkbook, file_name: str, as_of: date | None) -> tuple[date, str]:
    """The list's date: the --as-of option, else the workbook's modified date, else its name."""
    if as_of is not None:
        return as_of, "option"
    if parsed.modified_on is not None:
        return parsed.modified_on, "workbook"
    from_name = date_from_file_name(file_name)
    if from_name is not None:
        return from_name, "file name"
    return utcnow().date(), "import date"
