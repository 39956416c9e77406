"""Every feature's models, imported so that one metadata holds them all (Alembic reads it)."""

from campaign.agencies.models import Agency
from campaign.audit.models import AuditEvent
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.dashboard import indexes as _dashboard_indexes  # noqa: F401 (sign-on indexes)
from campaign.db import Base
from campaign.demands.models import Demand, DemandEvent
from campaign.evidence.models import DemandEvidence, EvidenceAttachment, EvidenceRecord
from campaign.followups.models import FollowUp
from campaign.letters.models import Letter, LetterVersion
from campaign.mail.models import OutboxMessage
from campaign.responses.models import Response, ResponseAttachment
from campaign.signons.models import SignOn

__all__ = [
    "Agency",
    "AuditEvent",
    "Base",
    "Campaign",
    "Demand",
    "DemandEvent",
    "DemandEvidence",
    "EvidenceAttachment",
    "EvidenceRecord",
    "FollowUp",
    "Letter",
    "LetterVersion",
    "OutboxMessage",
    "Response",
    "ResponseAttachment",
    "SignOn",
    "User",
]
