"""Logs as JSON lines (production), each carrying the request's id.

One line per request (request id, user id, method, route, status, duration) and the
app's own messages, on standard error where gunicorn, systemd and Docker collect them.
The route is the URL *rule* (``/sign/<slug>/confirm/<token>``), never the path, so that
confirmation, invitation and unsubscribe tokens stay out; email addresses and tokens in
any message or traceback (SQL parameters included) are masked before a line is written.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, request

from campaign.ops.health import QUIET_ENDPOINTS

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
access_log = logging.getLogger("campaign.request")

# An id from the proxy is taken as it is only when it looks like one (nginx's
# $request_id is 32 hex digits); anything else is replaced, never logged.
_GOOD_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
# Link tokens: the path segment after confirm/ or unsubscribe/, and ?invite= values.
_TOKEN = re.compile(r"(/confirm/|/unsubscribe/|[?&]invite=|[?&]token=)[^\s/?&'\"]+")
_SECRET = re.compile(r"(?i)((?:password|passwd|secret|token)[\"']?\s*[:=]\s*[\"']?)[^\s,'\"}]+")


def scrub(text: str) -> str:
    """``text`` without email addresses, link tokens or password/secret/token values."""
    text = _EMAIL.sub("<email>", text)
    text = _TOKEN.sub(r"\1<token>", text)
    return _SECRET.sub(r"\1<hidden>", text)


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and any
    ``extra`` fields the caller gave (the request log's route, status…)."""

    FIELDS = ("user_id", "method", "route", "endpoint", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        rid = getattr(record, "request_id", None) or request_id.get()
        if rid:
            out["request_id"] = rid
        for name in self.FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False)


class ScrubbingFormatter(logging.Formatter):
    """The text format, with the same masking as the JSON one."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def configure(fmt: str) -> None:
    """Send every log record to standard error as ``fmt`` ("json" or "text")."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JSONFormatter())
    else:
        handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_campaign", False):
            root.removeHandler(old)
    handler._campaign = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # WeasyPrint logs each step of every render at INFO: noise in production logs
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _since(started: float | None) -> float | None:
    return None if started is None else round((time.perf_counter() - started) * 1000, 1)


def init_app(app: Flask) -> None:
    """Give each request an id (the proxy's ``X-Request-ID`` when sane), return it in the
    response, and log one line per request when the format is JSON."""
    log_requests = app.config.get("LOG_FORMAT") == "json"

    def _start() -> None:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _GOOD_ID.match(given) else uuid.uuid4().hex
        g.request_id = rid
        g.request_started = time.perf_counter()
        request_id.set(rid)

    # First of all: a before-request hook that ends the request (CSRFProtect refusing a
    # form) must find the id and the start time set.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)

    @app.after_request
    def _finish(response):
        rid = g.get("request_id")
        if rid:
            response.headers["X-Request-ID"] = rid
        if log_requests and request.endpoint not in QUIET_ENDPOINTS:
            user = g.get("_login_user")  # only if the request loaded it: no extra query
            access_log.info(
                "%s %s %s",
                request.method,
                request.url_rule.rule if request.url_rule else "-",
                response.status_code,
                extra={
                    "request_id": rid,
                    "user_id": getattr(user, "id", None),
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else None,
                    "endpoint": request.endpoint,
                    "status": response.status_code,
                    "duration_ms": _since(g.get("request_started")),
                },
            )
        return response

    @app.teardown_request
    def _forget(_exc: BaseException | None) -> None:
        request_id.set(None)
