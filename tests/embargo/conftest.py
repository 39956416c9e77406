"""Fixtures shared with the API and webhook tests (tokens, a subscribed campaign)."""

from tests.api.conftest import api_as, make_token  # noqa: F401
from tests.webhooks.conftest import subscribe  # noqa: F401
