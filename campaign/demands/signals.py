"""What demands tell the features above them (webhooks), through ``blinker`` signals."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A demand moved along its lifecycle (``services.transition_demand``), inside the
#: caller's transaction. The sender is the session; ``demand=`` the demand (with its new
#: status), ``from_status=`` the status it had.
demand_status_changed = _signals.signal("demand-status-changed")
