"""Prometheus metrics at ``/metrics``, for an allowlist of addresses or a bearer token.

Request counts and durations by endpoint and failed logins are counted in each process;
under gunicorn, ``PROMETHEUS_MULTIPROC_DIR`` (set by ``gunicorn.conf.py``) makes every
worker's counts add up in whichever worker answers the scrape. Queue depths and sign-ons
by status are read from the database when scraped: they are the same from any process.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from campaign import db
from campaign.db import utcnow
from campaign.ops.health import QUIET_ENDPOINTS, bp

log = logging.getLogger("campaign.ops")

REQUESTS = Counter(
    "campaign_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"]
)
DURATION = Histogram(
    "campaign_http_request_duration_seconds",
    "Time to answer a request, by endpoint",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
FAILED_LOGINS = Counter("campaign_failed_logins_total", "Login attempts refused (wrong password)")


class DatabaseCollector(Collector):
    """Queue depths and sign-ons by status, read from the database at each scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from campaign.delivery.models import RenderJob, RenderStatus
        from campaign.mail.models import OutboxMessage
        from campaign.signons.models import SignOn

        session = db.session  # the request's own: a read, removed at teardown
        depth, oldest = session.execute(
            sa.select(sa.func.count(), sa.func.min(OutboxMessage.created_at)).where(
                OutboxMessage.sent_at.is_(None)
            )
        ).one()
        renders = dict(
            session.execute(
                sa.select(RenderJob.status, sa.func.count())
                .where(RenderJob.status.in_((RenderStatus.QUEUED, RenderStatus.RUNNING)))
                .group_by(RenderJob.status)
            ).all()
        )
        signons = session.execute(
            sa.select(SignOn.status, sa.func.count()).group_by(SignOn.status)
        ).all()
        yield GaugeMetricFamily("campaign_outbox_depth", "Messages not yet delivered", depth)
        if oldest is not None and oldest.tzinfo is None:  # SQLite through Core: naive UTC
            from datetime import UTC

            oldest = oldest.replace(tzinfo=UTC)
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "campaign_outbox_oldest_age_seconds", "Age of the oldest undelivered message", age
        )
        queue = GaugeMetricFamily(
            "campaign_render_queue_depth", "Letter renders waiting or running", labels=["status"]
        )
        for status in (RenderStatus.QUEUED, RenderStatus.RUNNING):
            queue.add_metric([status.value], renders.get(status, 0))
        yield queue
        by_status = GaugeMetricFamily("campaign_signons", "Sign-ons by status", labels=["status"])
        for status, count in signons:
            by_status.add_metric([getattr(status, "value", str(status))], count)
        yield by_status


class _ThisProcess(Collector):
    """This process's own metrics (its counters, CPU and memory)."""

    def collect(self) -> Iterator:
        from prometheus_client import REGISTRY

        yield from REGISTRY.collect()


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseCollector())
    return registry


def allowed_networks(spec: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``"127.0.0.1/32, 10.0.0.0/8"`` → networks; an invalid entry stops the app at start."""
    parts = (part.strip() for part in spec.split(","))
    return [ipaddress.ip_network(part, strict=False) for part in parts if part]


def _may_scrape() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    if request.headers.get("X-Forwarded-For") and not current_app.config.get("PROXY_FIX"):
        # Through a proxy the app does not trust, every visitor looks like the proxy's own
        # (often local) address: the allowlist cannot tell them apart.
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in net for net in current_app.extensions["campaign.metrics_allow"])


@bp.get("/metrics")
def metrics():
    """The metrics in Prometheus' text format (403 outside the allowlist without the token)."""
    if not _may_scrape():
        abort(403)
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    """Count every request (except health checks and scrapes) by endpoint."""
    app.extensions["campaign.metrics_allow"] = allowed_networks(
        app.config.get("METRICS_ALLOW") or ""
    )

    @app.after_request
    def _count(response):
        endpoint = request.endpoint or "none"
        if endpoint in QUIET_ENDPOINTS:
            return response
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        started = g.get("request_started")
        if started is not None:
            DURATION.labels(endpoint).observe(time.perf_counter() - started)
        if endpoint == "auth.login" and request.method == "POST" and response.status_code == 401:
            FAILED_LOGINS.inc()
        return response
