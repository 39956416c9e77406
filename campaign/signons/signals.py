"""What sign-ons tell the features above them, through ``blinker`` signals (as Flask's own).

Signing knows nothing of the directory: the directory subscribes in
``campaign.create_app``, so that ``signons`` never imports it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sign-ons that have just begun to count: added by hand or imported (sent before they
#: are flushed, inside the caller's transaction, so that a receiver may fill in their
#: columns) or confirmed by their signer. The sender is the session; ``signons=`` a list.
signons_counted = _signals.signal("signons-counted")

#: A coordinator's decision on one sign-on (``review.services``: approved, rejected,
#: withdrawn, merged), after its status changed, inside the caller's transaction. The
#: sender is the session; ``signon=`` the sign-on, ``status=`` its new status and, for a
#: merge, ``original=`` the sign-on it was merged into (else None).
signon_reviewed = _signals.signal("signon-reviewed")

#: A second signer for an organization already on a letter confirmed their address
#: (``signons.claims.confirm_claim``), inside the caller's transaction. The sender is the
#: session; ``signon=`` the organization's sign-on, ``claim=`` the second signer. The
#: directory records them as another contact of the organization.
second_signer_confirmed = _signals.signal("second-signer-confirmed")

#: A coordinator corrected how a sign-on writes its organization's name
#: (``review.services.rename``), inside the caller's transaction. The sender is the
#: session; ``signon=`` the sign-on (with its new name and key), ``old_name=`` the name it
#: had.
signon_renamed = _signals.signal("signon-renamed")

#: A pending sign-on's signer confirmed it (``services.confirm_signon``, not a
#: re-confirmation), inside the caller's transaction. The sender is the session;
#: ``signon=`` the sign-on (confirmed, or approved when its letter approves at once),
#: ``letter=`` its letter, ``by_link=`` True when its signer confirmed from their email.
#: Webhooks tell subscribers; ``campaign.manage`` mails the signer a manage link.
signon_confirmed = _signals.signal("signon-confirmed")

#: Sign-ons approved together by the review's bulk approval (one UPDATE: no
#: ``signon_reviewed`` for each), inside the caller's transaction. The sender is the
#: session; ``letter=`` their letter, ``ids=`` the approved sign-ons' ids.
signons_approved = _signals.signal("signons-approved")

#: A sign-on's signer address was just proven (its first confirmation, or a second signer
#: made its signer), inside the caller's transaction, before a letter that approves at
#: once decides whether it may. The sender is the session; ``signon=`` the sign-on,
#: linked to the directory. ``campaign.verification`` sets ``signon.verification`` when
#: the sign-on verifies itself.
signon_verifying = _signals.signal("signon-verifying")
