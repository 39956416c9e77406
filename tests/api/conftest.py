"""Fixtures of the API tests: tokens, and a client that sends one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from campaign.api import tokens
from campaign.api.models import Scope
from campaign.auth.models import Role
from tests import factories


class ApiClient:
    """A test client that sends ``OSDI-API-Token`` with every request (no cookies)."""

    def __init__(self, app, token: str, user) -> None:
        self.client = app.test_client(use_cookies=False)
        self.token = token
        # plain values: a request may end the transaction the user was loaded in
        self.user = SimpleNamespace(id=user.id, email=user.email, role=user.role)

    def get(self, url: str, **kw):
        headers = {"OSDI-API-Token": self.token, **kw.pop("headers", {})}
        return self.client.get(url, headers=headers, **kw)

    def post(self, url: str, **kw):
        headers = {"OSDI-API-Token": self.token, **kw.pop("headers", {})}
        return self.client.post(url, headers=headers, **kw)


@pytest.fixture
def make_token(session):
    """``make_token(user, scopes=("read",))`` → the raw token (committed)."""

    def _make(user, scopes=(Scope.READ.value, Scope.WRITE_SIGNONS.value), name="test"):
        _, raw = tokens.create_token(session, user, name=name, scopes=scopes)
        session.commit()
        return raw

    return _make


@pytest.fixture
def api_as(app, session, make_token):
    """``api_as("coordinator")`` → an ApiClient whose token belongs to a new user of
    that role."""

    def _api(role: str = "coordinator", scopes=None, **kw) -> ApiClient:
        user = factories.create_user(session, role=Role(role), **kw)
        raw = make_token(user, scopes) if scopes else make_token(user)
        return ApiClient(app, raw, user)

    return _api
