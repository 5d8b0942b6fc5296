"""Benchmark: casting ballots through the HTTP API against PostgreSQL, and pb's own SQL replayed by pgbench.

Starts pb as production serves it (``pb serve``: uvicorn workers, two by default, as the two cores are shared with
PostgreSQL and the load generator; the access log on, written to a discarded stream) on a loopback port against a
throwaway PostgreSQL database, signs in N residents, and casts with a bounded asyncio load generator (hard caps on
count, concurrency and time). Checks that every acknowledged ballot is stored once and nothing else is. Usage:

    .venv/bin/python benchmarks/cast.py [--voters 8000] [--concurrency 32] [--workers 2] [--seconds 30]

Scenarios, each on residents of its own after an unmeasured warm-up:

- first casts (the common case, pb's first-cast path): throughput (``ballots_per_s``) at saturation (closed loop,
  ``--concurrency`` in flight); latency (``p50_ms``, ``p99_ms``) at a fixed offered rate of 70% of that throughput
  (open loop, latency counted from each request's due time), because a p99 taken at saturation measures the
  generator's own queue;
- revotes (``revote_per_s``): the residents of the saturation phase cast again (the first-cast statement finds
  their participation, then the full transaction replaces the ballot);
- full transaction (``full_tx_per_s``): first casts with the first-cast path off (benchmarks/full_transaction.py),
  as every cast would take without it.

The reference is pb's own SQL: the statements pb sends for each kind of cast, recorded with their arguments from
pb's engine and replayed by pgbench with prepared statements, pb's protocol (benchmarks/own_sql.py), so it cannot
drift from what pb sends. Each ``*ratio_vs_own_sql`` is pb's casts per second over pgbench's transactions per
second on that SQL: the SQL's time per cast over pb's (1 would mean pb adds nothing to its SQL; 0.5 that pb's
overhead equals its SQL's cost).

The last line is machine-readable:
``ballots_per_s=... p50_ms=... p99_ms=... own_sql_per_s=... ratio_vs_own_sql=... revote_per_s=...
revote_sql_per_s=... revote_ratio_vs_own_sql=... full_tx_per_s=... full_tx_sql_per_s=...
full_tx_ratio_vs_own_sql=... lost=... duplicated=...``
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from full_transaction import without_first_cast  # noqa: E402
from own_sql import Known, Recorder, Script, Sent, pgbench_script  # noqa: E402

import pb.voting.service  # noqa: E402
from pb.app import create_app  # noqa: E402
from pb.auth.identity import IdentityClaims  # noqa: E402
from pb.auth.sessions import open_session  # noqa: E402
from pb.core.db import create_engine, create_sessionmaker  # noqa: E402
from pb.core.migrate import upgrade  # noqa: E402
from pb.core.models import Budget, Phase  # noqa: E402
from pb.core.settings import Settings  # noqa: E402
from pb.demo.tuusula import DEMO_ACTOR, load_tuusula  # noqa: E402
from pb.lifecycle.phases import transition  # noqa: E402
from pb.projects.schemas import ProjectCreate  # noqa: E402
from pb.projects.service import add_project  # noqa: E402
from pb.rounds.service import get_round  # noqa: E402

ADMIN_URL = os.environ.get("PB_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BUDGET_SLUG = "luonto-ja-liikunta"
"""A theme budget open to every resident of the municipality (approval, at most three projects)."""



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def admin(*statements: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def durability_settings() -> dict[str, str]:
    """synchronous_commit and fsync as the server has them: the benchmark measures durable commits only."""
    connection = await asyncpg.connect(ADMIN_URL)
    try:
        return {name: await connection.fetchval(f"SHOW {name}") for name in ("synchronous_commit", "fsync")}
    finally:
        await connection.close()


async def prepare(settings: Settings, voters: int) -> tuple[int, int, str, list[str]]:
    """Open the demo round's voting and sign residents in; returns (round id, budget id, config hash, tokens)."""
    engine = create_engine(settings)
    now = datetime.now(UTC)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            budget_round = await load_tuusula(session, now=now)
            assert budget_round.id is not None
            budgets = {b.slug: b.id for b in (await session.exec(
                Budget.__table__.select().where(Budget.round_id == budget_round.id))).all()}  # type: ignore[attr-defined]
            for budget_id in budgets.values():
                for code, cost in {"A": 100_000, "B": 120_000, "C": 60_000, "D": 200_000}.items():
                    await add_project(session, budget_id=budget_id, data=ProjectCreate.model_validate(
                        {"code": code, "title": {"fi": f"Hanke {code}"}, "cost": cost}), actor=DEMO_ACTOR, now=now)
            for phase in (Phase.PROPOSALS, Phase.DELIBERATION, Phase.VOTING):
                await transition(session, round_id=budget_round.id, to=phase, actor=DEMO_ACTOR, now=now)
            config_hash = (await get_round(session, budget_round.id)).config_hash
        tokens = []
        async with create_sessionmaker(engine)() as session, session.begin():
            for i in range(voters):
                claims = IdentityClaims(
                    issuer="https://bench.idp", subject=f"voter-{i}", national_id=None, birth_date=date(1980, 1, 1),
                    municipality_code="858", postal_code="04300", acr="substantial", name=None,
                )
                token, _ = await open_session(session, settings, claims=claims, now=now)
                tokens.append(token)
        assert config_hash is not None
        return budget_round.id, budgets[BUDGET_SLUG], config_hash, tokens
    finally:
        await engine.dispose()


Server = subprocess.Popen[bytes]


def start_server(env: dict[str, str], port: int, workers: int, *, full_transaction: bool) -> subprocess.Popen[bytes]:
    """``pb serve``, pb's production server (uvicorn workers, each on its own SO_REUSEPORT socket; uvloop and
    httptools; the access log on at pb's default level), or the same with the first-cast path off. Its log goes
    to a discarded stream: formatting it costs CPU, storing it not."""
    listen = ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    command = ([sys.executable, str(ROOT / "benchmarks" / "full_transaction.py"), *listen] if full_transaction
               else [sys.executable, "-m", "pb", "serve", *listen])
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def wait_ready(base: str, server: subprocess.Popen[bytes], deadline_s: float = 180) -> None:
    """Until pb answers /health (its start is slow on a loaded machine: imports, migrations, two workers)."""
    async with httpx.AsyncClient(base_url=base) as http:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            if server.poll() is not None:
                raise RuntimeError(f"pb exited with status {server.returncode} before answering")
            try:
                if (await http.get("/health")).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"pb did not answer within {deadline_s:.0f} s")


class Connection:
    """A minimal keep-alive HTTP/1.1 client: the load generator shares two cores with pb and PostgreSQL, and
    httpx costs more CPU per request than the server's own handling."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        return cls(*await asyncio.open_connection(host, port))

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nhost: pb\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\n{head}\r\n".encode() + body
        )
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def load(port: int, budget_id: int, config_hash: str, tokens: list[str], concurrency: int,
               seconds: float) -> tuple[float, list[float], dict[str, str], dict[int, int]]:
    """Cast one ballot per token, at most ``concurrency`` in flight, stopping after ``seconds``; the receipts
    acknowledged, by token."""
    latencies: list[float] = []
    receipts: dict[str, str] = {}
    statuses: dict[int, int] = {}
    queue = list(reversed(tokens))
    deadline = time.monotonic() + seconds
    choices = [["A"], ["B"], ["C"], ["A", "B"], ["B", "C"], ["A", "C", "D"]]
    path = f"/budgets/{budget_id}/ballot"

    async def worker() -> None:
        connection = await Connection.open("127.0.0.1", port)
        try:
            while queue and time.monotonic() < deadline:
                token = queue.pop()
                body = json.dumps({"selections": choices[len(queue) % len(choices)], "config_hash": config_hash})
                started = time.perf_counter()
                status, answer = await connection.post(path, body.encode(), {
                    "authorization": f"Bearer {token}", "idempotency-key": uuid.uuid4().hex})
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1
                if status == 201:
                    receipts[token] = json.loads(answer)["receipt"]
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, receipts, statuses


async def paced(port: int, budget_id: int, config_hash: str, tokens: list[str], concurrency: int, rate: float,
                seconds: float) -> tuple[float, list[float], dict[str, str], dict[int, int]]:
    """Open-loop load at a fixed ``rate`` (below capacity, for a fair latency figure): request i is due at
    ``start + i / rate``; its latency counts from that moment, so time spent queued behind a busy connection is
    included (no coordinated omission). At most ``concurrency`` connections, stopping after ``seconds``."""
    latencies: list[float] = []
    receipts: dict[str, str] = {}
    statuses: dict[int, int] = {}
    choices = [["A"], ["B"], ["C"], ["A", "B"], ["B", "C"], ["A", "C", "D"]]
    path = f"/budgets/{budget_id}/ballot"
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(concurrency):
        idle.put_nowait(await Connection.open("127.0.0.1", port))

    async def one(i: int, token: str, due: float) -> None:
        connection = await idle.get()
        try:
            body = json.dumps({"selections": choices[i % len(choices)], "config_hash": config_hash})
            status, answer = await connection.post(path, body.encode(), {
                "authorization": f"Bearer {token}", "idempotency-key": uuid.uuid4().hex})
            latencies.append(time.perf_counter() - due)
            statuses[status] = statuses.get(status, 0) + 1
            if status == 201:
                receipts[token] = json.loads(answer)["receipt"]
        finally:
            idle.put_nowait(connection)

    started = time.perf_counter()
    tasks = []
    for i, token in enumerate(tokens):
        due = started + i / rate
        if due - started > seconds:
            break
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, token, due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    while not idle.empty():
        idle.get_nowait().close()
    return elapsed, latencies, receipts, statuses


def server_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of pb's server process and its workers so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids, pending = [], [pid]
    while pending:
        one = pending.pop()
        pids.append(one)
        pending.extend(int(p) for p in Path(f"/proc/{one}/task/{one}/children").read_text().split())
    for one in pids:
        fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def postgres_cpu_seconds() -> float:
    """User and system CPU seconds of every PostgreSQL server process so far (Linux /proc; a backend that exits
    takes its seconds with it, so the pools' connections are opened before measuring)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().startswith("postgres"):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return total


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    if not latencies:
        return float("nan"), float("nan")
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


@dataclass(frozen=True)
class Pgbench:
    tps: float
    p50_ms: float
    p99_ms: float


def pgbench(dsn_db: str, script: Script, *, clients: int, seconds: int, rate: float | None = None) -> Pgbench:
    """pgbench replaying ``script`` with prepared statements for ``seconds`` (at saturation, or at ``rate``
    transactions a second, latency then counted from each transaction's scheduled start as pb's paced phase
    does); latency from its per-transaction log. Fails on any failed transaction."""
    url = make_url(ADMIN_URL)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "cast.sql"
        path.write_text(script.text)
        command = ["pgbench", "-n", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                   "-U", url.username or "postgres", "-c", str(clients), "-j", "2", "-T", str(seconds),
                   "-M", "prepared", "-f", str(path), "-l", "--log-prefix", str(Path(work) / "tx"),
                   *(f"-D{name}={value}" for name, value in script.variables.items()), dsn_db]
        if rate is not None:
            command[1:1] = ["-R", f"{rate:.0f}"]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 60)
        if done.returncode != 0:
            raise RuntimeError(f"pgbench failed ({done.returncode}): {done.stderr[-2000:]}")
        latencies = [int(line.split()[2]) / 1e6 for log in Path(work).glob("tx.*") for line in
                     log.read_text().splitlines() if line.split()[2].isdigit()]
    match = re.search(r"tps = ([0-9.]+)", done.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    assert match, done.stdout
    if failed and int(failed.group(1)):
        raise RuntimeError(f"pgbench: {failed.group(0)}")
    p50, p99 = percentiles(latencies)
    return Pgbench(float(match.group(1)), p50, p99)


RECORDED_VOTERS = 5
"""Residents kept for recording pb's SQL: one to make the budget known, two first casts (then their revotes), two
full transactions."""


async def known_rows(dsn: str) -> Known:
    """The sessions, participations and ballots stored now (read apart from pb's engine, so not recorded)."""
    connection = await asyncpg.connect(dsn)
    try:
        return Known(
            sessions=frozenset(r[0] for r in await connection.fetch("SELECT id FROM resident_session")),
            voter_keys=frozenset(r[0] for r in await connection.fetch("SELECT voter_key FROM participation")),
            ballot_ids=frozenset(r[0] for r in await connection.fetch("SELECT id FROM ballot")),
        )
    finally:
        await connection.close()


async def record(settings: Settings, dsn: str, budget_id: int, config_hash: str, tokens: list[str],
                 clients: int) -> dict[str, Script]:
    """What pb sends for a first cast, a revote and a full transaction, recorded in-process on pb's own app and
    engine, each twice (two voters), as pgbench scripts."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    engine = create_engine(settings)
    recorder = Recorder()
    recorder.attach(engine)
    app = create_app(settings, engine=engine, run_scheduler=False)
    first_cast = pb.voting.service.try_first_cast
    scripts = {}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://pb") as http:  # type: ignore[arg-type]

            async def cast(token: str, selections: list[str]) -> list[Sent]:
                recorder.take()
                response = await http.post(f"/budgets/{budget_id}/ballot", headers={
                    "authorization": f"Bearer {token}", "idempotency-key": uuid.uuid4().hex},
                    json={"selections": selections, "config_hash": config_hash})
                if response.status_code != 201:
                    raise RuntimeError(f"recording a cast: {response.status_code} {response.text}")
                return recorder.take()

            await cast(tokens[0], ["A"])  # the budget is now known to the first-cast path, its configuration cached
            for kind, voters, selections in (("first", tokens[1:3], ["A", "B"]), ("revote", tokens[1:3], ["C"]),
                                             ("full_tx", tokens[3:5], ["A", "B"])):
                if kind == "full_tx":
                    without_first_cast()
                known = await known_rows(dsn)
                one, other = [await cast(token, selections) for token in voters]
                scripts[kind] = pgbench_script(one, other, known, clients=clients)
    finally:
        pb.voting.service.try_first_cast = first_cast
        await engine.dispose()
    return scripts


async def stored(dsn: str, budget_id: int) -> tuple[set[str], int, int]:
    """The budget's stored receipts, its ballots and its participations."""
    connection = await asyncpg.connect(dsn)
    try:
        receipts = {r["receipt"] for r in await connection.fetch(
            "SELECT receipt FROM ballot WHERE budget_id = $1", budget_id)}
        ballots = await connection.fetchval("SELECT count(*) FROM ballot WHERE budget_id = $1", budget_id)
        participations = await connection.fetchval(
            "SELECT count(*) FROM participation WHERE budget_id = $1", budget_id)
    finally:
        await connection.close()
    return receipts, int(ballots), int(participations)


async def serve_and_warm(
    env: dict[str, str], args: argparse.Namespace, budget_id: int, config_hash: str, warm: list[str], *,
    full_transaction: bool,
) -> tuple[Server, int, dict[str, str], dict[int, int]]:
    """A server up and warmed: each worker's first casts open its pool's connections, compile its statements and
    learn the open budget."""
    port = free_port()
    server = start_server(env, port, args.workers, full_transaction=full_transaction)
    try:
        await wait_ready(f"http://127.0.0.1:{port}", server)
        _, _, receipts, statuses = await load(port, budget_id, config_hash, warm, args.concurrency, args.seconds)
    except BaseException:
        stop(server)  # the caller has no server to stop yet
        raise
    # What the generator has built so far is kept to the end: its collector need not walk it again (a full
    # collection would stall the generator and show as service latency).
    gc.collect()
    gc.freeze()
    await asyncio.sleep(1)
    return server, port, receipts, statuses


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=8000, help="residents signed in (hard cap 20000)")
    parser.add_argument("--warmup", type=int, default=400,
                        help="residents who cast first on each server, unmeasured (pools, caches, statements warm up)")
    parser.add_argument("--concurrency", type=int, default=32, help="casts in flight (hard cap 256)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30, help="time limit of each HTTP phase (hard cap 120)")
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument("--scripts", type=Path, help="also write the generated pgbench scripts to this folder")
    parser.add_argument("--saturation-share", type=float, default=0.4,
                        help="share of the residents cast at saturation (throughput, then their revotes)")
    parser.add_argument("--paced-share", type=float, default=0.3,
                        help="share cast at a fixed rate (latency); the rest cast with the full transaction")
    parser.add_argument("--paced-fraction", type=float, default=0.7,
                        help="offered rate of the paced phase, as a fraction of the saturation throughput")
    args = parser.parse_args()
    args.voters, args.concurrency = min(args.voters, 20_000), min(args.concurrency, 256)
    args.seconds = min(args.seconds, 120)

    durability = await durability_settings()
    if durability != {"synchronous_commit": "on", "fsync": "on"}:
        raise SystemExit(f"refusing to measure without durable commits: {durability}")

    name = f"pb_bench_{uuid.uuid4().hex[:8]}"
    await admin(f'CREATE DATABASE "{name}"')
    database_url = make_url(ADMIN_URL).set(drivername="postgresql+asyncpg", database=name).render_as_string(
        hide_password=False)
    dsn = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    env = {**os.environ, "PB_DATABASE_URL": database_url, "PB_SESSION_PRIVATE_KEY": pem,
           "PB_VOTER_KEY_SECRET": uuid.uuid4().hex * 2, "PB_ENV": "development",
           "PB_DB_POOL_SIZE": os.environ.get("PB_DB_POOL_SIZE", "20"), "PB_SESSION_TTL_MINUTES": "600"}
    env.pop("PB_LOG_LEVEL", None)  # pb's default level, as pb serve runs: the access log is on
    server = None
    try:
        await asyncio.to_thread(upgrade, database_url)
        settings = Settings(database_url=database_url, session_private_key=pem,  # type: ignore[arg-type]
                            voter_key_secret=env["PB_VOTER_KEY_SECRET"], session_ttl_minutes=600)
        _, budget_id, config_hash, tokens = await prepare(settings, args.voters + RECORDED_VOTERS)
        recording, tokens = tokens[:RECORDED_VOTERS], tokens[RECORDED_VOTERS:]
        warmup = min(args.warmup, len(tokens) // 10)
        warm, tokens = tokens[:warmup], tokens[warmup:]
        split = int(len(tokens) * args.saturation_share)
        paced_end = int(len(tokens) * (args.saturation_share + args.paced_share))
        saturating, pacing, full = tokens[:split], tokens[split:paced_end], tokens[paced_end:]
        full_warm, full = full[:warmup], full[warmup:]
        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        acknowledged: dict[str, str] = {}

        # First casts and revotes on pb serve.
        server, port, warm_receipts, warm_statuses = await serve_and_warm(
            env, args, budget_id, config_hash, warm, full_transaction=False)
        acknowledged |= warm_receipts
        cpu_before, postgres_before = server_cpu_seconds(server.pid), postgres_cpu_seconds()
        own_before = time.process_time()
        # Throughput at saturation (closed loop, ``concurrency`` in flight); latency at a fixed offered rate below
        # it (``--paced-fraction`` of that throughput): a p99 taken at saturation measures the generator's queue.
        elapsed, saturated_latencies, receipts, statuses = await load(
            port, budget_id, config_hash, saturating, args.concurrency, args.seconds)
        acknowledged |= receipts
        rate = len(receipts) / elapsed
        offered = rate * args.paced_fraction
        await asyncio.sleep(1)
        paced_elapsed, latencies, paced_receipts, paced_statuses = await paced(
            port, budget_id, config_hash, pacing, args.concurrency, offered, args.seconds)
        acknowledged |= paced_receipts
        cpu_s = server_cpu_seconds(server.pid) - cpu_before
        postgres_s, own_s = postgres_cpu_seconds() - postgres_before, time.process_time() - own_before
        measured = len(receipts) + len(paced_receipts)
        await asyncio.sleep(1)
        revoters = list(receipts)
        revote_elapsed, revote_latencies, revote_receipts, revote_statuses = await load(
            port, budget_id, config_hash, revoters, args.concurrency, args.seconds)
        acknowledged |= revote_receipts
        revote_rate = len(revote_receipts) / revote_elapsed
        stop(server)
        server = None

        # First casts with the full transaction.
        server, port, full_warm_receipts, full_warm_statuses = await serve_and_warm(
            env, args, budget_id, config_hash, full_warm, full_transaction=True)
        acknowledged |= full_warm_receipts
        full_elapsed, full_latencies, full_receipts, full_statuses = await load(
            port, budget_id, config_hash, full, args.concurrency, args.seconds)
        acknowledged |= full_receipts
        full_rate = len(full_receipts) / full_elapsed
        stop(server)
        server = None

        # Every acknowledged ballot stored once (a revote's replaces the voter's earlier one), nothing else.
        receipts_stored, ballots, participations = await stored(dsn, budget_id)
        latest = set(acknowledged.values())
        lost = len(latest - receipts_stored)
        duplicated = (ballots - len(latest)) + (len(acknowledged) - len(latest))

        # pb's own SQL, recorded from pb's engine, replayed by pgbench.
        clients = min(args.concurrency, 64)
        scripts = await record(settings, dsn, budget_id, config_hash, recording, clients)
        if args.scripts is not None:
            args.scripts.mkdir(parents=True, exist_ok=True)
            for kind, script in scripts.items():
                (args.scripts / f"{kind}.sql").write_text(script.text)
                (args.scripts / f"{kind}.variables").write_text(
                    "".join(f"{name}={value}\n" for name, value in script.variables.items()))
        for statement, arguments in scripts["revote"].seed:
            await admin_on(dsn, statement, *arguments)
        sql = pgbench(name, scripts["first"], clients=clients, seconds=args.pgbench_seconds)
        sql_paced = pgbench(name, scripts["first"], clients=clients, seconds=args.pgbench_seconds, rate=offered)
        sql_revote = pgbench(name, scripts["revote"], clients=clients, seconds=args.pgbench_seconds)
        sql_full = pgbench(name, scripts["full_tx"], clients=clients, seconds=args.pgbench_seconds)

        p50, p99 = percentiles(latencies)
        saturated_p50, saturated_p99 = percentiles(saturated_latencies)
        revote_p50, revote_p99 = percentiles(revote_latencies)
        full_p50, full_p99 = percentiles(full_latencies)
        print(f"pb serve, {args.workers} workers, access log on; {args.concurrency} casts in flight at saturation; "
              f"{durability}; load average before {load_before}, after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"warm-up (not measured): {sum(warm_statuses.values())} first casts, statuses {warm_statuses}; "
              f"full transaction's {sum(full_warm_statuses.values())}, statuses {full_warm_statuses}")
        print(f"first casts at saturation (throughput): {len(receipts)} in {elapsed:.2f} s, {rate:.0f}/s; statuses "
              f"{statuses}; p50 {saturated_p50:.1f} ms, p99 {saturated_p99:.1f} ms (queueing at saturation)")
        print(f"first casts paced (latency): {len(paced_receipts)} at a fixed offered rate of {offered:.0f}/s "
              f"({args.paced_fraction:.0%} of the saturation throughput) in {paced_elapsed:.2f} s; statuses "
              f"{paced_statuses}; p50 {p50:.1f} ms, p99 {p99:.1f} ms from each request's due time")
        print(f"revotes at saturation: {len(revote_receipts)} in {revote_elapsed:.2f} s, {revote_rate:.0f}/s; statuses "
              f"{revote_statuses}; p50 {revote_p50:.1f} ms, p99 {revote_p99:.1f} ms")
        print(f"first casts with the full transaction, at saturation: {len(full_receipts)} in {full_elapsed:.2f} s, "
              f"{full_rate:.0f}/s; statuses {full_statuses}; p50 {full_p50:.1f} ms, p99 {full_p99:.1f} ms")
        print(f"stored: participations {participations}, ballots {ballots}, for {len(acknowledged)} residents "
              "acknowledged")
        per = 1000 / max(1, measured)
        print(f"CPU per first cast (user + system, saturation and paced): pb {cpu_s * per:.2f} ms (server and "
              f"workers), PostgreSQL {postgres_s * per:.2f} ms, load generator {own_s * per:.2f} ms; "
              f"{os.cpu_count()} cores")
        print(f"pb's own SQL (recorded from pb, benchmarks/own_sql.py), pgbench -M prepared, {clients} clients, "
              f"{args.pgbench_seconds} s a run:")
        for label, script, result in (("first cast", scripts["first"], sql), ("revote", scripts["revote"], sql_revote),
                                      ("full transaction", scripts["full_tx"], sql_full)):
            print(f"  {label} ({script.statements} statements): {result.tps:.0f}/s, p50 {result.p50_ms:.1f} ms, "
                  f"p99 {result.p99_ms:.1f} ms (at saturation)")
        print(f"  first cast paced at pb's offered rate {offered:.0f}/s: p50 {sql_paced.p50_ms:.1f} ms, "
              f"p99 {sql_paced.p99_ms:.1f} ms")
        print(f"ballots_per_s={rate:.0f} p50_ms={p50:.1f} p99_ms={p99:.1f} own_sql_per_s={sql.tps:.0f} "
              f"ratio_vs_own_sql={rate / sql.tps:.2f} revote_per_s={revote_rate:.0f} "
              f"revote_sql_per_s={sql_revote.tps:.0f} revote_ratio_vs_own_sql={revote_rate / sql_revote.tps:.2f} "
              f"full_tx_per_s={full_rate:.0f} full_tx_sql_per_s={sql_full.tps:.0f} "
              f"full_tx_ratio_vs_own_sql={full_rate / sql_full.tps:.2f} lost={lost} duplicated={duplicated}")
    finally:
        if server is not None:
            stop(server)
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def admin_on(dsn: str, statement: str, *arguments: object) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement, *arguments)
    finally:
        await connection.close()


if __name__ == "__main__":
    try:  # the generator shares the cores with pb and PostgreSQL: the leaner event loop where installed
        import uvloop
    except ImportError:
        asyncio.run(main())
    else:
        uvloop.run(main())
