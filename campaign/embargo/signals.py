"""What a release tells the features above it (webhooks replay what they held back)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: An embargo was released (``embargo.services.release``), inside the caller's
#: transaction. The sender is the session; ``letter=`` the letter, now public.
letter_released = _signals.signal("letter-released")
