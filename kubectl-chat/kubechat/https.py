"""One way to build HTTPS clients: system trust store, or a given CA bundle (the collector's or
the API server's).

Every request these clients make carries a bearer token or a record, so they refuse plain HTTP.
The one exception is a test collector on this machine: with KUBECHAT_INSECURE_LOOPBACK=1 a plain
http:// URL to a loopback address (127.0.0.0/8, ::1, localhost) is allowed; any other host is still
refused, so the switch can never send a token across a network in clear.
"""

from __future__ import annotations

import os
import ssl
from urllib.parse import urlsplit

import httpx

from .errors import AuditError
from .ports import is_loopback

INSECURE_LOOPBACK_ENV = "KUBECHAT_INSECURE_LOOPBACK"


def require_tls(url: str) -> str:
    """Return `url` without a trailing slash, or raise AuditError when it would travel in clear."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname:
        if not is_loopback(parts.hostname):
            raise AuditError(
                f"refusing plain-HTTP URL {url}: it would send credentials in clear; use https://"
            )
        if os.environ.get(INSECURE_LOOPBACK_ENV) != "1":
            raise AuditError(
                f"refusing plain-HTTP URL {url}: use https://, or set {INSECURE_LOOPBACK_ENV}=1 "
                "for a test collector on this machine"
            )
        return url.rstrip("/")
    raise AuditError(f"cannot use URL {url!r}: expected https://HOST[:PORT]")


def _check_request(request: httpx.Request) -> None:
    require_tls(str(request.url))


def tls_context(ca_file: str | None = None, cert: tuple[str, str] | None = None) -> ssl.SSLContext:
    """Verifying the server with `ca_file` (or the system store); presenting `cert` (certificate
    file, key file) when given."""
    context = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
    if cert:
        context.load_cert_chain(*cert)
    return context


def client(
    ca_file: str | None = None, timeout: float = 30.0, cert: tuple[str, str] | None = None, **kwargs
) -> httpx.Client:
    # The hook checks every request, redirects and callers that skipped require_tls() included.
    return httpx.Client(
        verify=tls_context(ca_file, cert),
        timeout=timeout,
        event_hooks={"request": [_check_request]},
        **kwargs,
    )
