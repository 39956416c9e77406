"""Indexes on sign-ons that the dashboard and the letter page need at 100,000 rows.

Declared here, beside the queries that need them, rather than in the sign-on
feature's model (another branch owns it); ``campaign.models`` imports this module
so that Alembic sees them. Measured with bench/pages.py.
"""

import sqlalchemy as sa

from campaign.signons.models import SignOn

# Counted sign-ons per letter, per version, per level and per hour, read from the
# index alone (the dashboard, the campaign page's counts, the letter's per-version
# counts): no visit to the wide sign-on rows.
SIGN_ONS_COUNTING = sa.Index(
    "ix_sign_ons_counting",
    SignOn.letter_id,
    SignOn.status,
    SignOn.version_id,
    SignOn.level,
    SignOn.confirmed_at,
    SignOn.created_at,
)
# The coordinator's list of a letter's sign-ons, newest first, 50 at a time.
SIGN_ONS_LETTER_CREATED = sa.Index(
    "ix_sign_ons_letter_created", SignOn.letter_id, SignOn.created_at, SignOn.id
)
