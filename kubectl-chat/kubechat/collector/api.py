"""HTTP API of the collector (FastAPI). Thin: every route calls one CollectorService method."""

from __future__ import annotations

import time

from fastapi import FastAPI, Header, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from ..ledger.protocol import API_GROUP, API_VERSION
from .identity import PEER_CN_STATE, FrontProxy, IdentityError, WithForwardedUsers
from .limits import BodyLimit, ClientAddress
from .service import CollectorService, Refused

API_PREFIX = f"/apis/{API_GROUP}/{API_VERSION}"  # the collector as an aggregated API


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        self.records = Counter(
            "kubechat_collector_records_total",
            "Records received, by outcome",
            ["status"],
            registry=self.registry,
        )
        self.keys = Counter(
            "kubechat_collector_keys_registered_total", "Signing keys bound", registry=self.registry
        )
        self.tree_size = Gauge(
            "kubechat_collector_tree_size", "Entries in the Merkle log", registry=self.registry
        )
        self.ingest_seconds = Histogram(
            "kubechat_collector_ingest_seconds", "Time to verify and store one batch", registry=self.registry
        )


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def _bound(status: int, binding) -> JSONResponse:
    return JSONResponse(
        {"keyID": binding.key_id, "username": binding.username, "groups": binding.groups},
        status_code=status,
    )


def _resources() -> dict:
    """Discovery for the aggregated API: the API server reads it to know the group is served."""
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{API_GROUP}/{API_VERSION}",
        "resources": [
            {"name": name, "singularName": name[:-1], "namespaced": False, "kind": kind, "verbs": ["create"]}
            for name, kind in (("keys", "Key"), ("records", "Record"))
        ],
    }


def _group() -> dict:
    version = {"groupVersion": f"{API_GROUP}/{API_VERSION}", "version": API_VERSION}
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": API_GROUP,
        "versions": [version],
        "preferredVersion": version,
    }


def create_app(service: CollectorService, front_proxy: FrontProxy | None = None) -> FastAPI:
    app = FastAPI(title="kubectl chat audit collector", docs_url=None, redoc_url=None)
    metrics = service.metrics or Metrics()
    service.metrics = metrics
    if front_proxy is not None:  # the service then also takes the users the API server forwards
        service.resolver = WithForwardedUsers(service.resolver)
    app.add_middleware(BodyLimit, max_bytes=service.limits.max_body_bytes)
    app.add_middleware(ClientAddress)

    @app.exception_handler(Refused)
    async def refused(_: Request, exc: Refused):
        return JSONResponse({"detail": exc.message}, status_code=exc.status, headers=exc.headers)

    @app.get("/healthz", response_class=PlainTextResponse)
    def healthz():
        try:
            service.store.ping()
        except Exception as exc:  # any store failure means not healthy
            raise HTTPException(503, f"store unavailable: {exc.__class__.__name__}") from exc
        return "ok"

    @app.get("/metrics")
    def prom():
        return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.post("/v1/keys")
    def register_key(payload: dict, authorization: str | None = Header(default=None)):
        return _bound(*service.register_key(_bearer(authorization), payload))

    @app.get("/v1/keys")
    def list_keys(authorization: str | None = Header(default=None)):
        service.authorize_reader(_bearer(authorization))
        return {"items": service.key_bindings()}

    @app.post("/v1/records")
    async def ingest(payload: dict, authorization: str | None = Header(default=None)):
        return await _ingest(payload, _bearer(authorization))

    async def _ingest(payload: dict, credential):
        # Taken here, on the event loop: a batch's wait for a worker thread counts as waiting, so
        # under load it is refused (503) while the client still waits, not stored after it gave up.
        arrived = time.monotonic()
        records = payload.get("records")
        if not isinstance(records, list) or not all(isinstance(r, str) for r in records):
            raise HTTPException(400, "expected {'records': [canonical JSON strings]}")
        with metrics.ingest_seconds.time():
            return await run_in_threadpool(service.ingest, credential, records, arrived)

    # -- the same two writes as an aggregated API, for users of every kind of credential --------
    def forwarded_user(request: Request):
        if front_proxy is None:
            raise Refused(404, "this collector does not serve as an aggregated API")
        try:
            return front_proxy.user(request.scope.get("state", {}).get(PEER_CN_STATE), request.headers)
        except IdentityError as exc:
            raise Refused(401, exc.message) from exc

    @app.get("/apis")
    def api_groups():
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [_group()]}

    @app.get(f"/apis/{API_GROUP}")
    def api_group():
        return _group()

    @app.get(API_PREFIX)
    def api_resources():
        return _resources()

    @app.post(f"{API_PREFIX}/keys")
    def register_forwarded_key(payload: dict, request: Request):
        return _bound(*service.register_key(forwarded_user(request), payload))

    @app.post(f"{API_PREFIX}/records")
    async def ingest_forwarded(payload: dict, request: Request):
        return await _ingest(payload, forwarded_user(request))

    @app.get("/v1/records")
    def query(
        authorization: str | None = Header(default=None),
        username: str | None = None,
        verb: str | None = None,
        namespace: str | None = None,
        risk: str | None = None,
        decision: str | None = None,
        stage: str | None = None,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
        after: str = Query(
            "-1", description="`next` of the page before (leafIndex, or TIMESTAMP,LEAF when filtered)"
        ),
        limit: int = Query(100, ge=1, le=1000),
    ):
        service.authorize_reader(_bearer(authorization))
        filters = dict(
            username=username,
            verb=verb,
            namespace=namespace,
            risk=risk,
            decision=decision,
            stage=stage,
            since=since,
            until=until,
            text=text,
        )
        return service.query(filters, after, limit)

    @app.get("/v1/log")
    def log(
        start: int = Query(0, ge=0),
        count: int = Query(1000, ge=1),
        authorization: str | None = Header(default=None),
    ):
        service.authorize_reader(_bearer(authorization))
        return JSONResponse({"start": start, "entries": service.log_entries(start, count)})

    @app.get("/v1/checkpoint")
    def checkpoint():
        return service.checkpoint()

    @app.get("/v1/proof/inclusion")
    def inclusion(leaf_index: int | None = None, tree_size: int | None = None, audit_id: str | None = None):
        return service.inclusion(leaf_index, tree_size, audit_id)

    @app.get("/v1/proof/consistency")
    def consistency(first: int, second: int):
        return service.consistency(first, second)

    from .dashboard import mount  # the auditors' read-only web pages under /ui

    mount(app, service)
    return app
