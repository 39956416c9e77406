"""What the outbox tells the features above it, through ``blinker`` signals.

The outbox knows nothing of targets: ``targets`` subscribes in ``campaign.create_app``.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A message was refused for good (a 5xx when sending, or a bounce received later), inside
#: the caller's transaction. The sender is the session; ``message=`` the outbox row,
#: ``diagnostic=`` the server's words, ``when=`` the time. Targets mark the channel it
#: went to as bouncing.
message_bounced = _signals.signal("message-bounced")
