"""What responses tell the features above them (webhooks), through ``blinker`` signals."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A coordinator approved a response (or it was approved as it was logged), inside the
#: caller's transaction. The sender is the session; ``response=`` the response.
response_approved = _signals.signal("response-approved")
