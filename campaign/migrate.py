"""Alembic, driven from Python (the ``db upgrade`` command and the tests use this)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from campaign.config import ROOT


def alembic_config(url: str | None = None, connection: sa.Connection | None = None) -> Config:
    """An Alembic config for this project's migrations, on ``url`` or an open connection."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision``."""
    command.upgrade(alembic_config(url), revision)
