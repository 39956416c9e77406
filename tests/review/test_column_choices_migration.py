"""The migration to coalition-wide column choices keeps what campaigns had chosen."""

import json

import sqlalchemy as sa

from campaign.migrate import upgrade
from campaign.review.mapping import header_key


def test_campaign_mappings_become_coalition_choices(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "b3c1f0d2a9e4")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO campaigns (id, name, slug, description, created_at) "
            "VALUES (1, 'A', 'a', '', '2026-01-01'), (2, 'B', 'b', '', '2026-01-01')"
        )
        first = {"org_name": "Organization", "state": "Your state", "signer_email": ""}
        second = {"org_name": "Organization name", "state": "Your state", "city": "City"}
        for campaign_id, columns, at in [(1, first, "2026-01-02"), (2, second, "2026-01-03")]:
            conn.execute(
                sa.text(
                    "INSERT INTO csv_mappings (campaign_id, columns, updated_at) "
                    "VALUES (:c, :j, :t)"
                ),
                {"c": campaign_id, "j": json.dumps(columns), "t": at},
            )
    upgrade(url)
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT header_key, field FROM csv_column_choices")).all())
        tables = sa.inspect(conn).get_table_names()
    engine.dispose()
    assert rows == {
        header_key("Organization"): "org_name",
        header_key("Organization name"): "org_name",
        header_key("Your state"): "state",
        header_key("City"): "city",
    }
    assert "csv_mappings" not in tables
