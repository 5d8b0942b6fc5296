"""Running pb's ASGI app under uvicorn with several worker processes, each listening on its own socket.

uvicorn's own ``--workers`` binds one socket in the parent and shares it: every worker waits on the same accept
queue, and whichever wakes first takes the connections waiting there. Keep-alive connections, which a browser
or a reverse proxy opens in bursts and then keeps, end up mostly on one worker while the others idle (measured
with benchmarks/cast.py: all 32 client connections on one of two workers). On Linux each worker here binds its
own socket to the same address with ``SO_REUSEPORT``, and the kernel spreads new connections across the
workers' queues by a hash of the connection's addresses.

The parent only supervises: it starts the workers, starts a new one when one dies, stops them all on SIGINT or
SIGTERM, and gives up (exit status 3) when workers cannot start. Workers die with it, even if it is killed.
Elsewhere than Linux, and for one worker, uvicorn serves as it is.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

logger = logging.getLogger("uvicorn.error")
"""The supervisor speaks where uvicorn's own would."""

RESTART_DELAY_S = 1.0
"""A worker that dies at once is not restarted in a tight loop."""
QUICK_EXIT_S = 10.0
QUICK_EXITS_TO_GIVE_UP = 5
"""Workers that die within QUICK_EXIT_S of their start this many times in a row stop the server."""
PR_SET_PDEATHSIG = 1
STOP_TIMEOUT_S = 30.0


def spreads_connections() -> bool:
    """Whether the kernel balances connections over sockets sharing a port (Linux's SO_REUSEPORT)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound with SO_REUSEPORT to ``host:port``, ready for uvicorn.

    Made from the address's own family and protocol (``IPPROTO_TCP``, not 0): asyncio sets TCP_NODELAY on
    accepted connections only when the listening socket says it is TCP.
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def serve(app: str, *, host: str, port: int, workers: int, **options: Any) -> None:
    """Serve ``app`` (an import string) with ``workers`` processes; ``options`` go to ``uvicorn.Config``."""
    if workers < 1:
        raise ValueError("at least one worker")
    if workers == 1 or not spreads_connections():
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return
    if port == 0:
        raise ValueError("several workers need a fixed port: each binds it on its own")
    _check_free(host, port)
    uvicorn.Config(app, host=host, port=port, **options)  # sets up logging here as in the workers
    Supervisor(app, host, port, workers, options).run()


def _check_free(host: str, port: int) -> None:
    """Refuse an address something already listens on, as a plain bind would: SO_REUSEPORT alone would let
    these workers join another server's group (of the same user) and share its connections."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)


def _worker(app: str, host: str, port: int, options: dict[str, Any], parent: int) -> None:
    _die_with(parent)
    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        logger.error("worker could not listen on %s:%d: %s", host, port, exc)
        sys.exit(STARTUP_FAILURE)
    config = uvicorn.Config(app, host=host, port=port, **options)
    uvicorn.Server(config).run(sockets=[sock])


def _die_with(parent: int) -> None:
    """Ask Linux for SIGTERM when the supervisor dies, even by SIGKILL: no worker serves on unsupervised."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM) != 0 or os.getppid() != parent:
        # No death signal to be had, or the supervisor died before it was asked for.
        sys.exit(STARTUP_FAILURE)


@dataclass
class Supervisor:
    app: str
    host: str
    port: int
    workers: int
    options: dict[str, Any]
    processes: list[BaseProcess] = field(default_factory=list)
    stopping: bool = False

    def run(self) -> None:
        context = multiprocessing.get_context("spawn")
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._stop)
        self.processes = [self._start(context) for _ in range(self.workers)]
        started = [time.monotonic()] * self.workers
        quick_failures = 0
        logger.info("serving on %s:%d with %d workers (SO_REUSEPORT)", self.host, self.port, self.workers)
        while not self.stopping:
            time.sleep(0.5)
            for index, process in enumerate(self.processes):
                if process.is_alive() or self.stopping:
                    continue
                # A worker that dies soon after starting, again and again, will not start (a bad configuration,
                # a port it cannot bind): give up rather than restart it forever.
                quick = time.monotonic() - started[index] < QUICK_EXIT_S
                quick_failures = quick_failures + 1 if quick else 0
                if process.exitcode == STARTUP_FAILURE or quick_failures >= QUICK_EXITS_TO_GIVE_UP:
                    logger.error("worker %s exited with %s and would not start again; stopping",
                                 process.pid, process.exitcode)
                    self._stop_all()
                    sys.exit(STARTUP_FAILURE)
                logger.warning("worker %s exited with %s; starting another", process.pid, process.exitcode)
                time.sleep(RESTART_DELAY_S)
                if self.stopping:
                    break
                self.processes[index] = self._start(context)
                started[index] = time.monotonic()
        self._stop_all()

    def _stop_all(self) -> None:
        for process in self.processes:
            process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()

    def _start(self, context: Any) -> BaseProcess:
        process: BaseProcess = context.Process(
            target=_worker, args=(self.app, self.host, self.port, self.options, os.getpid()), name="pb-worker"
        )
        process.start()
        return process

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True
