"""Helpers for storing Python enums as portable strings."""

from __future__ import annotations

import enum

import sqlalchemy as sa


def str_enum(enum_cls: type[enum.Enum], length: int = 32) -> sa.Enum:
    """A VARCHAR of the enum's values (not names), the same on SQLite and PostgreSQL."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )
