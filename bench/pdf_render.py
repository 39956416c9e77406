"""How long the letter PDF takes with 100, 1,000 and 10,000 signatories, and its peak memory.

Beside each size, a floor measured in the same child process: the same text and names
as plain HTML (one paragraph per name, no columns, no grouping, no letter stylesheet),
rendered by WeasyPrint untagged. ``ratio_N`` is the letter's CPU time over the floor's
(medians): what the layout, the grouping and the PDF/UA tagging cost above the least
WeasyPrint can do with that text, a figure that does not depend on the machine. Target:
ratio ≤ 1.5 with tagging on.

Wall and CPU seconds (``time.process_time``) are both reported: other jobs on a shared
machine stretch the wall time, the CPU time much less.

Each size runs in its own child process (a fresh peak RSS per size) that first renders
a small letter to warm fontconfig and the caches, as a long-running worker would be,
then renders the full letter ``--repeats`` times. The baseline is the same letter with
no signatories, measured in the same run. Targets (2 cores): 1,000 in under 1.5 s;
10,000 in under 15 s and 400 MB; time per signatory not growing with the list.

    .venv/bin/python bench/pdf_render.py [--repeats 3] [--repeats-large 2]
        [--sizes 100,1000,10000] [--out DIR]

``--repeats-large`` applies to sizes of 10,000 and over (a render there takes seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def floor_html(snapshot) -> str:
    """The letter's text and names as plain HTML: one paragraph per name, no columns,
    no grouping, no stylesheet but the font the letter uses."""
    from html import escape

    from campaign.printing.grouping import group_signatories
    from campaign.printing.markup import body_html
    from campaign.printing.pdf import long_date

    names = [
        f"<p>{escape(e.name)}{', ' + escape(e.place) if e.place else ''}</p>"
        for s in snapshot.signatories
        if s.listed
        for e in group_signatories([s], "alpha")[0].entries
    ]
    return "\n".join(
        [
            "<!doctype html><html><head><meta charset='utf-8'>",
            f"<title>{escape(snapshot.title)}</title>",
            "<style>html { font: 10.5pt 'DejaVu Serif', serif; }</style></head><body>",
            f"<p>{escape(snapshot.sender)}</p><p>{long_date(snapshot.date)}</p>",
            f"<p>{escape(snapshot.addressees)}</p><h1>{escape(snapshot.title)}</h1>",
            str(body_html(snapshot.body_markdown)),
            f"<p>{escape(snapshot.closing)}</p>",
            *names,
            "</body></html>",
        ]
    )


def _timed(render, repeats: int) -> tuple[list[float], list[float], bytes]:
    walls, cpus, pdf = [], [], b""
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, pdf


def child(n: int, repeats: int, out: str | None) -> None:
    """Render ``n`` signatories ``repeats`` times, and the floor as often; print one JSON
    line of figures."""
    from weasyprint import HTML

    from campaign.printing.pdf import _font_config, _jinja, render_pdf
    from campaign.printing.sample import sample_snapshot
    from campaign.uploads.store import UploadStore

    static = ROOT / "static"
    store = UploadStore(ROOT / "instance" / "uploads")
    render_pdf(sample_snapshot(10), static_dir=static, upload_store=store)  # warm-up
    snapshot = sample_snapshot(n)
    _jinja()  # the letter's Jinja environment is built once per process, as in a worker

    def floor() -> bytes:
        # The HTML is built inside the timing, as the letter's template is rendered in its.
        return HTML(string=floor_html(snapshot)).write_pdf(font_config=_font_config())

    floor()  # warm-up
    walls, cpus, pdf = _timed(
        lambda: render_pdf(snapshot, static_dir=static, upload_store=store), repeats
    )
    floor_walls, floor_cpus, _ = _timed(floor, repeats) if n else ([0.0], [0.0], b"")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / f"letter-{n}.pdf").write_bytes(pdf)
    figures = {
        "n": n,
        "wall": statistics.median(walls),
        "walls": walls,
        "cpu": statistics.median(cpus),
        "floor_wall": statistics.median(floor_walls),
        "floor_cpu": statistics.median(floor_cpus),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "bytes": len(pdf),
        "pages": _pages(pdf),
    }
    print(json.dumps(figures))


def _pages(pdf: bytes) -> int | str:
    import shutil
    import tempfile

    if not shutil.which("pdfinfo"):
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    return next(
        (int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:")), "?"
    )


def run(n: int, repeats: int, out: str | None) -> dict:
    args = [sys.executable, __file__, "--child", str(n), "--repeats", str(repeats)]
    if out:
        args += ["--out", out]
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--repeats-large", type=int, default=2)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--out", default=None, help="also write the PDFs here")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.repeats, args.out)
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    base = run(0, args.repeats, None)
    print(f"baseline (no signatories): {base['wall']:.2f} s wall, {base['cpu']:.2f} s CPU")
    results = {}
    for n in sizes:
        repeats = args.repeats_large if n >= 10000 else args.repeats
        r = results[n] = run(n, repeats, args.out)
        r["ratio"] = r["cpu"] / r["floor_cpu"]
        runs = ", ".join(f"{w:.2f}" for w in r["walls"])
        print(
            f"{n:>6} signatories: {r['wall']:6.2f} s wall (median of {repeats}: {runs}), "
            f"{r['cpu']:6.2f} s CPU, peak RSS {r['peak_mb']:.0f} MB, {r['pages']} pages, "
            f"{r['bytes'] / 1024:.0f} KiB; floor {r['floor_wall']:.2f} s wall, "
            f"{r['floor_cpu']:.2f} s CPU; ratio {r['ratio']:.2f}"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def per_name(n: int, key: str) -> float:
        return (results[n][key] - base[key]) / n

    figures = {f"ratio_{n}": f"{results[n]['ratio']:.2f}" for n in sizes if n >= 1000}
    figures.update({f"seconds_{n}": f"{results[n]['wall']:.2f}" for n in sizes})
    figures.update({f"floor_seconds_{n}": f"{results[n]['floor_wall']:.2f}" for n in sizes})
    figures.update({f"cpu_s_{n}": f"{results[n]['cpu']:.2f}" for n in sizes if n >= 1000})
    if 1000 in results and 10000 in results:
        growth = per_name(10000, "wall") / per_name(1000, "wall")
        growth_cpu = per_name(10000, "cpu") / per_name(1000, "cpu")
        print(
            "growth ratio (time per signatory above the baseline, 10,000 vs 1,000): "
            f"{growth:.2f} wall, {growth_cpu:.2f} CPU (1.00 = linear)"
        )
        figures["peak_mb_10000"] = f"{results[10000]['peak_mb']:.0f}"
        figures["growth_ratio"] = f"{growth:.2f}"
    print("RESULT " + " ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
