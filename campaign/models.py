"""Every feature's models, imported so that one metadata holds them all (Alembic reads it)."""

from campaign.agencies.models import (
    Agency,
    Agreement,
    AgreementObservation,
    ImportSnapshot,
    RenameProposal,
)
from campaign.audit.models import AuditEvent
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.db import Base
from campaign.mail.models import OutboxMessage

__all__ = [
    "Agency",
    "Agreement",
    "AgreementObservation",
    "AuditEvent",
    "Base",
    "Campaign",
    "ImportSnapshot",
    "OutboxMessage",
    "RenameProposal",
    "User",
]
