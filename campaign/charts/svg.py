"""Small helpers shared by the charts: escaping and number formatting."""

from __future__ import annotations

import math
import re

from markupsafe import escape

SVG_NS = "http://www.w3.org/2000/svg"


def esc(value: object) -> str:
    """Text or attribute value, escaped for XML and HTML alike (quotes included)."""
    return str(escape(str(value)))


def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def nice_step(maximum: int, max_ticks: int = 5) -> int:
    """An integer tick step of 1, 2 or 5 times a power of ten giving at most ``max_ticks``."""
    if maximum <= 0:
        return 1
    raw = maximum / max_ticks
    power = 10 ** max(0, math.floor(math.log10(raw))) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        step = factor * power
        if step >= raw:
            return max(1, int(step))
    return int(10 * power)


_CLASS_UNSAFE = re.compile(r"[^a-z0-9-]+")


def class_token(key: str) -> str:
    """A category key as a CSS class fragment: "partially_met" -> "partially-met"."""
    return _CLASS_UNSAFE.sub("-", key.strip().lower()).strip("-") or "none"
