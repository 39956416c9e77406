"""Issue 16 finding 10: a restore keeps emailed links valid, and instance files are private.

Before: a backup left the secret key out, so after a restore onto a new server every
invitation and unsubscribe link emailed before failed, and nothing said so; the database,
uploads, mail and backups were created readable by every user of the machine (0644/0755).
"""

from __future__ import annotations

import stat
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa

from campaign import create_app, db
from campaign.directory.invitations import UNSUBSCRIBE_SALT, serializer
from campaign.mail.transport import FileTransport
from campaign.migrate import upgrade
from campaign.uploads.store import UploadStore
from tests.backup.conftest import kept_session_binding, make_app, png_bytes, populate


@pytest.fixture(autouse=True)
def _keep_session_binding():
    # create_app() rebinds the shared scoped session; the other tests need it back
    with kept_session_binding():
        yield


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def _backup(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'src.sqlite3'}"
    upgrade(url)
    src = make_app(url, tmp_path / "src")
    populate(db.get_engine(src), Path(src.config["UPLOAD_DIR"]))
    result = run(src, "backup", str(tmp_path / "backups"))
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "backups").iterdir()
    db.get_engine(src).dispose()
    return src, folder, result.output


def _new_server(tmp_path: Path, **config):
    """An app on a new machine: its own database and instance folder."""
    settings = {
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dst.sqlite3'}",
        "INSTANCE_PATH": str(tmp_path / "dst" / "instance"),
        "UPLOAD_DIR": str(tmp_path / "dst" / "uploads"),
        **config,
    }
    return create_app(settings)


def test_a_backup_holds_the_secret_key_and_says_it_is_secret(tmp_path):
    src, folder, output = _backup(tmp_path)
    assert (folder / "secret_key").read_text() == src.config["SECRET_KEY"]
    assert "keep it secret" in output
    assert "secret key" in (folder / "KEEP-THIS-FOLDER-SECRET.txt").read_text()
    assert mode(tmp_path / "backups") == 0o700 and mode(folder) == 0o700
    for path in folder.rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path


def test_links_emailed_before_the_backup_work_after_a_restore_on_a_new_server(tmp_path):
    src, folder, _ = _backup(tmp_path)
    link_token = serializer(src.secret_key, UNSUBSCRIBE_SALT).dumps(42)
    dst = _new_server(tmp_path)  # no CAMPAIGN_SECRET_KEY: a key of its own in instance/
    assert dst.secret_key != src.secret_key
    result = run(dst, "restore", str(folder))
    assert result.exit_code == 0, result.output
    assert "secret key was written" in result.output and "restart" in result.output
    db.get_engine(dst).dispose()
    restarted = _new_server(tmp_path)
    assert serializer(restarted.secret_key, UNSUBSCRIBE_SALT).loads(link_token) == 42
    assert mode(Path(restarted.instance_path) / "secret_key") == 0o600
    db.get_engine(restarted).dispose()


def test_a_restore_says_what_breaks_when_the_configured_key_differs(tmp_path):
    _, folder, _ = _backup(tmp_path)
    dst = _new_server(tmp_path, SECRET_KEY="another-server-s-own-key")
    result = run(dst, "restore", str(folder))
    assert result.exit_code == 0, result.output
    assert "another secret key" in result.output
    assert "invitation and unsubscribe links" in result.output
    assert str(folder / "secret_key") in result.output
    db.get_engine(dst).dispose()


def test_instance_files_are_private(tmp_path):
    instance = tmp_path / "instance"
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "INSTANCE_PATH": str(instance)})
    upgrade(app.config["DATABASE_URL"])
    with db.get_engine(app).begin() as conn:
        conn.execute(sa.text("SELECT 1"))
    assert mode(instance) == 0o700
    database = instance / "campaign.sqlite3"
    assert mode(database) == 0o600
    for companion in ("campaign.sqlite3-wal", "campaign.sqlite3-shm"):
        if (instance / companion).exists():
            assert mode(instance / companion) == 0o600
    # uploads
    store = UploadStore(Path(app.config["UPLOAD_DIR"]))
    sha = store.save(png_bytes(), allowed={"png"}, max_bytes=10**6).sha256
    assert mode(Path(app.config["UPLOAD_DIR"])) == 0o700
    assert mode(store.path_for(sha)) == 0o600 and mode(store.path_for(sha).parent) == 0o700
    # mail written as files
    message = EmailMessage()
    message["To"], message["Subject"], message["Message-ID"] = "a@example.org", "Hi", "<1@x>"
    message.set_content("Hello")
    FileTransport(Path(app.config["MAIL_DIR"])).send(message)
    assert mode(Path(app.config["MAIL_DIR"])) == 0o700
    assert all(mode(p) == 0o600 for p in Path(app.config["MAIL_DIR"]).iterdir())
    # a key made for a local run
    local = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "local")})
    assert mode(tmp_path / "local" / "secret_key") == 0o600
    assert mode(tmp_path / "local") == 0o700
    db.get_engine(app).dispose()
    db.get_engine(local).dispose()
