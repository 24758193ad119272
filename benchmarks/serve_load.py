"""Load on the report server: N concurrent logged-in sessions reading client pages for S
seconds, against `caseintel serve` in its own process, beside the baseline an agency might
pick instead (Python's static file server on the same site: no login, no roles, no audit).

Each session logs in (a director reads any client, a north supervisor their clients, a
worker their caseload), then opens client pages of its scope one after another with no
pause (a closed loop: the harshest reading of "N concurrent sessions"). Prints p50/p95/p99
latency, pages per second and errors for both servers, and checks that the report server's
audit trail has one row for every page it served and that its chain verifies.

    .venv/bin/caseintel demo     # a published demo agency in var/ (or --var DIR)
    .venv/bin/python benchmarks/serve_load.py --sessions 50 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from orchestration.server.audit import verify
from orchestration.server.login import Credentials

REPO_ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test password 1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start in 60 s")


def _scopes(var: Path) -> dict[str, list[str]]:
    """Client pages per test user, from the scope file the reports wrote."""
    db = sqlite3.connect(var / "site-scope.sqlite")
    north = [p for (p,) in db.execute("select person_id from person_scope where site = 'north'")]
    worker, = db.execute("select worker_id from person_worker join person_scope using"
                         " (person_id) where site = 'north' group by worker_id"
                         " order by count(*) desc limit 1").fetchone()
    mine = [p for (p,) in db.execute("select person_id from person_worker join person_scope"
                                     " using (person_id) where worker_id = ? and site = 'north'",
                                     (worker,))]
    everyone = [p for (p,) in db.execute("select distinct person_id from person_scope")]
    db.close()
    site = var / "site"
    return {
        "director": [f"/clients/{p}.html" for p in everyone
                     if (site / "clients" / f"{p}.html").exists()],
        "supervisor": [f"/supervisor-north/clients/{p}.html" for p in north
                       if (site / "supervisor-north" / "clients" / f"{p}.html").exists()],
        "worker": [f"/supervisor-north/clients/{p}.html" for p in mine
                   if (site / "supervisor-north" / "clients" / f"{p}.html").exists()],
        "worker_id": [worker],
    }


async def _session(base: str, user: str | None, pages: list[str], seconds: float,
                   latencies: list[float], errors: list[str], seed: int) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        if user is not None:
            form = await client.get("/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
            login = await client.post("/login", data={"user": user, "password": PASSWORD,
                                                      "csrf": csrf})
            if login.status_code != 303:
                errors.append(f"{user}: login refused ({login.status_code})")
                return
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            path = rng.choice(pages)
            started = time.perf_counter()
            response = await client.get(path)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                errors.append(f"{user}: {path} {response.status_code}")


async def _load(base: str, sessions: list[tuple[str | None, list[str]]], seconds: float):
    latencies: list[float] = []
    errors: list[str] = []
    started = time.monotonic()
    await asyncio.gather(*(_session(base, user, pages, seconds, latencies, errors, i)
                           for i, (user, pages) in enumerate(sessions)))
    return latencies, errors, time.monotonic() - started


def _summary(name: str, latencies: list[float], errors: list[str], wall: float) -> dict:
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"server": name, "pages": len(latencies), "pages_per_s": round(len(latencies) / wall, 1),
            "p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1), "errors": len(errors),
            "first_errors": errors[:3]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var", type=Path, default=REPO_ROOT / "var",
                        help="a var folder with a published site (caseintel demo)")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    var = args.var.resolve()
    if not (var / "site-scope.sqlite").exists():
        raise SystemExit(f"no published site with its scope file in {var}: run caseintel demo")
    scopes = _scopes(var)
    work = Path(tempfile.mkdtemp(prefix="caseintel-serve-load-"))
    access = work / "access.yaml"
    access.write_text(f"""users:
  - {{user: director, role: director, edition: agency}}
  - {{user: supervisor, role: supervisor, edition: supervisor-north}}
  - {{user: worker, role: worker, worker_id: {scopes['worker_id'][0]}, edition: supervisor-north}}
""", encoding="utf-8")
    env = {**os.environ, "CASEINTEL_VAR": str(var), "CASEINTEL_ACCESS": str(access),
           "CASEINTEL_AUDIT": str(work / "audit.sqlite"),
           "CASEINTEL_AUDIT_KEY_FILE": str(work / "audit.key"),
           "CASEINTEL_CREDENTIALS": str(work / "credentials")}
    credentials = Credentials(work / "credentials")
    for user in ("director", "supervisor", "worker"):
        credentials.set_password(user, PASSWORD)
    roles = ["director", "supervisor", "worker"]
    sessions = [(roles[i % 3], scopes[roles[i % 3]]) for i in range(args.sessions)]
    results = []

    port = _free_port()
    server = subprocess.Popen([str(Path(sys.executable).with_name("caseintel")), "serve", "--port",
                               str(port)], env=env, stdout=subprocess.DEVNULL)
    try:
        _wait(port, server)
        latencies, errors, wall = asyncio.run(_load(f"http://127.0.0.1:{port}", sessions,
                                                    args.seconds))
    finally:
        server.terminate()
        server.wait(30)
    summary = _summary("caseintel serve (login, roles, audit)", latencies, errors, wall)
    db = sqlite3.connect(work / "audit.sqlite")
    summary["audit_views"] = db.execute("select count(*) from audit_log where action = 'view'"
                                        " and status = 200").fetchone()[0]
    db.close()
    checked, broken = verify(work / "audit.sqlite", (work / "audit.key").read_bytes())
    page_errors = [e for e in errors if "login refused" not in e]
    summary["every_view_audited"] = summary["audit_views"] == len(latencies) - len(page_errors)
    summary["audit_chain"] = f"{checked} rows intact" if broken is None else f"broken: {broken}"
    results.append(summary)

    port = _free_port()
    static = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1", "--directory", str(var / "site")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(port, static)
        latencies, errors, wall = asyncio.run(_load(
            f"http://127.0.0.1:{port}", [(None, pages) for _, pages in sessions], args.seconds))
    finally:
        static.terminate()
        static.wait(30)
    results.append(_summary("python -m http.server (static files, no login)", latencies,
                            errors, wall))

    print(f"{args.sessions} concurrent sessions, {args.seconds:.0f} s each server, client pages,"
          f" no pause between pages; site {var / 'site'}; {os.cpu_count()} cores")
    print(json.dumps(results, indent=1))
    return 0 if results[0]["errors"] == 0 and results[0]["every_view_audited"] else 1


if __name__ == "__main__":
    sys.exit(main())
