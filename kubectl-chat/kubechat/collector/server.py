"""Run the collector under uvicorn, HTTPS with TLS 1.3 as the minimum."""

from __future__ import annotations

import ssl

import uvicorn

from ..errors import UsageError


def parse_listen(listen: str) -> tuple[str, int]:
    host, sep, port = listen.rpartition(":")
    if not sep or not port.isdigit():
        raise UsageError(f"cannot read --listen {listen!r}", hint="use HOST:PORT, e.g. 0.0.0.0:8443")
    return host.strip("[]") or "0.0.0.0", int(port)  # noqa: S104 - explicit listen address


def trusted_proxies(cidrs: tuple[str, ...] | list[str]) -> list[str]:
    """The networks whose X-Forwarded-For is believed, checked; a bad one is a one-line error."""
    import ipaddress

    out = []
    for cidr in cidrs:
        try:
            out.append(str(ipaddress.ip_network(cidr.strip(), strict=False)))
        except ValueError:
            raise UsageError(
                f"cannot read --trusted-proxy {cidr!r}", hint="use an address or a CIDR, e.g. 10.0.0.0/8"
            ) from None
    return out


def make_config(
    app,
    listen: str,
    tls_cert: str | None,
    tls_key: str | None,
    insecure_http: bool = False,
    trusted_proxy: tuple[str, ...] = (),
    front_proxy_ca: str | None = None,
):
    """uvicorn's configuration. The client address (rate limits, identity lookups) is the TCP
    peer's; X-Forwarded-For counts only from a `trusted_proxy` network (uvicorn would otherwise
    believe it from 127.0.0.1, or from whatever FORWARDED_ALLOW_IPS says). With `front_proxy_ca`
    a client certificate is asked for (not required: shippers with a token present none), must
    verify against that CA alone, and its name is handed to the app (the aggregated API)."""
    host, port = parse_listen(listen)
    proxies = trusted_proxies(trusted_proxy)
    if front_proxy_ca and insecure_http:
        raise UsageError("--requestheader-client-ca needs TLS: the API server's certificate is checked there")
    if not (tls_cert and tls_key) and not insecure_http:
        raise UsageError(
            "the collector serves HTTPS only: --tls-cert and --tls-key are required",
            hint="use --insecure-http only behind a proxy that terminates TLS",
        )
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        ssl_certfile=tls_cert if not insecure_http else None,
        ssl_keyfile=tls_key if not insecure_http else None,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        **(
            dict(
                ssl_ca_certs=front_proxy_ca, ssl_cert_reqs=ssl.CERT_OPTIONAL, http=_protocol_with_peer_name()
            )
            if front_proxy_ca
            else {}
        ),
    )
    config.load()
    if config.ssl is not None:
        # uvicorn cannot set a minimum version itself; the loaded context is the one it serves with.
        config.ssl.minimum_version = ssl.TLSVersion.TLSv1_3
    return config


def _protocol_with_peer_name():
    """uvicorn's HTTP protocol, also putting the verified client certificate's common name of the
    connection in each request's state (uvicorn passes no TLS details to the app)."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    from .identity import PEER_CN_STATE, common_name

    class PeerNameProtocol(AutoHTTPProtocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            ssl_object = transport.get_extra_info("ssl_object")
            # getpeercert() is None without a certificate; a presented one has already verified
            # against the front-proxy CA, or the handshake failed.
            name = common_name(ssl_object.getpeercert()) if ssl_object is not None else None
            self.app_state = {**self.app_state, PEER_CN_STATE: name}  # this connection's own copy

    return PeerNameProtocol


def serve(app, listen: str, tls_cert: str | None, tls_key: str | None, insecure_http: bool = False) -> None:
    uvicorn.Server(make_config(app, listen, tls_cert, tls_key, insecure_http)).run()
