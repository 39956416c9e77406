"""Coordinator pages for a letter's sign-ons, one module per concern:

- ``queue``: the list (filters, counts, chart, paging) and bulk approval;
- ``actions``: one sign-on's page and its actions, and adding one by hand;
- ``csvfiles``: CSV import (upload, mapping, preview) and the streamed CSV exports;
- ``verify``: a coordinator's verification of a sign-on, the letter's verification settings.

Every route is on the one blueprint ``bp`` (endpoints ``review.*``), defined in ``base``;
importing the modules here adds their routes to it.
"""

from campaign.review.views import actions, csvfiles, queue, verify
from campaign.review.views.base import bp

__all__ = ["actions", "bp", "csvfiles", "queue", "verify"]
