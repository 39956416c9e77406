"""Demo targets: DHS offices at their real public contact points, and a sheriff for each
demo agency at an example address (idempotent).

The DHS addresses are the ones DHS publishes for the public; they are left unverified:
a coalition checks them (and says how) before it relies on them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.agencies.models import Agency
from campaign.auth.models import User
from campaign.targets.models import ChannelKind, Target, TargetBody
from campaign.targets.services import add_channel, save_target

DHS_HQ = "2707 Martin Luther King Jr. Ave SE\nWashington, DC 20528-0525"
ICE_HQ = "500 12th Street SW\nWashington, DC 20536"

# (name, title, body, organization, [(kind, address, label)])
DHS_TARGETS = [
    ("Secretary of Homeland Security", "Secretary", TargetBody.DHS_SECRETARY,
     "U.S. Department of Homeland Security",
     [(ChannelKind.POSTAL, "Office of the Secretary\nU.S. Department of Homeland Security\n"
       + DHS_HQ, "Headquarters"),
      (ChannelKind.PORTAL, "https://www.dhs.gov/contact-us", "Contact DHS")]),
    ("Office for Civil Rights and Civil Liberties", "Officer for Civil Rights and Civil "
     "Liberties", TargetBody.CRCL, "U.S. Department of Homeland Security",
     [(ChannelKind.EMAIL, "CRCL@dhs.gov", "Public email"),
      (ChannelKind.POSTAL, "Office for Civil Rights and Civil Liberties\nU.S. Department of "
       "Homeland Security\nCompliance Branch, Mail Stop #0190\n" + DHS_HQ, "Complaints"),
      (ChannelKind.PORTAL, "https://www.dhs.gov/file-civil-rights-complaint", "Complaint form")]),
    ("ICE Office of the Director", "Director", TargetBody.ICE,
     "U.S. Immigration and Customs Enforcement",
     [(ChannelKind.POSTAL, "Office of the Director\nU.S. Immigration and Customs Enforcement\n"
       + ICE_HQ, "Headquarters"),
      (ChannelKind.PORTAL, "https://www.ice.gov/contact", "Contact ICE")]),
    ("ICE Enforcement and Removal Operations", "Executive Associate Director", TargetBody.ERO,
     "U.S. Immigration and Customs Enforcement",
     [(ChannelKind.POSTAL, "Enforcement and Removal Operations\nU.S. Immigration and Customs "
       "Enforcement\n" + ICE_HQ, "Headquarters"),
      (ChannelKind.PORTAL, "https://www.ice.gov/contact/field-offices", "ERO field offices")]),
    ("ICE Freedom of Information Act Office", "FOIA Officer", TargetBody.ICE,
     "U.S. Immigration and Customs Enforcement",
     [(ChannelKind.EMAIL, "ice-foia@ice.dhs.gov", "FOIA requests")]),
    ("DHS Joint Intake Center", "", TargetBody.DHS_OTHER,
     "U.S. Department of Homeland Security",
     [(ChannelKind.EMAIL, "Joint.Intake@dhs.gov", "Misconduct reports")]),
]  # fmt: skip

# demo agencies (campaign.demands.demo): a sheriff each, at an example address
SHERIFFS = [
    ("Collier County Sheriff's Office", "FL", "sheriff@collier.example.org"),
    ("Galveston County Sheriff's Office", "TX", "sheriff@galveston.example.org"),
    ("Tarrant County Sheriff's Office", "TX", "sheriff@tarrant.example.org"),
    ("Alamance County Sheriff's Office", "NC", "sheriff@alamance.example.org"),
]


def load_targets_demo(session: Session, actor: User) -> None:
    """Add the demo targets that are not there yet (looked up by name)."""
    existing = set(session.scalars(sa.select(Target.name)))
    for name, title, body, organization, channels in DHS_TARGETS:
        if name in existing:
            continue
        target = save_target(session, None, name=name, title=title, body=body,
                             organization=organization, agency=None,
                             note="Public contact points published by DHS.",
                             actor=actor)  # fmt: skip
        for kind, address, label in channels:
            add_channel(session, target, kind=kind, address=address, label=label, actor=actor)
    for agency_name, state, email in SHERIFFS:
        name = f"Sheriff, {agency_name}"
        agency = session.scalar(
            sa.select(Agency).where(Agency.name == agency_name, Agency.state == state)
        )
        if agency is None or name in existing:
            continue
        target = save_target(session, None, name=name, title="Sheriff", body=TargetBody.SHERIFF,
                             organization=agency_name, agency=agency,
                             note="DEMO DATA: an example address.", actor=actor)  # fmt: skip
        add_channel(session, target, kind=ChannelKind.EMAIL, address=email, actor=actor)
