"""Demo letter for the "End 287(g)" campaign, with a dozen approved sign-ons."""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from campaign.auth.models import User
from campaign.campaigns.models import Campaign
from campaign.core.names import org_key
from campaign.db import utcnow
from campaign.letters.models import Letter, LetterStatus
from campaign.letters.services import change_status, create_letter, current_version

SLUG = "end-287g-letter"

BODY = """\
Dear Secretary and Director:

We, the undersigned civil-rights, immigrants'-rights, faith, labor and community
organizations, write to urge you to end the 287(g) program, under which U.S.
Immigration and Customs Enforcement (ICE) deputizes state and local law-enforcement
officers to carry out federal civil immigration enforcement.

The program has more than tripled in size in a short time, and it now reaches
jurisdictions in nearly every region of the country.[^growth] It turns routine
encounters with local police, traffic stops, calls for help, and jail bookings, into
pathways to detention and deportation. Immigrant residents who fear that any contact
with police may end in the loss of their family stop reporting crimes and stop
coming forward as witnesses, which makes every community less safe.

The program's own record shows the harm. The Department's Office of Inspector General
found that ICE did not adequately supervise its 287(g) partners, and that agencies
used their authority to detain people arrested for minor offenses, contrary to the
program's stated priorities.[^oig] Several participating sheriffs' offices have been
the subject of federal findings of racial profiling and unconstitutional stops.

We therefore ask that you:

1. End the 287(g) program and decline to sign or renew any agreement under it; and
2. At a minimum, immediately terminate the agreements of every agency with a
   documented record of racial profiling or other civil-rights violations.

We would welcome the opportunity to meet with you to discuss these requests.

[^growth]: ICE, "Delegation of Immigration Authority Section 287(g) Immigration and
    Nationality Act", list of participating agencies (published and updated by ICE).

[^oig]: DHS Office of Inspector General, "The Performance of 287(g) Agreements",
    OIG-10-63 (March 2010), and its follow-up reports.
"""

SIGNONS = [
    # organization, level, state, city, signer, title, listed
    ("American Civil Liberties Union", "national", "", "", "Dana Whitfield", "Policy Director", True),  # noqa: E501
    ("National Immigration Law Center", "national", "", "", "Luis Ortega", "Executive Director", True),  # noqa: E501
    ("Unión de Trabajadores Agrícolas", "national", "", "", "María José Peña", "Coordinadora", True),  # noqa: E501
    ("Texas Civil Rights Project", "state", "TX", "Austin", "Renée Castillo", "Legal Director", True),  # noqa: E501
    ("Florida Immigrant Coalition", "state", "FL", "Miami", "Thomas Nguyen", "Organizer", True),
    ("Coalición de Derechos Humanos", "state", "AZ", "Tucson", "Inés Álvarez", "Director", True),
    ("North Carolina Justice Center", "state", "NC", "Raleigh", "Aisha Brooks", "Staff Attorney", True),  # noqa: E501
    ("Casa Latina", "local", "WA", "Seattle", "José Hernández", "Director", True),
    ("Houston Immigration Legal Services Collaborative", "local", "TX", "Houston", "Chloé Martin", "Coordinator", True),  # noqa: E501
    ("Iglesia Santa Rosa de Lima", "local", "GA", "Atlanta", "Padre Ramón Díaz", "Pastor", True),
    ("Comité de Vecinos de Lake Worth", "local", "FL", "Lake Worth Beach", "Zoë Ramírez", "Secretary", True),  # noqa: E501
    ("Mutual Aid Network of Alamance County", "local", "NC", "Burlington", "Sam Okafor", "Volunteer", False),  # noqa: E501
]  # fmt: skip


def load_letter_demo(session: Session, campaign: Campaign, actor: User) -> Letter:
    """The demo letter, open, with approved sign-ons (created once; later runs change nothing)."""
    from campaign.signons.models import Level, SignOn, SignOnStatus

    letter = session.scalar(sa.select(Letter).where(Letter.slug == SLUG))
    if letter is not None:
        return letter
    letter = create_letter(
        session,
        campaign,
        title="End the 287(g) program",
        slug=SLUG,
        addressees=(
            "The Honorable Secretary of Homeland Security\n"
            "The Director of U.S. Immigration and Customs Enforcement"
        ),
        body=BODY,
        closing="Sincerely,",
        sender="The undersigned organizations",
        deadline_on=date.today() + timedelta(days=21),
        deadline_time=time(17, 0),
        deadline_tz="America/New_York",
        show_signatories=True,
        actor=actor,
    )
    change_status(session, letter, LetterStatus.OPEN, actor=actor)
    version = current_version(session, letter)
    now = utcnow()
    for i, (name, level, state, city, signer, title, listed) in enumerate(SIGNONS):
        session.add(
            SignOn(
                letter_id=letter.id,
                version_id=version.id,
                org_name=name,
                org_key=org_key(name),
                level=Level(level),
                state=state,
                city=city,
                signer_name=signer,
                signer_title=title,
                signer_email=f"signer{i + 1}@example.org",
                authorized=True,
                listed=listed,
                status=SignOnStatus.APPROVED,
                confirmed_at=now,
                signed_at=now,
                created_at=now,
            )
        )
    session.flush()
    return letter
