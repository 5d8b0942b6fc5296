# ruff: noqa: E501  (the pgbench script keeps each SQL statement as the app sends it)
"""Benchmark: casting ballots through the HTTP API against PostgreSQL, and the bare SQL with pgbench.

Starts pb as production serves it (``pb serve``: uvicorn workers, two by default, as the two cores are shared with
PostgreSQL and the load generator) on a loopback port against a throwaway PostgreSQL database, signs in N
residents, and casts one valid ballot each with a bounded asyncio load generator (hard caps on count,
concurrency and time). Then pgbench drives the same SQL for a bounded time. Checks that every acknowledged
ballot is stored once and nothing else is. Usage:

    .venv/bin/python benchmarks/cast.py [--voters 8000] [--concurrency 32] [--workers 2] [--seconds 30]

After an unmeasured warm-up, throughput (``ballots_per_s``) is measured at saturation (closed loop,
``--concurrency`` in flight) on half the residents; latency (``p50_ms``, ``p99_ms``) at a fixed offered rate of
70% of that throughput on the other half (open loop, latency counted from each request's due time), because a p99
taken at saturation measures the generator's own queue.

pgbench runs three times: with its default simple query protocol (``bare_sql_per_s`` and ``ratio``), with
prepared statements as pb sends them (a stricter reference, printed with its own ratio), and with prepared
statements paced at pb's offered rate (latency to compare with pb's).

The last line is machine-readable:
``ballots_per_s=... p50_ms=... p99_ms=... bare_sql_per_s=... ratio=... lost=... duplicated=...``
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
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

from pb.auth.identity import IdentityClaims  # noqa: E402
from pb.auth.sessions import open_session  # noqa: E402
from pb.db import create_engine, create_sessionmaker  # noqa: E402
from pb.demo.tuusula import DEMO_ACTOR, load_tuusula  # noqa: E402
from pb.migrate import upgrade  # noqa: E402
from pb.models import Budget, Phase  # noqa: E402
from pb.projects.schemas import ProjectCreate  # noqa: E402
from pb.projects.service import add_project  # noqa: E402
from pb.rounds.phases import transition  # noqa: E402
from pb.rounds.service import get_round  # noqa: E402
from pb.settings import Settings  # noqa: E402

ADMIN_URL = os.environ.get("PB_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BUDGET_SLUG = "luonto-ja-liikunta"
"""A theme budget open to every resident of the municipality (approval, at most three projects)."""

PGBENCH_SCRIPT = """\\set r random(1, 2000000000)
SELECT person_key, birth_date, municipality_code, postal_code, acr, expires_at, revoked_at FROM resident_session WHERE id = md5(:r::text);
WITH open_round AS (SELECT budget_round.id FROM budget_round JOIN budget ON budget.round_id = budget_round.id
  JOIN municipality ON municipality.id = budget_round.municipality_id
  WHERE budget_round.id = {round} AND budget.id = {budget} AND budget_round.phase = 'voting' AND budget_round.config_hash = '{config_hash}' AND municipality.code = '858'
  AND now() < 'infinity'::timestamptz FOR SHARE OF budget_round),
new_participation AS (INSERT INTO participation (budget_id, voter_key, sealed_ballot, idempotency_tag, request_tag)
  SELECT {budget}, md5(random()::text || :r) || md5(random()::text), repeat('s', 100), md5(random()::text), md5(random()::text)
  WHERE EXISTS (SELECT id FROM open_round) AND NOT EXISTS (SELECT id FROM ballot WHERE receipt = md5(:r::text) || md5(:r::text))
  ON CONFLICT (budget_id, voter_key) DO NOTHING RETURNING voter_key),
new_ballot AS (INSERT INTO ballot (id, budget_id, config_hash, selections, receipt)
  SELECT gen_random_uuid(), {budget}, '{config_hash}', '["A", "B"]', md5(random()::text || :r) || md5(random()::text)
  WHERE EXISTS (SELECT voter_key FROM new_participation) RETURNING id),
new_event AS (INSERT INTO cast_event (id, budget_id, action, status, code, at)
  SELECT gen_random_uuid(), {budget}, 'cast', 201, NULL, date_trunc('minute', now())
  WHERE EXISTS (SELECT id FROM new_ballot) RETURNING id)
SELECT EXISTS (SELECT id FROM open_round), EXISTS (SELECT voter_key FROM new_participation), EXISTS (SELECT id FROM new_event);
"""


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


def start_server(env: dict[str, str], port: int, workers: int, access_log: bool) -> subprocess.Popen[bytes]:
    """``pb serve``, pb's production server (uvicorn workers, each on its own SO_REUSEPORT socket; uvloop and
    httptools). Its log, access log included with ``--access-log``, goes to a discarded stream: formatting costs
    CPU, not its storage."""
    command = [sys.executable, "-m", "pb", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]
    env = {**env, "PB_LOG_LEVEL": "INFO" if access_log else "WARNING"}
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def wait_ready(base: str, deadline_s: float = 30) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            try:
                if (await http.get("/health")).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("pb did not start")


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
               seconds: float) -> tuple[float, list[float], list[str], dict[int, int]]:
    """Cast one ballot per token, at most ``concurrency`` in flight, stopping after ``seconds``."""
    latencies: list[float] = []
    receipts: list[str] = []
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
                    receipts.append(json.loads(answer)["receipt"])
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, receipts, statuses


async def paced(port: int, budget_id: int, config_hash: str, tokens: list[str], concurrency: int, rate: float,
                seconds: float) -> tuple[float, list[float], list[str], dict[int, int]]:
    """Open-loop load at a fixed ``rate`` (below capacity, for a fair latency figure): request i is due at
    ``start + i / rate``; its latency counts from that moment, so time spent queued behind a busy connection is
    included (no coordinated omission). At most ``concurrency`` connections, stopping after ``seconds``."""
    latencies: list[float] = []
    receipts: list[str] = []
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
                receipts.append(json.loads(answer)["receipt"])
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


def pgbench(dsn_db: str, script: str, *, clients: int, seconds: int, protocol: str, rate: float | None = None) -> Pgbench:
    """pgbench running ``script`` for ``seconds`` (at saturation, or at ``rate`` transactions a second, latency then
    counted from each transaction's scheduled start as pb's paced phase does); latency from its per-transaction log."""
    url = make_url(ADMIN_URL)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "cast.sql"
        path.write_text(script)
        command = ["pgbench", "-n", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                   "-U", url.username or "postgres", "-c", str(clients), "-j", "2", "-T", str(seconds),
                   "-M", protocol, "-f", str(path), "-l", "--log-prefix", str(Path(work) / "tx"), dsn_db]
        if rate is not None:
            command[1:1] = ["-R", f"{rate:.0f}"]
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
        latencies = [int(line.split()[2]) / 1e6 for log in Path(work).glob("tx.*") for line in
                     log.read_text().splitlines() if line.split()[2].isdigit()]
    match = re.search(r"tps = ([0-9.]+)", output)
    assert match, output
    p50, p99 = percentiles(latencies)
    return Pgbench(float(match.group(1)), p50, p99)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=8000, help="residents signed in (hard cap 20000)")
    parser.add_argument("--warmup", type=int, default=500,
                        help="residents who cast first, unmeasured: the workers' pools, caches and statements warm up")
    parser.add_argument("--concurrency", type=int, default=32, help="casts in flight (hard cap 256)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30, help="time limit of the HTTP load (hard cap 120)")
    parser.add_argument("--pgbench-seconds", type=int, default=10)
    parser.add_argument("--access-log", action="store_true", help="keep uvicorn's access log on (as pb serve does)")
    parser.add_argument("--saturation-share", type=float, default=0.5,
                        help="share of the residents cast at saturation (throughput); the rest are paced (latency)")
    parser.add_argument("--paced-fraction", type=float, default=0.7,
                        help="offered rate of the paced phase, as a fraction of the saturation throughput")
    args = parser.parse_args()
    voters, concurrency = min(args.voters, 20_000), min(args.concurrency, 256)
    seconds = min(args.seconds, 120)

    durability = await durability_settings()
    if durability != {"synchronous_commit": "on", "fsync": "on"}:
        raise SystemExit(f"refusing to measure without durable commits: {durability}")

    name = f"pb_bench_{uuid.uuid4().hex[:8]}"
    await admin(f'CREATE DATABASE "{name}"')
    database_url = make_url(ADMIN_URL).set(drivername="postgresql+asyncpg", database=name).render_as_string(
        hide_password=False)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    env = {**os.environ, "PB_DATABASE_URL": database_url, "PB_SESSION_PRIVATE_KEY": pem,
           "PB_VOTER_KEY_SECRET": uuid.uuid4().hex * 2, "PB_LOG_LEVEL": "WARNING", "PB_ENV": "development",
           "PB_DB_POOL_SIZE": os.environ.get("PB_DB_POOL_SIZE", "20"), "PB_SESSION_TTL_MINUTES": "600"}
    server = None
    try:
        await asyncio.to_thread(upgrade, database_url)
        settings = Settings(database_url=database_url, session_private_key=pem,  # type: ignore[arg-type]
                            voter_key_secret=env["PB_VOTER_KEY_SECRET"], session_ttl_minutes=600)
        round_id, budget_id, config_hash, tokens = await prepare(settings, voters)
        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        port = free_port()
        server = start_server(env, port, args.workers, args.access_log)
        base = f"http://127.0.0.1:{port}"
        await wait_ready(base)
        # Warm-up, not measured: each worker's first casts open its pool's connections, compile its statements and
        # learn the open budget.
        warmup = min(args.warmup, len(tokens) // 4)
        _, _, warm_receipts, warm_statuses = await load(
            port, budget_id, config_hash, tokens[:warmup], concurrency, seconds)
        tokens = tokens[warmup:]
        # What the generator has built so far is kept to the end: its collector need not walk it again (a full
        # collection would stall the generator and show as service latency).
        gc.collect()
        gc.freeze()
        await asyncio.sleep(1)
        cpu_before, postgres_before, own_before = server_cpu_seconds(server.pid), postgres_cpu_seconds(), time.process_time()
        # Throughput at saturation (closed loop, ``concurrency`` in flight) on the first part of the residents;
        # latency at a fixed offered rate below it (``--paced-fraction`` of that throughput) on the rest: a
        # p99 taken at saturation measures the queue the generator builds, not the service.
        split = int(len(tokens) * args.saturation_share)
        elapsed, saturated_latencies, receipts, statuses = await load(
            port, budget_id, config_hash, tokens[:split], concurrency, seconds)
        rate = len(receipts) / elapsed
        offered = rate * args.paced_fraction
        await asyncio.sleep(1)
        paced_elapsed, latencies, paced_receipts, paced_statuses = await paced(
            port, budget_id, config_hash, tokens[split:], concurrency, offered, seconds)
        connection = await asyncpg.connect(make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False))
        try:
            stored = {r["receipt"] for r in await connection.fetch(
                "SELECT receipt FROM ballot WHERE budget_id = $1", budget_id)}
            ballots = await connection.fetchval("SELECT count(*) FROM ballot WHERE budget_id = $1", budget_id)
            participations = await connection.fetchval(
                "SELECT count(*) FROM participation WHERE budget_id = $1", budget_id)
        finally:
            await connection.close()
        cpu_s = server_cpu_seconds(server.pid) - cpu_before
        postgres_s, own_s = postgres_cpu_seconds() - postgres_before, time.process_time() - own_before
        server.terminate()
        server.wait(timeout=30)
        server = None
        saturated_count = len(receipts)
        measured = saturated_count + len(paced_receipts)
        receipts = warm_receipts + receipts + paced_receipts
        lost = len(set(receipts) - stored)
        duplicated = (ballots - len(set(receipts))) + (len(receipts) - len(set(receipts)))
        script = PGBENCH_SCRIPT.format(round=round_id, budget=budget_id, config_hash=config_hash)
        clients = min(concurrency, 64)
        bare_simple = pgbench(name, script, clients=clients, seconds=args.pgbench_seconds, protocol="simple")
        bare_prepared = pgbench(name, script, clients=clients, seconds=args.pgbench_seconds, protocol="prepared")
        bare_paced = pgbench(name, script, clients=clients, seconds=args.pgbench_seconds, protocol="prepared",
                             rate=offered)
        bare = bare_simple.tps
        p50, p99 = percentiles(latencies)
        saturated_p50, saturated_p99 = percentiles(saturated_latencies)
        print(f"warm-up (not measured): {len(warm_receipts)} ballots, statuses {warm_statuses}")
        print(f"HTTP saturation (throughput): {saturated_count} ballots acknowledged in {elapsed:.2f} s with "
              f"{concurrency} in flight, {args.workers} workers (pb serve), access log {'on' if args.access_log else 'off'}; "
              f"statuses {statuses}; "
              f"p50 {saturated_p50:.1f} ms, p99 {saturated_p99:.1f} ms (queueing at saturation)")
        print(f"HTTP paced (latency): {len(paced_receipts)} ballots at a fixed offered rate of {offered:.0f}/s "
              f"({args.paced_fraction:.0%} of the saturation throughput) in {paced_elapsed:.2f} s; statuses "
              f"{paced_statuses}; latency from each request's due time; "
              f"participations {participations}, ballots {ballots}")
        per = 1000 / max(1, measured)
        print(f"CPU per measured ballot (user + system): pb {cpu_s * per:.2f} ms (server and workers), PostgreSQL "
              f"{postgres_s * per:.2f} ms, load generator {own_s * per:.2f} ms; {os.cpu_count()} cores")
        print(f"pgbench, {clients} clients, {args.pgbench_seconds} s a run, the first cast's SQL (the session row, then "
              f"one autocommitted statement locking the round and inserting); {durability}; load average before "
              f"{load_before}:")
        print(f"  simple query protocol (pgbench's default; bare_sql_per_s): {bare_simple.tps:.0f}/s, "
              f"p50 {bare_simple.p50_ms:.1f} ms, p99 {bare_simple.p99_ms:.1f} ms (at saturation)")
        print(f"  prepared statements (as pb sends them): {bare_prepared.tps:.0f}/s, p50 {bare_prepared.p50_ms:.1f} ms, "
              f"p99 {bare_prepared.p99_ms:.1f} ms (at saturation); pb's ratio to it {rate / bare_prepared.tps:.2f}")
        print(f"  prepared statements paced at pb's offered rate {offered:.0f}/s: p50 {bare_paced.p50_ms:.1f} ms, "
              f"p99 {bare_paced.p99_ms:.1f} ms")
        print(f"ballots_per_s={rate:.0f} p50_ms={p50:.1f} p99_ms={p99:.1f} bare_sql_per_s={bare:.0f} "
              f"ratio={rate / bare:.2f} lost={lost} duplicated={duplicated}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    try:  # the generator shares the cores with pb and PostgreSQL: the leaner event loop where installed
        import uvloop
    except ImportError:
        asyncio.run(main())
    else:
        uvloop.run(main())
