"""Every feature's models, imported so that one metadata holds them all (Alembic reads it)."""

from campaign.actionnetwork.models import ActionNetworkHook, ActionNetworkReceipt
from campaign.agencies.models import (
    Agency,
    Agreement,
    AgreementObservation,
    ImportSnapshot,
    RenameProposal,
)
from campaign.api.models import ApiToken
from campaign.audit.models import AuditEvent
from campaign.auth.models import LoginSession, RecoveryCode, User
from campaign.campaigns.models import Campaign, CoalitionSettings
from campaign.db import Base
from campaign.delivery.models import (
    LetterDelivery,
    LetterDeliverySignOn,
    LetterPrintOptions,
    RenderJob,
)
from campaign.demands.models import Demand, DemandEvent, DemandEvidence
from campaign.directory.models import Contact, Invitation, Organization
from campaign.evidence.models import EvidenceAttachment, EvidenceRecord
from campaign.followups.models import FollowUp
from campaign.inbound.models import InboundMessage
from campaign.letters.embargo import LetterEmbargo
from campaign.letters.models import Letter, LetterVersion
from campaign.mail.models import OutboxMessage
from campaign.manage.models import Correction, ManageDigest, ManageLink
from campaign.responses.models import Response, ResponseAttachment
from campaign.review.models import CsvColumnChoice, CsvUpload
from campaign.search.models import SearchTerm
from campaign.sending.models import AgencyFollowUp, LetterTarget
from campaign.signons.models import ConsentOverride, SignOn
from campaign.targets.models import Target, TargetChannel, TargetSet
from campaign.verification.models import KnownContact, OrganizationDomain, SignOnVerification
from campaign.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = [
    "ActionNetworkHook",
    "ActionNetworkReceipt",
    "Agency",
    "AgencyFollowUp",
    "Agreement",
    "AgreementObservation",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Campaign",
    "CoalitionSettings",
    "ConsentOverride",
    "Contact",
    "Correction",
    "CsvColumnChoice",
    "CsvUpload",
    "Demand",
    "DemandEvent",
    "DemandEvidence",
    "EvidenceAttachment",
    "EvidenceRecord",
    "FollowUp",
    "ImportSnapshot",
    "InboundMessage",
    "Invitation",
    "KnownContact",
    "Letter",
    "LetterDelivery",
    "LetterDeliverySignOn",
    "LetterEmbargo",
    "LetterPrintOptions",
    "LetterTarget",
    "LetterVersion",
    "LoginSession",
    "ManageDigest",
    "ManageLink",
    "Organization",
    "OrganizationDomain",
    "OutboxMessage",
    "RecoveryCode",
    "RenameProposal",
    "RenderJob",
    "Response",
    "ResponseAttachment",
    "SearchTerm",
    "SignOn",
    "SignOnVerification",
    "Target",
    "TargetChannel",
    "TargetSet",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
]
