"""Role checks for views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from campaign.auth.models import Role


def role_required(role: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Require a logged-in user whose role is ``role`` or above; 403 otherwise."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


member_required = role_required(Role.MEMBER)
coordinator_required = role_required(Role.COORDINATOR)
admin_required = role_required(Role.ADMIN)
