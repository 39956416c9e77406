"""A whole deployment on this machine, as deploy/ describes it, for tests/cluster and
bench/cluster.py.

PostgreSQL (a fresh database beside the test one, dropped after), Redis (keys under a
prefix of this run's own, deleted after), two gunicorn app servers, nginx configured from
deploy/nginx.conf with a self-signed certificate, two ``flask worker --loop`` workers and
an SMTP server that records every message. Every process runs in a process group of its
own and is killed with its group when the cluster stops, on error, or at interpreter exit.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
import weakref
from pathlib import Path

import httpx
import sqlalchemy as sa

from campaign.config import ROOT
from tests.cluster import proxy
from tests.cluster.proxy import NGINX
from tests.cluster.smtp import RecordingSMTP

BIN = Path(sys.executable).parent

# The commands of the deployment: deploy/compose.yaml, deploy/systemd/ and README run the
# same ones (tests/cluster/test_deploy_files.py); "{…}" is filled per deployment.
WEB_COMMAND = (
    "gunicorn", "--worker-class", "sync", "--timeout", "60", "--workers", "{workers}",
    "--bind", "{bind}", "campaign:create_app()",
)  # fmt: skip
WORKER_COMMAND = ("flask", "--app", "campaign", "worker", "--loop")
MIGRATE_COMMAND = ("flask", "--app", "campaign", "db", "upgrade")
CREATE_USER_COMMAND = (
    "flask", "--app", "campaign", "create-user", "{email}", "--role", "{role}", "--password-stdin",
)  # fmt: skip
CHECK_COMMAND = ("flask", "--app", "campaign", "check")

_LIVE: weakref.WeakSet[Cluster] = weakref.WeakSet()


@atexit.register
def _kill_leftovers() -> None:
    for cluster in list(_LIVE):
        cluster.kill_all()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    """Something listens on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def missing() -> str | None:
    """Why a cluster cannot run here (None: it can)."""
    if not Path(NGINX).exists():
        return "nginx is not installed (apt-get install nginx; .ci/run installs it)"
    if not Path("/usr/bin/openssl").exists():
        return "openssl is not installed"
    if not answers(5432):
        return "no PostgreSQL at 127.0.0.1:5432"
    if not answers(6379):
        return "no Redis at 127.0.0.1:6379"
    return None


def command(template: tuple[str, ...], **values: str) -> list[str]:
    """A deployment command with its ``{…}`` filled in and its program from this venv."""
    args = [part.format(**values) for part in template]
    return [str(BIN / args[0]), *args[1:]]


class Cluster:
    """Start with ``with Cluster(...) as c:``; everything stops and is removed after."""

    def __init__(
        self,
        workdir: Path,
        *,
        pg_url: str,
        redis_url: str,
        web_workers: int = 1,
        env: dict[str, str] | None = None,
    ) -> None:
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.pg_url = sa.engine.make_url(pg_url)
        self.db_name = f"{self.pg_url.database}_cluster"
        self.database_url = self.pg_url.set(database=self.db_name).render_as_string(
            hide_password=False
        )
        self.redis_url = redis_url
        self.key_prefix = f"cluster-{os.getpid()}-{secrets.token_hex(3)}"
        self.web_workers = web_workers
        self.web_ports = [free_port(), free_port()]
        self.http_port, self.https_port, self.smtp_port = free_port(), free_port(), free_port()
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.events: list[tuple[float, str]] = []  # (monotonic time, what happened)
        self.smtp = RecordingSMTP(self.smtp_port, self.dir / "smtp.jsonl")
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CAMPAIGN_")},
            "CAMPAIGN_ENV": "production",
            "CAMPAIGN_BASE_URL": self.url,
            "CAMPAIGN_SECRET_KEY": secrets.token_hex(32),
            "CAMPAIGN_DATABASE_URL": self.database_url,
            "CAMPAIGN_INSTANCE_PATH": str(self.dir / "instance"),
            "CAMPAIGN_RATELIMIT_STORAGE_URI": redis_url,
            "CAMPAIGN_RATELIMIT_KEY_PREFIX": self.key_prefix,
            "CAMPAIGN_PROXY_FIX": "1",
            "CAMPAIGN_SMTP_HOST": "127.0.0.1",
            "CAMPAIGN_SMTP_PORT": str(self.smtp_port),
            "CAMPAIGN_MAIL_FROM": "campaign@cluster.test",
            "CAMPAIGN_LOG_FORMAT": "json",
            **(env or {}),
        }
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self._created_db = False

    # --- whole cluster ---

    def __enter__(self) -> Cluster:
        _LIVE.add(self)
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Database, migrations, SMTP, both app servers, nginx (workers: ``start_worker``)."""
        self._create_database()
        self.flask(*MIGRATE_COMMAND[3:])
        self.smtp.start()
        self._certificate()
        for i in (0, 1):
            self.start_web(i)
        self.start_nginx(servers=2)

    def stop(self) -> None:
        """Kill every process group, close SMTP, drop the database and the Redis keys."""
        self.kill_all()
        with contextlib.suppress(Exception):
            self.smtp.close()
        if self._created_db:
            self._drop_database()
        with contextlib.suppress(Exception):
            self._delete_redis_keys()
        _LIVE.discard(self)

    def kill_all(self) -> None:
        """SIGKILL every process group this cluster started (idempotent)."""
        for name in list(self.procs):
            self._kill(name)

    # --- processes ---

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = (self.dir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole
        )  # fmt: skip
        log.close()
        self.procs[name] = proc
        return proc

    def _kill(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)

    def flask(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        """Run ``flask --app campaign ARGS`` with the cluster's settings."""
        result = subprocess.run(
            [str(BIN / "flask"), "--app", "campaign", *args],
            cwd=ROOT, env=self.env, input=input, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)}:\n{result.stdout}\n{result.stderr}")
        return result

    def start_web(self, i: int) -> None:
        """App server ``i`` (0 or 1) on its port; returns when /readyz answers 200."""
        bind = f"127.0.0.1:{self.web_ports[i]}"
        args = command(WEB_COMMAND, workers=str(self.web_workers), bind=bind)
        self._spawn(f"web{i + 1}", args)
        self._wait_ready(f"http://{bind}/readyz", f"web{i + 1}")
        self.events.append((time.monotonic(), f"web{i + 1} ready"))

    def kill_web(self, i: int) -> None:
        """SIGKILL app server ``i`` with all its gunicorn workers."""
        self.events.append((time.monotonic(), f"web{i + 1} killed"))
        self._kill(f"web{i + 1}")

    def start_worker(self, i: int) -> None:
        """Worker ``i``: ``flask --app campaign worker --loop``."""
        self._spawn(f"worker{i + 1}", command(WORKER_COMMAND))

    def kill_worker(self, i: int) -> None:
        """SIGKILL worker ``i``."""
        self.events.append((time.monotonic(), f"worker{i + 1} killed"))
        self._kill(f"worker{i + 1}")

    def _wait_ready(self, url: str, name: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            proc = self.procs.get(name)
            if proc is not None and proc.poll() is not None:
                log = (self.dir / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited:\n{log}")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} not ready at {url}")
            time.sleep(0.2)

    # --- nginx ---

    def _certificate(self) -> None:
        self.cert, self.key = proxy.certificate(self.dir)
        self.tls = ssl.create_default_context(cafile=str(self.cert))

    def nginx_config(self, servers: int) -> Path:
        """deploy/nginx.conf for this cluster; ``servers=1`` points both upstream entries
        at the first app server."""
        web = [f"127.0.0.1:{port}" for port in self.web_ports]
        values = {
            "CAMPAIGN_WEB_1": web[0],
            "CAMPAIGN_WEB_2": web[1] if servers == 2 else web[0],
            "CAMPAIGN_HTTP_PORT": f"127.0.0.1:{self.http_port}",
            "CAMPAIGN_HTTPS_PORT": f"127.0.0.1:{self.https_port}",
            "CAMPAIGN_SERVER_NAME": "127.0.0.1",
            "CAMPAIGN_TLS_CERT": str(self.cert),
            "CAMPAIGN_TLS_KEY": str(self.key),
        }
        return proxy.write_config(self.dir / "nginx", values)

    def start_nginx(self, servers: int) -> None:
        """nginx in front of ``servers`` app servers (checked with ``nginx -t`` first)."""
        main = self.nginx_config(servers)
        prefix = str(main.parent)
        subprocess.run(
            [NGINX, "-t", "-q", "-p", prefix, "-c", str(main)],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
        self._spawn("nginx", [NGINX, "-p", prefix, "-c", str(main), "-g", "daemon off;"])
        self._wait_https()

    def _wait_https(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", verify=self.tls, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("nginx does not answer")
            time.sleep(0.2)

    def reload_nginx(self, servers: int) -> None:
        """Point nginx at one or two app servers (a graceful reload, like ``nginx -s reload``)."""
        self.nginx_config(servers)
        os.kill(self.procs["nginx"].pid, signal.SIGHUP)
        time.sleep(1.0)  # new workers take over; old ones finish their requests
        self.events.append((time.monotonic(), f"nginx with {servers} server(s)"))

    def access_log(self) -> list[str]:
        path = self.dir / "nginx" / "campaign.access.log"
        return path.read_text().splitlines() if path.exists() else []

    # --- database and Redis ---

    def _admin(self) -> sa.Engine:
        return sa.create_engine(self.pg_url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def _create_database(self) -> None:
        admin = self._admin()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{self.db_name}"')
        admin.dispose()
        self._created_db = True

    def _drop_database(self) -> None:
        admin = self._admin()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        admin.dispose()
        self._created_db = False

    def engine(self) -> sa.Engine:
        """An engine on the cluster's database (the caller disposes of it)."""
        return sa.create_engine(self.database_url)

    def _delete_redis_keys(self) -> None:
        import redis

        client = redis.Redis.from_url(self.redis_url)
        # limits' keys read LIMITS:LIMITER/<scope>/<prefix>/… or LIMITS:LIMITER/<prefix>/…
        keys = list(client.scan_iter(match=f"*/{self.key_prefix}/*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


def client_for(cluster: Cluster, address: str) -> httpx.Client:
    """An HTTPS client of the proxy whose connections leave from ``address`` (any of
    127.0.0.0/8), so that nginx, and the app behind it, see that client address."""
    transport = httpx.HTTPTransport(local_address=address, verify=cluster.tls, retries=0)
    # a browser's Referer: Flask-WTF checks that an HTTPS form comes from the same origin
    headers = {"Referer": f"{cluster.url}/"}
    return httpx.Client(base_url=cluster.url, transport=transport, timeout=120, headers=headers)


def address(pool: int, i: int) -> str:
    """The ``i``-th simulated client address of ``pool``: 127.<pool>.x.y."""
    return f"127.{pool}.{i // 250}.{i % 250 + 1}"
