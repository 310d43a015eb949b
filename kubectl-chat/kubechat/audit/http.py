"""One way to build HTTPS clients: system trust store, or a given CA bundle (the collector's or
the API server's)."""

from __future__ import annotations

import ssl

import httpx


def tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()


def client(ca_file: str | None = None, timeout: float = 30.0, **kwargs) -> httpx.Client:
    return httpx.Client(verify=tls_context(ca_file), timeout=timeout, **kwargs)
