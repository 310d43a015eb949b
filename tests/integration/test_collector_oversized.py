"""Limits of a real collector process (`kubectl chat collector serve`, TLS 1.3 on loopback): a
huge body is refused before it is read and never grows the process, whether it declares its
length or streams it."""

import socket
import ssl
import time
from pathlib import Path

import pytest
from collector_support import serve_process

from kubechat import https as http

LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def collector(tmp_path_factory):
    d = tmp_path_factory.mktemp("collector")
    # The API server is never asked: every request here is refused before anyone is identified.
    extra = ("--api-server", "https://127.0.0.1:1", "--max-body-bytes", str(LIMIT))
    with serve_process(d, *extra) as (url, ca, proc):
        yield int(url.rsplit(":", 1)[1]), ca, proc.pid


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _send(port: int, ca: str, head: bytes, body_chunks) -> bytes:
    """Write a request over TLS, stop when the server stops reading, return its answer."""
    ctx = ssl.create_default_context(cafile=ca)
    with (
        socket.create_connection(("127.0.0.1", port), timeout=20) as raw,
        ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s,
    ):
        s.sendall(head)
        try:
            for chunk in body_chunks:
                s.sendall(chunk)
        except OSError:
            pass  # the collector answered and closed the connection: what we want
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                data = s.recv(65536)
                if not data:
                    break
                answer += data
        except OSError:
            pass
        return answer


def test_declared_huge_body_is_refused_before_it_is_read(collector):
    port, ca, pid = collector
    before = _rss_kib(pid)
    head = (
        b"POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 300000000\r\n\r\n"
    )
    started = time.monotonic()
    answer = _send(port, ca, head, [])  # not one byte of body is sent
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 5
    assert _rss_kib(pid) - before < 20 * 1024


def test_streamed_huge_body_is_cut_off_and_memory_stays_flat(collector):
    port, ca, pid = collector
    before = _rss_kib(pid)
    head = (
        b"POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    answer = _send(port, ca, head, (chunk for _ in range(300 * 16)))  # 300 MiB if all were read
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    grown = _rss_kib(pid) - before
    assert grown < 20 * 1024, f"collector grew by {grown} KiB"
    with http.client(ca) as client:  # and it still serves
        assert client.get(f"https://127.0.0.1:{port}/healthz").text == "ok"
