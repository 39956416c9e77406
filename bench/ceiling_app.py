"""The ceiling for bench/signon_load.py: a bare Flask endpoint that inserts one row.

Same engine settings as the app (WAL, busy timeout, BEGIN IMMEDIATE for writes on SQLite).
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, redirect, request

from campaign.db import make_engine, utcnow, write_intent

metadata = sa.MetaData()
rows = sa.Table(
    "bench_rows",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("payload", sa.String(300), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)


def create_app() -> Flask:
    """The one-endpoint app gunicorn serves."""
    engine = make_engine(os.environ["CAMPAIGN_DATABASE_URL"])
    metadata.create_all(engine)
    app = Flask(__name__)

    @app.get("/login")
    def ready():
        return "ok"

    @app.post("/insert")
    def insert():
        token = write_intent.set(True)
        try:
            with engine.begin() as conn:
                conn.execute(
                    rows.insert().values(
                        payload=request.form.get("payload", "")[:300],
                        created_at=utcnow().replace(tzinfo=None),
                    )
                )
        finally:
            write_intent.reset(token)
        return redirect("/done")

    return app
