"""The coalition as signers and addressees see it: its name, contact address and logo.

A campaign may name its own; otherwise the instance's (``CoalitionSettings``, edited on
the settings page), otherwise CAMPAIGN_COALITION_NAME / CAMPAIGN_COALITION_EMAIL, and as
a last resort the campaign's own name. Public pages, emails (From name, Reply-To) and the
printed letter (letterhead, signature) all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from campaign.audit.services import record
from campaign.auth.models import User
from campaign.campaigns.models import Campaign, CoalitionSettings
from campaign.core.errors import DomainError
from campaign.db import utcnow
from campaign.i18n import lazy_gettext as _l
from campaign.uploads.store import UploadError, UploadStore

LOGO_KINDS = {"png", "jpeg"}
LOGO_MAX_BYTES = 1024 * 1024
# in the language of the page or mail it names the coalition in
FALLBACK_NAME = _l("Our coalition")


@dataclass(frozen=True)
class Coalition:
    """Who a campaign speaks as: plain values, safe to pass to templates and emails."""

    name: str
    contact_email: str = ""
    logo_sha256: str | None = None

    def mail_identity(self) -> dict[str, str | None]:
        """The outbox columns that make mail come from the coalition and answer to it."""
        return {"from_name": self.name, "reply_to": self.contact_email or None}


def _configured(key: str) -> str:
    return str(current_app.config.get(key) or "").strip() if has_app_context() else ""


def _resolve(
    own: tuple[str, str, str | None], instance: tuple[str, str, str | None], fallback: str
) -> Coalition:
    """Each of name, contact and logo: the campaign's, else the instance's, else the
    configured default."""
    name = own[0] or instance[0] or _configured("COALITION_NAME") or fallback or str(FALLBACK_NAME)
    email = own[1] or instance[1] or _configured("COALITION_EMAIL")
    return Coalition(name=name, contact_email=email, logo_sha256=own[2] or instance[2])


_SETTINGS = CoalitionSettings.__table__
_CAMPAIGNS = Campaign.__table__
_OF_CAMPAIGN = (
    sa.select(
        _CAMPAIGNS.c.name,
        _CAMPAIGNS.c.coalition_name,
        _CAMPAIGNS.c.coalition_email,
        _CAMPAIGNS.c.coalition_logo_sha256,
        _SETTINGS.c.name.label("i_name"),
        _SETTINGS.c.contact_email.label("i_email"),
        _SETTINGS.c.logo_sha256.label("i_logo"),
    )
    .select_from(_CAMPAIGNS.outerjoin(_SETTINGS, _SETTINGS.c.id == 1))
    .where(_CAMPAIGNS.c.id == sa.bindparam("campaign_id"))
)
_OF_INSTANCE = sa.select(
    _SETTINGS.c.name, _SETTINGS.c.contact_email, _SETTINGS.c.logo_sha256
).where(_SETTINGS.c.id == 1)


def instance_coalition(session: Session) -> Coalition:
    """The instance's coalition (pages and mail that belong to no campaign), one query."""
    row = session.execute(_OF_INSTANCE).first()
    instance = (row.name, row.contact_email, row.logo_sha256) if row else ("", "", None)
    return _resolve(("", "", None), instance, "")


def coalition_of(session: Session, campaign_id: int | None) -> Coalition:
    """The coalition a campaign speaks as, in one query."""
    if campaign_id is None:
        return instance_coalition(session)
    row = session.execute(_OF_CAMPAIGN, {"campaign_id": campaign_id}).first()
    if row is None:
        return instance_coalition(session)
    return _resolve(
        (row.coalition_name, row.coalition_email, row.coalition_logo_sha256),
        (row.i_name or "", row.i_email or "", row.i_logo),
        row.name,
    )


def coalition_logo_kind(session: Session, sha256: str) -> str | None:
    """The kind ("png", "jpeg") of a stored file that is a coalition logo, else None: of
    the uploads, those alone are public."""
    return session.scalar(
        sa.select(_SETTINGS.c.logo_kind).where(_SETTINGS.c.logo_sha256 == sha256)
    ) or session.scalar(
        sa.select(_CAMPAIGNS.c.coalition_logo_kind)
        .where(_CAMPAIGNS.c.coalition_logo_sha256 == sha256)
        .limit(1)
    )


def instance_settings(session: Session) -> CoalitionSettings:
    """The instance's settings row (made, unsaved, when there is none yet)."""
    settings = session.get(CoalitionSettings, 1)
    if settings is None:
        settings = CoalitionSettings(id=1, name="", contact_email="")
        session.add(settings)
    return settings


def update_coalition(
    session: Session,
    target: Campaign | CoalitionSettings,
    *,
    name: str,
    contact_email: str,
    logo: bytes | None,
    remove_logo: bool,
    store: UploadStore,
    actor: User,
) -> None:
    """Set the coalition's name, contact and logo for the instance or one campaign (an empty
    value there means: the instance's). A new logo (PNG/JPEG ≤ 1 MB) replaces the old."""
    is_campaign = isinstance(target, Campaign)
    prefix = "coalition_" if is_campaign else ""
    fields = {
        f"{prefix}name": " ".join(name.split()),
        "coalition_email" if is_campaign else "contact_email": contact_email.strip(),
    }
    if logo:
        try:
            stored = store.save(logo, allowed=LOGO_KINDS, max_bytes=LOGO_MAX_BYTES)
        except UploadError as err:
            raise DomainError(f"Logo: {err.message}", field="logo") from err
        fields[f"{prefix}logo_sha256"], fields[f"{prefix}logo_kind"] = stored.sha256, stored.kind
    elif remove_logo:
        fields[f"{prefix}logo_sha256"] = fields[f"{prefix}logo_kind"] = None
    changes = {}
    for attr, value in fields.items():
        if getattr(target, attr) != value:
            changes[attr] = "changed" if attr.endswith(("_sha256", "_kind")) else value
            setattr(target, attr, value)
    if not changes:
        return
    target.updated_at = utcnow()
    session.flush()
    entity, entity_id = ("campaign", target.id) if is_campaign else ("coalition", 1)
    record(session, actor, "coalition.update", entity, entity_id, **changes)
