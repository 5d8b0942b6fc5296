"""Benchmark: the residents' pages under load, beside the JSON endpoints that serve the same data.

Starts ``pb serve --demo`` as the README's first command does (embedded SQLite, a throwaway database, the access
log on) on a loopback port, signs a test person in through the development IdP in Chromium, and then:

- loads the ballot page (``/tuusula/vote/tuusula-2027/hyryla``, signed in) with ``wrk`` at ``--connections``
  concurrent clients for ``--seconds`` (bounded: loopback only, fixed duration), beside the JSON list of the same
  budget's projects (``GET /budgets/{id}/projects``, same cookie) in the same run as the reference;
- closes voting and publishes the results through the API (an official's token from ``pb token``), and loads
  the results page (``/tuusula/results/tuusula-2027/hyryla``) beside its JSON (``GET /budgets/{id}/results``);
- weighs each page with everything it loads, as Chromium received it (compressed bytes on the wire);
- runs Lighthouse (npm ``lighthouse@12.2.3``, the last release for Node 20, through ``npx``) on the ballot page
  with Debian's Chromium (``CHROME_PATH``), mobile emulation, for its accessibility and performance scores.

Each ``ratio`` is the page's rate over its JSON reference's (1 means rendering the page costs nothing beyond
serving the data). Targets (issue 13): p99 under 50 ms, ballot page under 100 KB, Lighthouse accessibility 100 and
performance 95 or more. Needs ``wrk`` (``apt-get install -y wrk``), Chromium (``apt-get install -y chromium``)
and npm. Usage:

    .venv/bin/python benchmarks/web.py [--connections 100] [--seconds 10] [--workers 2] [--no-lighthouse]

The last line is machine-readable:
``pages_per_s=... p99_ms=... json_per_s=... ratio=... ballot_kb=... lighthouse_a11y=... lighthouse_perf=...``
(the ballot page; the results page has its own line above it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, BrowserContext, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
LIGHTHOUSE = "lighthouse@12.2.3"
BALLOT = "/tuusula/vote/tuusula-2027/hyryla"
RESULTS = "/tuusula/results/tuusula-2027/hyryla"
COOKIES: list[Any] = []
"""The signed-in browser's cookies, for fresh contexts."""


@dataclass(frozen=True)
class Server:
    url: str
    workdir: Path
    env: dict[str, str]


@dataclass(frozen=True)
class Load:
    per_s: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve(workers: int) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="pb-web-bench-") as folder:
        workdir = Path(folder)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            "PB_ENV": "development",
            "PB_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'pb.sqlite3'}",
            "PB_PUBLIC_URL": url,
            "PB_SCHEDULE_INTERVAL_S": "3600",
            "PB_SIGNIN_RATE_LIMIT_PER_MINUTE": "1000",
        }
        command = [sys.executable, "-m", "pb", "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(workers), "--demo"]
        with (workdir / "server.log").open("wb") as log:
            process = subprocess.Popen(command, cwd=workdir, env={**os.environ, **env}, stdout=log,
                                       stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("pb serve did not start:\n" + (workdir / "server.log").read_text()[-2000:])
                try:
                    if httpx.get(url + "/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
            yield Server(url, workdir, env)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def sign_in(context: BrowserContext) -> str:
    """Signs Aino in through the development IdP; returns the Cookie header the browser now sends to pb."""
    page = context.new_page()
    page.goto(BALLOT)
    page.get_by_role("link", name="Aino Virtanen").click()
    page.wait_for_url(f"**{BALLOT}")
    page.close()
    COOKIES[:] = context.cookies()
    return "; ".join(f"{c['name']}={c['value']}" for c in COOKIES)


def weigh(browser: Browser, url: str) -> int:
    """Bytes a first visit receives for the page and everything it loads (bodies as sent, compressed): in a
    context with the signed-in cookies but an empty cache."""
    context = browser.new_context(locale="fi-FI", viewport={"width": 375, "height": 800})
    context.add_cookies(COOKIES)
    page = context.new_page()
    responses: list[int] = []
    page.on("requestfinished", lambda request: responses.append(request.sizes()["responseBodySize"]))
    page.goto(url, wait_until="networkidle")
    context.close()
    return sum(responses)


def wrk(url: str, cookie: str, connections: int, seconds: int) -> Load:
    threads = min(2, connections)
    run = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
         "-H", f"Cookie: {cookie}", "-H", "Accept-Language: fi", url],
        capture_output=True, text=True, check=True,
    )
    out = run.stdout
    per_s = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    assert p99 is not None, out
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = int(errors.group(1)) if errors else 0
    failed += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return Load(per_s, float(p99.group(1)) * scale, failed)


def check_status(url: str, cookie: str) -> None:
    answer = httpx.get(url, headers={"cookie": cookie}, timeout=10)
    if answer.status_code != 200:
        raise SystemExit(f"{url} answered {answer.status_code}: {answer.text[:300]}")


def publish(server: Server) -> int:
    """Closes voting and publishes every budget's result; returns the Hyrylä budget's id."""
    issued = subprocess.run(
        [sys.executable, "-m", "pb", "token", "--role", "official", "--subject", "benchmark@tuusula.example",
         "--municipality", "tuusula"],
        cwd=server.workdir, env={**os.environ, **server.env}, capture_output=True, text=True, check=True,
    )
    headers = {"authorization": f"Bearer {issued.stdout.strip().split()[-1]}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as api:
        round_id = next(r["id"] for r in api.get("/rounds").json() if r["slug"] == "tuusula-2027")
        api.post(f"/rounds/{round_id}/transitions", json={"to": "tallying"}).raise_for_status()
        hyryla = 0
        for budget in api.get(f"/rounds/{round_id}/budgets").json():
            api.post(f"/budgets/{budget['id']}/result/confirm").raise_for_status()
            api.post(f"/budgets/{budget['id']}/result/publish", json={"acknowledge_small_count": True}
                     ).raise_for_status()
            if budget["slug"] == "hyryla":
                hyryla = budget["id"]
    return hyryla


def lighthouse(url: str, cookie: str) -> tuple[int, int]:
    """Lighthouse's accessibility and performance scores (0-100) of the page, on a phone."""
    npx = shutil.which("npx")
    if npx is None:
        raise SystemExit("npx (npm) is needed for Lighthouse")
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    run = subprocess.run(
        [npx, "--yes", LIGHTHOUSE, url, "--quiet", "--output=json", "--output-path=stdout",
         "--only-categories=accessibility,performance", "--form-factor=mobile", f"--chrome-flags={flags}",
         f"--extra-headers={json.dumps({'Cookie': cookie})}"],
        capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=600,
    )
    if run.returncode != 0:
        raise SystemExit(f"lighthouse failed ({run.returncode}): {run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    categories = report["categories"]
    return round(categories["accessibility"]["score"] * 100), round(categories["performance"]["score"] * 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is needed: apt-get install -y chromium")
    connections, seconds = max(1, min(args.connections, 1000)), max(1, min(args.seconds, 120))

    with serve(args.workers) as server, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=server.url, locale="fi-FI", viewport={"width": 375, "height": 800})
        cookie = sign_in(context)
        budgets = httpx.get(f"{server.url}/rounds/1/budgets", timeout=10).json()
        hyryla = next(b["id"] for b in budgets if b["slug"] == "hyryla")
        ballot_json = f"{server.url}/budgets/{hyryla}/projects"
        for url in (server.url + BALLOT, ballot_json):
            check_status(url, cookie)
        ballot_bytes = weigh(browser, server.url + BALLOT)
        scores = (-1, -1) if args.no_lighthouse else lighthouse(server.url + BALLOT, cookie)
        wrk(server.url + BALLOT, cookie, connections, 2)  # warm-up, not counted
        ballot = wrk(server.url + BALLOT, cookie, connections, seconds)
        ballot_ref = wrk(ballot_json, cookie, connections, seconds)

        hyryla = publish(server)
        results_json = f"{server.url}/budgets/{hyryla}/results"
        for url in (server.url + RESULTS, results_json):
            check_status(url, cookie)
        results_bytes = weigh(browser, server.url + RESULTS)
        wrk(server.url + RESULTS, cookie, connections, 2)
        results = wrk(server.url + RESULTS, cookie, connections, seconds)
        results_ref = wrk(results_json, cookie, connections, seconds)
        browser.close()

    print(f"# {connections} concurrent clients for {seconds} s each, {args.workers} uvicorn workers, loopback, "
          "embedded SQLite; pages signed in as a resident, in Finnish")
    for name, page, ref, size in (("ballot", ballot, ballot_ref, ballot_bytes),
                                  ("results", results, results_ref, results_bytes)):
        print(f"{name}_page: {page.per_s:.0f} pages/s, p99 {page.p99_ms:.1f} ms, {page.errors} errors; "
              f"json: {ref.per_s:.0f}/s, p99 {ref.p99_ms:.1f} ms; ratio {page.per_s / ref.per_s:.2f}; "
              f"{size / 1024:.1f} KB with everything it loads")
    if not args.no_lighthouse:
        print(f"lighthouse (mobile) on the ballot page: accessibility {scores[0]}, performance {scores[1]}")
    print(f"results_pages_per_s={results.per_s:.0f} results_p99_ms={results.p99_ms:.1f} "
          f"results_json_per_s={results_ref.per_s:.0f} results_ratio={results.per_s / results_ref.per_s:.2f} "
          f"results_kb={results_bytes / 1024:.1f}")
    print(f"pages_per_s={ballot.per_s:.0f} p99_ms={ballot.p99_ms:.1f} json_per_s={ballot_ref.per_s:.0f} "
          f"ratio={ballot.per_s / ballot_ref.per_s:.2f} ballot_kb={ballot_bytes / 1024:.1f} "
          f"lighthouse_a11y={scores[0]} lighthouse_perf={scores[1]}")


if __name__ == "__main__":
    main()
