"""nginx for the cluster: deploy/nginx.conf filled in (as envsubst would), inside a main
file of the cluster's own (paths, pid, logs), and a self-signed certificate."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from campaign.config import ROOT

NGINX = "/usr/sbin/nginx"
TEMPLATE = ROOT / "deploy" / "nginx.conf"


def render_nginx(values: dict[str, str], log_dir: Path) -> str:
    """deploy/nginx.conf with its ``${CAMPAIGN_…}`` names filled in (as envsubst would)."""
    text = TEMPLATE.read_text()
    names = set(re.findall(r"\$\{(CAMPAIGN_[A-Z0-9_]+)\}", text))
    unknown = names - values.keys()
    if unknown:
        raise KeyError(f"deploy/nginx.conf needs {sorted(unknown)}")
    for name in names:
        text = text.replace("${" + name + "}", values[name])
    return text.replace("/var/log/nginx/", f"{log_dir}/")


def write_config(ndir: Path, values: dict[str, str]) -> Path:
    """Write ``ndir/campaign.conf`` (the template) and the main file around it; returns
    the main file."""
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (ndir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    site = render_nginx(values, ndir)
    (ndir / "campaign.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join(
        f"    {kind}_temp_path {ndir / 'tmp' / sub};\n"
        for kind, sub in (("client_body", "body"), ("proxy", "proxy"),
                          ("fastcgi", "fastcgi"), ("uwsgi", "uwsgi"), ("scgi", "scgi"))
    )  # fmt: skip
    main = ndir / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\npid {ndir / 'nginx.pid'};\n"
        f"error_log {ndir / 'error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n{temp}"
        f"    access_log off;\n    include {ndir / 'campaign.conf'};\n}}\n"
    )
    return main


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its file, its key)."""
    cert, key = folder / "tls.crt", folder / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key
