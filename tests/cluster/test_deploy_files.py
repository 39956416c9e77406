"""deploy/ runs the same commands as README and the cluster test, and is complete.

`docker compose config` cannot run here; these tests read compose.yaml, the Dockerfile,
the systemd units and the nginx template themselves, and nginx checks the template.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from campaign.config import ROOT
from tests.cluster import harness, proxy
from tests.cluster.harness import (
    CHECK_COMMAND,
    CREATE_USER_COMMAND,
    MIGRATE_COMMAND,
    WEB_COMMAND,
    WORKER_COMMAND,
)

DEPLOY = ROOT / "deploy"
# values chosen per deployment (the argument after each); everything else is the same
VARIABLE = {"--bind", "--workers", "--role", "create-user"}
INPUT = {"--password-stdin"}  # where a password comes from: a prompt, or standard input


def normal(args: list[str]) -> tuple[str, ...]:
    """A command without its program's folder and with --bind/--workers values blanked."""
    out, blank = [], False
    for arg in args:
        if arg in INPUT:
            continue
        out.append("{}" if blank else arg)
        blank = arg in VARIABLE
    out[0] = Path(out[0]).name
    return tuple(out)


def template(command: tuple[str, ...]) -> tuple[str, ...]:
    return normal([re.sub(r"\{[a-z]+\}", "{}", a) for a in command])


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_every_service_and_named_volumes(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web1", "web2", "worker", "proxy"}
    assert set(compose["volumes"]) == {"pgdata", "data"}
    for name in ("migrate", "web1", "web2", "worker"):
        assert services[name]["env_file"] == "campaign.env"  # secrets from the env file
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
        assert "data:/data" in services[name]["volumes"]
    for name in ("web1", "web2", "worker"):
        # migrations first, then the app servers and the worker
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert services["proxy"]["depends_on"] == ["web1", "web2"]
    # the worker gets time to finish what it is sending when stopped
    assert services["worker"]["stop_grace_period"] == "5m"


def test_compose_runs_the_tested_commands(compose):
    services = compose["services"]
    assert normal(services["web1"]["command"]) == template(WEB_COMMAND)
    assert normal(services["web2"]["command"]) == template(WEB_COMMAND)
    assert normal(services["worker"]["command"]) == template(WORKER_COMMAND)
    assert normal(services["migrate"]["command"]) == template(MIGRATE_COMMAND)


def test_compose_fills_in_every_name_of_the_nginx_template(compose):
    proxy = compose["services"]["proxy"]
    names = set(re.findall(r"\$\{(CAMPAIGN_[A-Z0-9_]+)\}", (DEPLOY / "nginx.conf").read_text()))
    example = (DEPLOY / "campaign.env.example").read_text()
    given = set(proxy["environment"]) | set(re.findall(r"^(CAMPAIGN_[A-Z0-9_]+)=", example, re.M))
    assert names <= given, names - given
    assert "./nginx.conf:/etc/nginx/templates/campaign.conf.template:ro" in proxy["volumes"]


def test_the_env_example_sets_what_production_needs():
    example = (DEPLOY / "campaign.env.example").read_text()
    for name in ("CAMPAIGN_ENV=production", "CAMPAIGN_BASE_URL=", "CAMPAIGN_SECRET_KEY=",
                 "CAMPAIGN_DATABASE_URL=postgresql+psycopg://", "CAMPAIGN_PROXY_FIX=1",
                 "CAMPAIGN_RATELIMIT_STORAGE_URI=redis://", "CAMPAIGN_SMTP_HOST="):  # fmt: skip
        assert name in example


def _dockerfile() -> list[tuple[str, str]]:
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def test_dockerfile_builds_a_wheel_and_runs_as_a_user_with_a_healthcheck():
    steps = _dockerfile()
    froms = [arg for op, arg in steps if op == "FROM"]
    assert len(froms) == 2 and all("-slim" in f for f in froms)  # build tools stay behind
    runs = " ".join(arg for op, arg in steps if op == "RUN")
    assert "pip wheel" in runs and "pip install --no-cache-dir /wheels/campaign-" in runs
    assert "gcc" not in runs and "build-essential" not in runs
    assert [arg for op, arg in steps if op == "USER"] == ["campaign"]
    assert any(op == "HEALTHCHECK" and "/healthz" in arg for op, arg in steps)
    envs = " ".join(arg for op, arg in steps if op == "ENV")
    assert "CAMPAIGN_ROOT=/app" in envs and "CAMPAIGN_ENV=production" in envs
    copies = " ".join(arg for op, arg in steps if op == "COPY")
    for folder in ("templates/", "static/", "migrations/", "gunicorn.conf.py", "alembic.ini"):
        assert folder in copies
    cmd = json.loads(next(arg for op, arg in steps if op == "CMD"))
    assert normal(cmd) == template(WEB_COMMAND)


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


@pytest.mark.parametrize(
    ("unit", "command"),
    [
        ("campaign-web@.service", WEB_COMMAND),
        ("campaign-worker@.service", WORKER_COMMAND),
        ("campaign-migrate.service", MIGRATE_COMMAND),
    ],
)
def test_systemd_units_run_the_tested_commands(unit, command):
    service = _unit(unit)["Service"]
    assert normal(shlex.split(service["ExecStart"])) == template(command)
    assert service["User"] == "campaign" and service["EnvironmentFile"]
    assert service["WorkingDirectory"] == "/srv/campaign"


def test_readme_shows_the_same_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Deploying", 1)[1].split("\n## ", 1)[0]
    shown = set()
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith((".venv/bin/", "gunicorn", "flask", "docker compose")):
                args = shlex.split(line)
                if args[0] == "docker":
                    args = args[args.index("flask") :] if "flask" in args else []
                if args:
                    shown.add(normal(args))
    commands = (WEB_COMMAND, WORKER_COMMAND, MIGRATE_COMMAND, CREATE_USER_COMMAND, CHECK_COMMAND)
    expected = {template(c) for c in commands}
    assert expected <= shown, expected - shown


def test_the_cluster_runs_what_deploy_describes():
    """The harness builds its commands from the same tuples, and nginx from the template."""
    assert proxy.TEMPLATE == DEPLOY / "nginx.conf"
    web = harness.command(WEB_COMMAND, workers="2", bind="127.0.0.1:1")
    assert normal(web) == template(WEB_COMMAND)


@pytest.mark.skipif(not Path(proxy.NGINX).exists(), reason="nginx is not installed")
def test_nginx_accepts_the_template(tmp_path):
    cert, key = proxy.certificate(tmp_path)
    site = proxy.render_nginx(
        {"CAMPAIGN_WEB_1": "127.0.0.1:8001", "CAMPAIGN_WEB_2": "127.0.0.1:8002",
         "CAMPAIGN_HTTP_PORT": "127.0.0.1:8080", "CAMPAIGN_HTTPS_PORT": "127.0.0.1:8443",
         "CAMPAIGN_SERVER_NAME": "sign.example.org", "CAMPAIGN_TLS_CERT": str(cert),
         "CAMPAIGN_TLS_KEY": str(key)},
        tmp_path,
    )  # fmt: skip
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Request-ID"):
        assert f"proxy_set_header {header}" in site
    assert "location = /metrics { return 404; }" in site
    (tmp_path / "site.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        [proxy.NGINX, "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
