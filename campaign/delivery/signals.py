"""What delivery tell the features above them (webhooks), through ``blinker`` signals."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A letter was marked as sent (``services.mark_as_sent``), inside the caller's transaction.
#: The sender is the session; ``letter=`` the letter, ``delivery=`` what was delivered.
letter_delivered = _signals.signal("letter-delivered")
