"""Dashboard routes under /ui: login, overview, trail, record detail, integrity, evidence.

Read-only: the only POSTs are login, logout and re-verification, each with a CSRF token
(login: a one-time nonce bound to a short-lived cookie). Pages are server-rendered (Jinja2,
autoescaped); the one script draws charts from data the page already shows as tables."""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from ...errors import UsageError
from ...ledger import formats, report
from ...ledger.protocol import verify_checkpoint
from ...ledger.sign import fingerprint
from ..service import Refused
from . import data
from .sessions import COOKIE, LOGIN_COOKIE, Session, Sessions, same
from .verify import Verifier

HERE = Path(__file__).parent
STATIC = HERE / "static"
PUBLIC_ASSETS = {"style.css"}  # the login page's own stylesheet; every other asset needs a session
ASSETS = {"style.css": "text/css", "dashboard.js": "text/javascript", "chart.umd.min.js": "text/javascript"}
PAGE_SIZE = 50
EXPORT_TYPES = {
    "csv": "text/csv",
    "json": "application/x-ndjson",
    "cef": "text/plain",
    "leef": "text/plain",
}
EXPORT_CHUNK = 64 * 1024  # bytes an export sends at a time
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
NAV = [("overview", "Overview"), ("trail", "Trail"), ("integrity", "Integrity"), ("evidence", "Evidence")]


class BadInput(Exception):
    """A filter or form value that cannot be read: a 400 page with its one-line message."""


class LoginRequired(Exception):
    """No live session of a reader: back to the login page, nothing else shown."""


def _cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="strict")


def _chunks(pieces: Iterator[str], size: int = EXPORT_CHUNK) -> Iterator[bytes]:
    """Pieces of text gathered into chunks of about `size` bytes: a few sends for a page of
    records rather than one a record, and never more than a chunk held."""
    gathered, held = [], 0
    for piece in pieces:
        gathered.append(piece)
        held += len(piece)
        if held >= size:
            yield "".join(gathered).encode()
            gathered, held = [], 0
    if gathered:
        yield "".join(gathered).encode()


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form (the only kind these pages send); the body limit middleware bounds it."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return {}
    parsed = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in parsed.items()}


def mount(app: FastAPI, service, sessions: Sessions | None = None) -> None:
    sessions = sessions or Sessions()
    verifier = Verifier(service)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["tojson_compact"] = lambda v: json.dumps(v, separators=(",", ":"))

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        if request.url.path == "/ui" or request.url.path.startswith("/ui/"):
            for k, v in SECURITY_HEADERS.items():
                response.headers.setdefault(k, v)
        return response

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _: LoginRequired):
        response = RedirectResponse("/ui/login", status_code=303)
        response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="strict")
        return response

    def session_of(request: Request) -> Session:
        sid = request.cookies.get(COOKIE)
        session = sessions.get(sid)
        if session is None:
            raise LoginRequired()
        try:  # still a reader? (cached by the identity resolver; a revoked token ends the session)
            service.authorize_reader(session.token)
        except Refused as exc:
            sessions.drop(sid)
            raise LoginRequired() from exc
        return session

    def render(request: Request, name: str, session: Session | None, status: int = 200, **ctx):
        ctx.update(session=session, nav=NAV, current=name.split(".")[0])
        return templates.TemplateResponse(request, name, ctx, status_code=status)

    def error(request: Request, session: Session | None, status: int, message: str):
        return render(request, "error.html", session, status=status, message=message)

    @app.exception_handler(BadInput)
    async def bad_input(request: Request, exc: BadInput):
        # raised only after the session was checked (filters are read after session_of)
        return error(request, None, 400, str(exc))

    def read_filters(request: Request):
        try:
            return data.filters_from(request.query_params)
        except UsageError as exc:
            raise BadInput(exc.message) from exc

    # -- login / logout ---------------------------------------------------------------------------
    def login_page(request: Request, message: str | None = None, status: int = 200):
        nonce = sessions.login_nonce()
        response = render(request, "login.html", None, status=status, nonce=nonce, message=message)
        _cookie(response, LOGIN_COOKIE, nonce, int(sessions.login_seconds))
        return response

    @app.get("/ui", include_in_schema=False)
    def root(request: Request):
        session_of(request)
        return RedirectResponse("/ui/overview", status_code=303)

    @app.get("/ui/login", include_in_schema=False)
    def login_form(request: Request):
        if sessions.get(request.cookies.get(COOKIE)) is not None:
            return RedirectResponse("/ui/overview", status_code=303)
        return login_page(request)

    @app.post("/ui/login", include_in_schema=False)
    async def login(request: Request):
        form = await _form(request)
        nonce = form.get("nonce")
        if not same(nonce, request.cookies.get(LOGIN_COOKIE)) or not sessions.take_login_nonce(nonce):
            return login_page(request, "The login form expired. Paste the token again.", 403)
        token = form.get("token", "").strip()
        try:
            user = await run_in_threadpool(service.authorize_reader, token)
        except Refused as exc:
            message = {
                401: "That token was not accepted by the cluster.",
                403: "This identity may not read the audit log (it is in none of the reader groups).",
            }.get(exc.status, "The cluster cannot confirm the token right now. Try again shortly.")
            return login_page(request, message, exc.status)
        sid, _ = sessions.create(user.username, token)
        response = RedirectResponse("/ui/overview", status_code=303)
        _cookie(response, COOKIE, sid, int(sessions.max_age))
        response.delete_cookie(LOGIN_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
        return response

    @app.post("/ui/logout", include_in_schema=False)
    async def logout(request: Request):
        session = await run_in_threadpool(session_of, request)
        if not same((await _form(request)).get("csrf"), session.csrf):
            return error(request, session, 403, "The form was missing its security token: reload the page.")
        sessions.drop(request.cookies.get(COOKIE))
        raise LoginRequired()

    # -- assets -----------------------------------------------------------------------------------
    @app.get("/ui/static/{name}", include_in_schema=False)
    def asset(name: str, request: Request):
        if name not in PUBLIC_ASSETS:
            session_of(request)
        if name not in ASSETS:
            return Response(status_code=404)
        return FileResponse(STATIC / name, media_type=ASSETS[name])

    # -- pages ------------------------------------------------------------------------------------
    @app.get("/ui/overview", include_in_schema=False)
    def overview(request: Request):
        session = session_of(request)
        filters, params = read_filters(request)
        try:
            view = data.overview(service, filters)
        except UsageError as exc:
            raise BadInput(exc.message) from exc
        return render(request, "overview.html", session, view=view, params=params, series=data.SERIES)

    @app.get("/ui/trail", include_in_schema=False)
    def trail(request: Request, after: str = "-1"):
        session = session_of(request)
        filters, params = read_filters(request)
        rows, nxt = data.page(service, filters, after, PAGE_SIZE)
        next_link = f"/ui/trail?{urlencode({**params, 'after': nxt})}" if nxt is not None else None
        first_link = f"/ui/trail?{urlencode(params)}" if after != "-1" else None
        return render(
            request,
            "trail.html",
            session,
            rows=rows,
            params=params,
            next_link=next_link,
            first_link=first_link,
        )

    @app.get("/ui/records/{leaf_index}", include_in_schema=False)
    def record(request: Request, leaf_index: int):
        session = session_of(request)
        row = data.one(service, leaf_index) if leaf_index >= 0 else None
        if row is None:
            return error(request, session, 404, f"There is no log entry {leaf_index}.")
        inclusion = service.inclusion(leaf_index, None)
        return render(
            request, "record.html", session, row=row, flat=formats.flat(row.record), inclusion=inclusion
        )

    def integrity_page(request: Request, session: Session, check=None):
        cp = service.checkpoint()
        signed = verify_checkpoint(cp, service.signer.public_b64)
        with service.store.read() as tx:
            chains = tx.chain_summaries()  # kept at ingest: no walk over the records
        status = (verifier.last.chains if verifier.last else {}) or {}
        return render(
            request,
            "integrity.html",
            session,
            cp=cp,
            signed=signed,
            chains=chains,
            chain_status=status,
            check=check,
            last=verifier.last,
        )

    @app.get("/ui/integrity", include_in_schema=False)
    def integrity(request: Request):
        return integrity_page(request, session_of(request))

    @app.post("/ui/integrity/verify", include_in_schema=False)
    async def reverify(request: Request):
        session = await run_in_threadpool(session_of, request)
        form = await _form(request)
        if not same(form.get("csrf"), session.csrf):
            return error(request, session, 403, "The form was missing its security token: reload the page.")
        try:
            first = int(form.get("first") or 0)
            last = int(form["last"]) + 1 if form.get("last") else None
        except ValueError:
            return error(request, session, 400, "The range must be log entry numbers (0, 1, 2, …).")
        check = await run_in_threadpool(verifier.run, first, last)
        return await run_in_threadpool(integrity_page, request, session, check)

    @app.get("/ui/evidence", include_in_schema=False)
    def evidence(request: Request):
        session = session_of(request)
        _, params = read_filters(request)
        query = urlencode(params)
        return render(request, "evidence.html", session, params=params, query=query, formats=EXPORT_TYPES)

    @app.get("/ui/evidence/export.{fmt}", include_in_schema=False)
    def export(request: Request, fmt: str):
        session = session_of(request)
        if fmt not in EXPORT_TYPES:
            return error(request, session, 404, f"No export format {fmt!r}.")
        filters, _ = read_filters(request)
        rows = data.walk(service, filters, data.EXPORT_PAGE)
        first = next(rows, None)  # a store error on the first page still gets an error page
        records = (row.record for row in itertools.chain([] if first is None else [first], rows))
        return StreamingResponse(
            _chunks(formats.export_pieces(records, fmt)),
            media_type=EXPORT_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="kubechat-audit.{fmt}"'},
        )

    @app.get("/ui/evidence/report.pdf", include_in_schema=False)
    def report_pdf(request: Request):
        session_of(request)
        filters, _ = read_filters(request)
        records = [row.record for row in data.walk(service, filters)]
        check = verifier.run()
        integrity = report.Integrity(
            ok=check.ok,
            detail="Collector: " + "; ".join(check.lines if check.ok else check.problems),
            checkpoint=service.checkpoint(),
            checkpoint_key=fingerprint(service.signer.public_b64),
            checkpoint_how="the collector's own checkpoint signing key",
        )
        built = report.build(records, since=filters.since, until=filters.until, integrity=integrity)
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "report.pdf"
            report.write_pdf(built, str(path))
            body = path.read_bytes()
        return Response(
            body,
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="kubechat-audit-report.pdf"'},
        )
