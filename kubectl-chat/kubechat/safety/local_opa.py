"""The two calls a run makes to the local OPA sidecar (health, one decision), over the standard
library's http.client.

The sidecar listens on loopback, in clear, with no token and no proxy in between, so an HTTP
client library buys nothing here and its import (requests, urllib3, idna, charset-normalizer:
about 0.1 s) would be paid by every run. A central OPA goes through opa-python-client (TLS,
tokens, proxies), as before.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlencode

HOST = "127.0.0.1"


class OpaUnreachable(OSError):
    """The sidecar did not answer, or answered with an error status."""


def healthy(port: int, timeout: float = 1.0) -> bool:
    try:
        status, _ = _request("GET", port, "/health", None, timeout)
    except (OSError, http.client.HTTPException):
        return False
    return status == 200


class LocalOpa:
    """What decide() needs of an OPA client, for the sidecar on `port`."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port = port
        self.timeout = timeout

    def query_rule(self, input_data: dict, package_path: str, rule_name: str, query_params: dict) -> dict:
        """POST the input to /v1/data/<package>/<rule>; the parsed JSON answer. Raises
        OpaUnreachable when OPA cannot be reached or answers with an error status, ValueError
        when the body is not JSON. A refused connection is tried once more (a sidecar that is
        just starting)."""
        path = f"/v1/data/{package_path.replace('.', '/')}/{rule_name}?{urlencode(query_params)}"
        body = json.dumps({"input": input_data}).encode()
        for attempt in (1, 2):
            try:
                status, data = _request("POST", self.port, path, body, self.timeout)
                break
            except ConnectionRefusedError as exc:
                if attempt == 2:
                    raise OpaUnreachable(str(exc)) from exc
            except (OSError, http.client.HTTPException) as exc:
                raise OpaUnreachable(str(exc)) from exc
        if status != 200:
            raise OpaUnreachable(f"HTTP {status}")
        return json.loads(data)

    def close_connection(self) -> None:
        """Nothing to close: each call uses its own connection."""


def _request(method: str, port: int, path: str, body: bytes | None, timeout: float) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()
