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
from campaign.delivery.models import (
    LetterDelivery,
    LetterDeliverySignOn,
    LetterPrintOptions,
    RenderJob,
)
from campaign.demands.models import Demand, DemandEvent
from campaign.evidence.models import DemandEvidence, EvidenceAttachment, EvidenceRecord
from campaign.letters.models import Letter, LetterVersion
from campaign.mail.models import OutboxMessage
from campaign.signons.models import SignOn

__all__ = [
    "Agency",
    "Agreement",
    "AgreementObservation",
    "AuditEvent",
    "Base",
    "Campaign",
    "Demand",
    "DemandEvent",
    "DemandEvidence",
    "EvidenceAttachment",
    "EvidenceRecord",
    "ImportSnapshot",
    "Letter",
    "LetterDelivery",
    "LetterDeliverySignOn",
    "LetterPrintOptions",
    "LetterVersion",
    "OutboxMessage",
    "RenameProposal",
    "RenderJob",
    "SignOn",
    "User",
]
