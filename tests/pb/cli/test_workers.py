"""pb.cli.workers: workers each on their own SO_REUSEPORT socket, supervised, spreading keep-alive connections."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pb.cli.workers import _check_free, listening_socket, serve, spreads_connections
from tests.ci import unavailable

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _linux_balancing() -> None:
    if not spreads_connections():
        unavailable("SO_REUSEPORT balancing is Linux's")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_workers_sockets_share_the_port_and_say_they_are_tcp() -> None:
    port = _free_port()
    first, second = listening_socket("127.0.0.1", port), listening_socket("127.0.0.1", port)
    try:
        assert first.getsockname() == second.getsockname() == ("127.0.0.1", port)
        assert first.proto == socket.IPPROTO_TCP, "asyncio sets TCP_NODELAY only on a socket that says TCP"
    finally:
        first.close()
        second.close()


def test_an_address_another_server_listens_on_is_refused() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(OSError, match="in use"):
            _check_free("127.0.0.1", port)
        with pytest.raises(OSError, match="in use"):
            serve("pb.asgi:create", factory=True, host="127.0.0.1", port=port, workers=2)


def test_several_workers_need_a_fixed_port_and_there_is_at_least_one() -> None:
    with pytest.raises(ValueError, match="fixed port"):
        serve("pb.asgi:create", factory=True, host="127.0.0.1", port=0, workers=2)
    with pytest.raises(ValueError, match="at least one"):
        serve("pb.asgi:create", factory=True, host="127.0.0.1", port=_free_port(), workers=0)


def test_workers_that_cannot_start_stop_the_server_with_status_3() -> None:
    """An app that does not import: each worker dies at once; the supervisor gives up instead of looping."""
    program = "from pb.cli.workers import serve; serve('no_such_module:app', host='127.0.0.1', port=%d, workers=2)"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", program % _free_port()], cwd=ROOT, capture_output=True,
                          timeout=120)

    assert done.returncode == 3, done.stderr.decode()[-2000:]
    assert b"would not start again" in done.stderr
    assert time.monotonic() - started < 60


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _workers(pid: int) -> list[int]:
    """The server's worker processes (multiprocessing's resource tracker, if any, is no worker)."""
    return [child for child in _children(pid) if "resource_tracker" not in Path(f"/proc/{child}/cmdline").read_text()]


def _established_by_pid(port: int, pids: list[int]) -> dict[int, int]:
    """How many established connections to ``port`` each process holds (from /proc, as ``ss -p`` would)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes.add(fields[9])
    held = {}
    for pid in pids:
        names = []
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                names.append(os.readlink(fd))
            except OSError:
                continue
        held[pid] = sum(1 for name in names if name.startswith("socket:[") and name[8:-1] in inodes)
    return held


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    env = {**os.environ, "PB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pb.sqlite3'}", "PB_ENV": "development",
           "PB_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "-m", "pb", "serve", "--port", str(port), "--workers", "2"],
                              cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200 and len(
                        _workers(server.pid)) == 2:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("pb serve did not start")
        yield server, port
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=40)


def test_keep_alive_connections_are_spread_over_the_workers(served: tuple[subprocess.Popen[bytes], int]) -> None:
    server, port = served
    clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}") for _ in range(32)]
    try:
        assert all(client.get("/health").status_code == 200 for client in clients)
        held = _established_by_pid(port, _workers(server.pid))
    finally:
        for client in clients:
            client.close()

    assert sum(held.values()) == 32
    # A hash of the client ports decides; with 32 connections either worker holding under 4 has odds below 1e-5.
    assert min(held.values()) >= 4, held


def test_a_dead_worker_is_replaced_and_a_stop_ends_them_all(served: tuple[subprocess.Popen[bytes], int]) -> None:
    server, port = served
    first, second = _workers(server.pid)
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (len(_workers(server.pid)) < 2 or first in _workers(server.pid)):
        time.sleep(0.2)
    replaced = _workers(server.pid)
    assert len(replaced) == 2 and first not in replaced and second in replaced
    for _ in range(5):
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200

    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=40) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in replaced)


def test_workers_do_not_outlive_a_killed_supervisor(served: tuple[subprocess.Popen[bytes], int]) -> None:
    server, _ = served
    workers = _workers(server.pid)

    server.kill()
    server.wait(timeout=10)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_running(pid) for pid in workers):
        time.sleep(0.2)

    assert not any(_running(pid) for pid in workers)


def _running(pid: int) -> bool:
    """Alive and not a zombie (a worker re-parented to init is reaped by it, or by nobody in a container)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
