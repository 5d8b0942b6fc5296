"""Benchmark: the residents' pages under load, beside the JSON endpoints that serve the same data.

Starts ``pb serve --demo`` as the README's first command does (embedded SQLite, a throwaway database, the access
log on) on a loopback port, signs a test person in through the development IdP in Chromium, and then:

- measures the ballot page (``/tuusula/vote/tuusula-2027/hyryla``, signed in) beside the JSON list of the same
  budget's projects (``GET /budgets/{id}/projects``, same cookie) in the same run as the reference;
- closes voting and publishes the results through the API (an official's token from ``pb token``), and measures
  the results page (``/tuusula/results/tuusula-2027/hyryla``) beside its JSON (``GET /budgets/{id}/results``);
- weighs each page with everything it loads, as Chromium received it (compressed bytes on the wire);
- runs Lighthouse (npm ``lighthouse@12.2.3``, the last release for Node 20, through ``npx``) on the ballot page
  with Debian's Chromium (``CHROME_PATH``), mobile emulation, for its accessibility and performance scores.

Each page and each JSON reference is measured the same way, in two phases (bounded: loopback only, a fixed
duration, at most ``PACED_CAP`` requests):

- throughput at saturation: ``wrk`` with ``--connections`` concurrent clients for ``--seconds`` (closed loop: each
  client sends its next request when the last one is answered). Its p99 is printed but is not a latency figure: in
  a closed loop, N clients at X requests a second wait N / X on average (Little's law) whatever the server does, so
  a p99 at saturation measures the generator's own queue;
- latency at a fixed offered rate: ``--paced-fraction`` (70% by default) of that throughput for ``--seconds``, the
  requests shared by ``--connections`` keep-alive connections of a small asyncio generator (open loop: request i is
  due at ``start + i / rate`` whatever happened to the ones before, and its latency counts from that due time, so a
  request kept waiting for a free connection counts its wait; no coordinated omission). ``p50_ms`` and ``p99_ms``
  come from this phase.

Each ``ratio`` is the page's saturation rate over its JSON reference's (1 means rendering the page costs nothing beyond
serving the data). Targets (issue 13): p99 under 50 ms, ballot page under 100 KB, Lighthouse accessibility 100 and
performance 95 or more. Needs ``wrk`` (``apt-get install -y wrk``), Chromium (``apt-get install -y chromium``)
and npm. Usage:

    .venv/bin/python benchmarks/web.py [--connections 100] [--seconds 10] [--workers 2] [--paced-fraction 0.7]
        [--no-lighthouse]

The last line is machine-readable (the ballot page; the results page has its own line above it):
``pages_per_s=... p50_ms=... p99_ms=... offered_per_s=... saturation_p99_ms=... json_per_s=... json_p99_ms=...
ratio=... ballot_kb=... lighthouse_a11y=... lighthouse_perf=...``, where ``pages_per_s`` and ``json_per_s`` are
saturation throughputs and the latencies are the open-loop phase's at ``offered_per_s``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
PACED_CAP = 20_000
"""At most this many requests in an open-loop phase, whatever the rate and duration."""
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


@dataclass(frozen=True)
class Paced:
    offered_per_s: float
    answered_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass(frozen=True)
class Measured:
    saturated: Load
    paced: Paced


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


class Connection:
    """A minimal keep-alive HTTP/1.1 GET client: the generator shares two cores with pb, and httpx costs more CPU
    per request than a page takes pb to render, which would hold the offered rate back."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        return cls(*await asyncio.open_connection(host, port, limit=1 << 20))

    async def get(self, request: bytes) -> int:
        """Sends the prepared request, reads the whole answer (Content-Length or chunked); returns its status."""
        self.writer.write(request)
        status = int((await self.reader.readline()).split()[1])
        length, chunked = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if not chunked:
            await self.reader.readexactly(length)
            return status
        while size := int((await self.reader.readline()).split(b";")[0], 16):
            await self.reader.readexactly(size + 2)
        await self.reader.readline()
        return status

    def close(self) -> None:
        self.writer.close()


async def paced(url: str, cookie: str, connections: int, rate: float, seconds: float) -> Paced:
    """Open-loop load at a fixed offered ``rate``: request i is due at ``start + i / rate`` whatever happened to
    the ones before; its latency counts from that moment, so time spent waiting for a free connection is included
    (no coordinated omission). ``connections`` keep-alive connections shared by every request, at most
    ``rate * seconds`` requests (capped at ``PACED_CAP``), loopback only."""
    parts = urlsplit(url)
    request = (f"GET {parts.path} HTTP/1.1\r\nhost: {parts.netloc}\r\ncookie: {cookie}\r\n"
               "accept-language: fi\r\n\r\n").encode()
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await Connection.open(parts.hostname or "127.0.0.1", parts.port or 80))
    latencies: list[float] = []
    failed = 0

    async def one(due: float) -> None:
        nonlocal failed
        connection = await idle.get()
        try:
            status = await asyncio.wait_for(connection.get(request), timeout=10)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
            failed += 1
            connection.close()
            connection = await Connection.open(parts.hostname or "127.0.0.1", parts.port or 80)
        else:
            latencies.append(time.perf_counter() - due)
            failed += status != 200
        finally:
            idle.put_nowait(connection)

    count = min(int(rate * seconds), PACED_CAP)
    started = time.perf_counter()
    tasks = []
    for i in range(count):
        due = started + i / rate
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    while not idle.empty():
        idle.get_nowait().close()
    p50, p99 = percentiles(latencies)
    return Paced(rate, len(latencies) / elapsed, p50, p99, failed)


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    if not latencies:
        return float("nan"), float("nan")
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def measure(url: str, cookie: str, connections: int, seconds: int, fraction: float) -> Measured:
    """Throughput at saturation (wrk, closed loop), then latency at ``fraction`` of it (open loop)."""
    saturated = wrk(url, cookie, connections, seconds)
    # A thread of its own: Playwright's sync API keeps an event loop running on this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        at_rate = thread.submit(asyncio.run, paced(url, cookie, connections, saturated.per_s * fraction,
                                                   seconds)).result()
    return Measured(saturated, at_rate)


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
    parser.add_argument("--paced-fraction", type=float, default=0.7,
                        help="the open-loop phase's offered rate, as a fraction of the saturation throughput")
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is needed: apt-get install -y chromium")
    connections, seconds = max(1, min(args.connections, 1000)), max(1, min(args.seconds, 120))
    fraction = max(0.05, min(args.paced_fraction, 1.0))

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
        ballot = measure(server.url + BALLOT, cookie, connections, seconds, fraction)
        ballot_ref = measure(ballot_json, cookie, connections, seconds, fraction)

        hyryla = publish(server)
        results_json = f"{server.url}/budgets/{hyryla}/results"
        for url in (server.url + RESULTS, results_json):
            check_status(url, cookie)
        results_bytes = weigh(browser, server.url + RESULTS)
        wrk(server.url + RESULTS, cookie, connections, 2)
        results = measure(server.url + RESULTS, cookie, connections, seconds, fraction)
        results_ref = measure(results_json, cookie, connections, seconds, fraction)
        browser.close()

    print(f"# {connections} concurrent clients, {args.workers} uvicorn workers, loopback, embedded SQLite; pages "
          f"signed in as a resident, in Finnish; each figure: wrk at saturation for {seconds} s (closed loop), "
          f"then {connections} connections sharing a fixed offered rate of {fraction:.0%} of that throughput for "
          f"{seconds} s (open loop, latency from each request's due time)")
    for name, page, ref, size in (("ballot", ballot, ballot_ref, ballot_bytes),
                                  ("results", results, results_ref, results_bytes)):
        for label, one in (("page", page), ("json", ref)):
            print(f"{name}_{label}: saturation {one.saturated.per_s:.0f}/s (p99 {one.saturated.p99_ms:.1f} ms, "
                  f"the generator's queue), {one.saturated.errors} errors; paced at {one.paced.offered_per_s:.0f}/s "
                  f"offered ({one.paced.answered_per_s:.0f}/s answered): p50 {one.paced.p50_ms:.1f} ms, "
                  f"p99 {one.paced.p99_ms:.1f} ms, {one.paced.errors} errors")
        print(f"{name}: ratio {page.saturated.per_s / ref.saturated.per_s:.2f}; "
              f"{size / 1024:.1f} KB with everything it loads")
    if not args.no_lighthouse:
        print(f"lighthouse (mobile) on the ballot page: accessibility {scores[0]}, performance {scores[1]}")
    print(f"results_pages_per_s={results.saturated.per_s:.0f} results_p50_ms={results.paced.p50_ms:.1f} "
          f"results_p99_ms={results.paced.p99_ms:.1f} results_offered_per_s={results.paced.offered_per_s:.0f} "
          f"results_json_per_s={results_ref.saturated.per_s:.0f} results_json_p99_ms={results_ref.paced.p99_ms:.1f} "
          f"results_ratio={results.saturated.per_s / results_ref.saturated.per_s:.2f} "
          f"results_kb={results_bytes / 1024:.1f}")
    print(f"pages_per_s={ballot.saturated.per_s:.0f} p50_ms={ballot.paced.p50_ms:.1f} p99_ms={ballot.paced.p99_ms:.1f} "
          f"offered_per_s={ballot.paced.offered_per_s:.0f} saturation_p99_ms={ballot.saturated.p99_ms:.1f} "
          f"json_per_s={ballot_ref.saturated.per_s:.0f} json_p99_ms={ballot_ref.paced.p99_ms:.1f} "
          f"ratio={ballot.saturated.per_s / ballot_ref.saturated.per_s:.2f} ballot_kb={ballot_bytes / 1024:.1f} "
          f"lighthouse_a11y={scores[0]} lighthouse_perf={scores[1]}")


if __name__ == "__main__":
    main()
