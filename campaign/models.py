"""Every feature's models, imported so that one metadata holds them all (Alembic reads it)."""

from campaign.agencies.models import Agency
from campaign.audit.models import AuditEvent
from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.db import Base
from campaign.letters.models import Letter, LetterVersion
from campaign.mail.models import OutboxMessage
from campaign.review.models import CsvMapping, CsvUpload
from campaign.signons.models import SignOn

__all__ = [
    "Agency",
    "AuditEvent",
    "Base",
    "Campaign",
    "CsvMapping",
    "CsvUpload",
    "Letter",
    "LetterVersion",
    "OutboxMessage",
    "SignOn",
    "User",
]
