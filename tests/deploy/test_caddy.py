"""deploy/Caddyfile: Caddy terminates TLS with the mounted certificate, proxies to pb, sends HTTP to HTTPS.

The live test runs Debian's Caddy with the compose file's Caddyfile, changed only in what the host provides:
loopback ports instead of 80/443, a certificate made here, and a stand-in upstream for pb.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.deploy.tools import DEPLOY, run, tool

CADDYFILE = DEPLOY / "Caddyfile"


def _caddy_version() -> tuple[int, int]:
    """Caddy's major and minor version, from ``caddy version`` ("v2.6.2 h1:..." or "2.6.2")."""
    caddy = tool("caddy", installed_by="Debian's caddy, which .ci/run installs")
    found = re.match(r"v?(\d+)\.(\d+)", run(caddy, "version").stdout.strip())
    assert found, "caddy version printed no version"
    return int(found.group(1)), int(found.group(2))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _certificate(folder: Path) -> Path:
    """A self-signed certificate for 127.0.0.1, as cert.pem and key.pem in ``folder``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir()
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return folder / "cert.pem"


class _Upstream(BaseHTTPRequestHandler):
    """Stands in for pb: answers with what the proxy told it."""

    received: ClassVar[list[int]] = []
    """How many body bytes each request brought, in order."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        received = 0
        try:
            while received < length and (chunk := self.rfile.read(min(65536, length - received))):
                received += len(chunk)
        except OSError:
            pass
        _Upstream.received.append(received)
        if received < length:
            return
        body = f"{self.path} proto={self.headers.get('X-Forwarded-Proto')} bytes={length}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    return _certificate(tmp_path / "certs")


def _local_caddyfile(tmp_path: Path, certificate: Path, *, https: int, http: int, upstream: int) -> Path:
    text = CADDYFILE.read_text()
    for production, here in ((":443 {", f":{https} {{"), (":80 {", f":{http} {{"),
                             ("/certs/", f"{certificate.parent}/"), ("pb:8000", f"127.0.0.1:{upstream}"),
                             ("admin off", "admin off\n\tdefault_bind 127.0.0.1")):
        assert production in text, f"the Caddyfile no longer has {production!r}"
        text = text.replace(production, here)
    path = tmp_path / "Caddyfile"
    path.write_text(text)
    return path


def test_the_caddyfile_is_valid(tmp_path: Path, certificate: Path) -> None:
    caddy = tool("caddy", installed_by="Debian's caddy, which .ci/run installs")
    config = _local_caddyfile(tmp_path, certificate, https=_free_port(), http=_free_port(), upstream=_free_port())
    result = run(caddy, "validate", "--config", str(config), "--adapter", "caddyfile",
                 env={"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr


@pytest.fixture
def proxy(tmp_path: Path, certificate: Path) -> Iterator[tuple[int, int]]:
    caddy = tool("caddy", installed_by="Debian's caddy, which .ci/run installs")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    https, http = _free_port(), _free_port()
    config = _local_caddyfile(tmp_path, certificate, https=https, http=http, upstream=upstream.server_address[1])
    process = subprocess.Popen(
        [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
        env={"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", https), timeout=0.5).close()
                break
            except OSError:
                assert process.poll() is None, "caddy exited"
                assert time.monotonic() < deadline, "caddy did not listen"
                time.sleep(0.1)
        yield https, http
    finally:
        process.terminate()
        process.wait(timeout=10)
        upstream.shutdown()
        upstream.server_close()


def test_https_reaches_pb_with_hsts_and_without_a_server_banner(proxy: tuple[int, int], certificate: Path) -> None:
    https, _ = proxy
    context = ssl.create_default_context(cafile=certificate)
    response = httpx.get(f"https://127.0.0.1:{https}/rounds?page=2", verify=context)
    assert response.status_code == 200
    assert response.text == "/rounds?page=2 proto=https bytes=0"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Server" not in response.headers


def test_http_is_sent_to_https(proxy: tuple[int, int]) -> None:
    _, http = proxy
    response = httpx.get(f"http://127.0.0.1:{http}/rounds")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://127.0.0.1/rounds"


def test_a_body_over_the_limit_never_reaches_pb(proxy: tuple[int, int], certificate: Path) -> None:
    https, _ = proxy
    context = ssl.create_default_context(cafile=certificate)
    _Upstream.received.clear()
    small = httpx.post(f"https://127.0.0.1:{https}/ballot", content=b"x" * 1000, verify=context)
    assert small.text.endswith("bytes=1000")
    large = httpx.post(f"https://127.0.0.1:{https}/ballot", content=b"x" * 2_000_000, verify=context)
    # Caddy cuts the body at 1 MB: 413 from 2.7 on, 502 before (caddyserver/caddy#5652: the proxy reported the
    # cut body as an upstream failure), as in Debian's 2.6.
    assert large.status_code == (413 if _caddy_version() >= (2, 7) else 502)
    assert max(_Upstream.received) <= 1_000_000
