"""The compliance dashboard in a real browser: a real `kubectl chat collector serve` over TLS,
asking the sandbox API server who holds each token, fed records a real audit trail shipped;
Debian's Chromium driven by Playwright; axe-core checks each page for accessibility."""

import csv
import io
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "integration"))  # the collector test support
from collector_support import fill, forge, make_service, running, serve_for_cluster  # noqa: E402

from kubechat.audit import AuditTrail, RecordInput, UserInfo  # noqa: E402
from kubechat.collector.dashboard.verify import Verifier  # noqa: E402
from kubechat.collector.store import open_store  # noqa: E402

pytestmark = pytest.mark.e2e
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_VERSION = "4.14.1"
SESSION_COOKIE = "__Host-kubechat-session"
ALICE = UserInfo(username="alice", groups=["kubechat:operators"])
NARROW = (400, 800)
# The docs' pictures (linked from docs/audit.md) are refreshed only on request, so a test run
# never rewrites committed files: KUBECHAT_UPDATE_DOCS_IMAGES=1 pytest tests/e2e/test_dashboard.py
DOCS_IMAGES = Path(__file__).parents[2] / "docs" / "images" / "dashboard"
UPDATE_DOCS_IMAGES = os.environ.get("KUBECHAT_UPDATE_DOCS_IMAGES") == "1"
BULK = 3000  # records after the six above: a collector with some history
BULK_DENIED_EVERY = 40


@pytest.fixture(scope="session")
def axe_js() -> str:
    """axe-core from npm, installed once into the test cache (never a CDN at run time)."""
    cache = Path(os.environ.get("KUBECHAT_CACHE", Path.home() / ".cache" / "kubectl-chat"))
    prefix = cache / "npm" / f"axe-core-{AXE_VERSION}"
    script = prefix / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", f"axe-core@{AXE_VERSION}"],
            check=True,
            capture_output=True,
        )
    return script.read_text()


def _records() -> list[RecordInput]:
    def rec(request, argv, verb, ns, risk, **kw):
        return RecordInput(
            user=ALICE,
            cluster={"name": "sandbox"},
            request=request,
            argv=["kubectl", *argv],
            verb=verb,
            object_ref={"resource": kw.pop("resource", "pods"), "namespace": ns},
            risk=risk,
            **kw,
        )

    return [
        rec("list pods in prod", ["get", "pods", "-n", "prod"], "get", "prod", "read", exit_code=0),
        rec(
            "scale web to 3",
            ["scale", "deploy/web", "--replicas=3", "-n", "prod"],
            "scale",
            "prod",
            "write",
            resource="deployments",
            policy={"decision": "allow", "confirm": "yes"},
            confirmation="yes",
            exit_code=0,
        ),
        rec(
            "delete pod web-1 in staging",
            ["delete", "pod", "web-1", "-n", "staging"],
            "delete",
            "staging",
            "destructive",
            policy={"decision": "allow", "confirm": "typed"},
            confirmation="typed",
            exit_code=0,
        ),
        rec(
            "delete namespace prod",
            ["delete", "namespace", "prod"],
            "delete",
            "prod",
            "destructive",
            resource="namespaces",
            policy={"decision": "deny", "reasons": ["deleting a namespace is not allowed"]},
            stage="Denied",
        ),
        rec(
            "restart coredns",
            ["rollout", "restart", "deploy/coredns", "-n", "kube-system"],
            "rollout",
            "kube-system",
            "write",
            resource="deployments",
            policy={"decision": "allow"},
            rbac={"allowed": False, "reason": "cannot patch deployments in kube-system"},
            stage="Denied",
        ),
        rec(
            "logs of web-2",
            ["logs", "web-2", "-n", "staging"],
            "logs",
            "staging",
            "read",
            stage="Failed",
            exit_code=1,
        ),
    ]


def _bulk(now: datetime) -> list[RecordInput]:
    """Reads over the 30 days before `now` across clusters and namespaces; every 40th denied by
    policy. All reads: the write and destructive filters below still find only the six above."""
    out = []
    for i in range(BULK):
        denied = i % BULK_DENIED_EVERY == 0
        ns = f"team-{i % 12}"
        verb = ("get", "logs", "describe")[i % 3]
        out.append(
            RecordInput(
                user=ALICE,
                cluster={"name": ("sandbox", "prod-eu", "prod-us")[i % 3]},
                request=f"{verb} pod api-{i % 50} in {ns}",
                argv=["kubectl", verb, "pod", f"api-{i % 50}", "-n", ns],
                verb=verb,
                object_ref={"resource": "pods", "namespace": ns},
                risk="read",
                received_at=(now - timedelta(days=30) + timedelta(seconds=i * 30 * 86400 // BULK))
                .isoformat()
                .replace("+00:00", "Z"),
                **(
                    {"policy": {"decision": "deny", "reasons": ["reading in this namespace needs a ticket"]}}
                    | {"stage": "Denied"}
                    if denied
                    else {"exit_code": 0}
                ),
            )
        )
    return out


@contextmanager
def _browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-deps.sh")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _axe(page, axe_js: str, name: str) -> None:
    # Runtime evaluation, as a debugger would: the page's CSP (script-src 'self') stays in force.
    page.evaluate(axe_js)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: " + "; ".join(bad)


def _shots(page, out: Path, name: str) -> None:
    """The docs' picture at 1280×800 (what fits on screen), and the whole page on a narrow window."""
    wide = DOCS_IMAGES if UPDATE_DOCS_IMAGES else out
    wide.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no focus ring
    page.screenshot(path=str(wide / f"{name}.png"))
    page.set_viewport_size({"width": NARROW[0], "height": NARROW[1]})
    page.screenshot(path=str(out / f"{name}-{NARROW[0]}x{NARROW[1]}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def _login(page, url: str, token: str) -> None:
    page.goto(url + "/ui/login")
    page.get_by_label("Kubernetes token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def _download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def test_dashboard_in_a_browser(sandbox, tmp_path, axe_js):
    shots = tmp_path / "screenshots"
    shots.mkdir()
    (tmp_path / "collector").mkdir()
    with serve_for_cluster(
        sandbox, tmp_path / "collector", "--reader-group", "kubechat:viewers", "--rate-burst", "10000"
    ) as served:
        url, ca, _ = served
        trail = AuditTrail()
        for inp in [*_records(), *_bulk(datetime.now(UTC))]:
            trail.record(inp)
        shipped = trail.ship_pending(url, token=sandbox.tokens["alice"], ca_file=ca)
        assert shipped.ok and shipped.accepted == 6 + BULK, shipped.describe()
        denied = len(range(0, BULK, BULK_DENIED_EVERY))

        with _browser() as browser:
            ctx = browser.new_context(
                ignore_https_errors=True, viewport={"width": 1280, "height": 800}, accept_downloads=True
            )
            page = ctx.new_page()

            # Nobody without a session sees anything, not even counts or assets.
            for path in ("/ui", "/ui/overview", "/ui/trail?risk=write", "/ui/records/0", "/ui/integrity"):
                page.goto(url + path)
                assert page.url == url + "/ui/login", path
                assert "alice" not in page.content() and "Requests" not in page.content()
            for path in ("/ui/evidence/export.csv", "/ui/evidence/report.pdf", "/ui/static/dashboard.js"):
                resp = ctx.request.get(url + path, max_redirects=0)
                assert resp.status == 303 and resp.headers["location"] == "/ui/login", path
                assert b"alice" not in resp.body()
            assert ctx.request.get(url + "/ui/static/style.css").ok  # the login page's own CSS
            _axe(page, axe_js, "login")
            _shots(page, shots, "login")

            # A valid token outside the reader groups is refused.
            _login(page, url, sandbox.tokens["alice"])
            assert page.url == url + "/ui/login"
            assert "may not read the audit log" in page.get_by_role("alert").inner_text()
            assert SESSION_COOKIE not in {c["name"] for c in ctx.cookies()}

            # A reader logs in: a server-side session in a locked-down cookie.
            _login(page, url, sandbox.tokens["bob"])
            assert page.url == url + "/ui/overview"
            cookie = next(c for c in ctx.cookies() if c["name"] == SESSION_COOKIE)
            assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
            assert sandbox.tokens["bob"] not in cookie["value"]

            # Overview counts match the shipped records.
            counts = {
                k: page.inner_text(f"#count-{k}")
                for k in ("requests", "commands", "writes", "destructive", "denied")
            }
            assert counts == {
                "requests": str(6 + BULK),
                "commands": str(4 + BULK - denied),
                "writes": "2",
                "destructive": "2",
                "denied": str(2 + denied),
            }
            assert page.inner_text("#share-confirmed").startswith("2 ")
            assert page.inner_text("#share-policy").startswith(f"{1 + denied} ")
            assert page.inner_text("#share-rbac").startswith("1 ")
            by_ns = page.get_by_role("table", name="Requests by namespace").inner_text()
            assert f"team-0\t{BULK // 12}" in by_ns, by_ns
            timeline = page.get_by_role("table", name=re.compile("^Activity per day")).inner_text()
            assert len(timeline.splitlines()) >= 30  # a point per day of the month shipped
            reasons = page.get_by_role("table", name="Why requests were denied (policy or RBAC)").inner_text()
            assert "policy: deleting a namespace is not allowed" in reasons
            assert f"policy: reading in this namespace needs a ticket\t{denied}" in reasons
            assert "rbac: cannot patch deployments in kube-system" in reasons
            assert page.locator("#chart-timeline").bounding_box()["height"] > 100  # Chart.js drew
            # Keyboard: the first Tab reaches the skip link, shown with a visible focus ring.
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "() => { const e = document.activeElement, s = getComputedStyle(e);"
                " return [e.textContent, s.outlineStyle, s.outlineWidth, e.getBoundingClientRect().left]; }"
            )
            assert focused[0] == "Skip to main content" and focused[1] == "solid" and focused[2] == "3px"
            assert focused[3] >= 0  # moved on screen when focused
            _axe(page, axe_js, "overview")
            _shots(page, shots, "overview")

            # Trail: filter, then open a record.
            page.get_by_role("link", name="Trail").click()
            assert page.locator("table.trail tbody tr").count() == 50  # a page; the log order
            page.get_by_role("link", name="Next page").click()
            assert page.locator("table.trail tbody tr").first.inner_text().startswith("#50")
            page.get_by_role("link", name="First page").click()
            _shots(page, shots, "trail")  # a full page of the log
            page.get_by_label("Risk").select_option("destructive")
            page.get_by_label("Namespace").fill("prod")
            page.get_by_role("button", name="Apply filters").click()
            rows = page.locator("table.trail tbody tr")
            assert rows.count() == 1 and "delete namespace prod" in rows.inner_text()
            assert "▲ destructive" in rows.inner_text() and "✕ deny" in rows.inner_text()
            _axe(page, axe_js, "trail")
            rows.get_by_role("link").click()
            assert page.url == url + "/ui/records/3"
            detail = page.locator("main").inner_text()
            for text in (
                "delete namespace prod",
                "kubectl delete namespace prod",
                "deleting a namespace is not allowed",
            ):
                assert text in detail
            assert page.inner_text("#exit-code") == "kubectl did not run"
            assert "Signature" in detail and "record 4" in detail  # 4th record of alice's chain
            _axe(page, axe_js, "record")
            _shots(page, shots, "record")

            # Integrity: re-verify the whole log.
            page.get_by_role("link", name="Integrity").click()
            assert page.inner_text("#tree-size") == str(6 + BULK)
            page.get_by_role("button", name="Re-verify").click()
            result = page.locator("#verify-result").inner_text()
            assert "intact" in result and "signatures and chain links intact" in result, result
            assert (
                "intact"
                in page.get_by_role(
                    "table", name="Each client's hash chain; status from the last re-verification"
                ).inner_text()
            )
            _axe(page, axe_js, "integrity")
            _shots(page, shots, "integrity")

            # A POST without the session's CSRF token is refused, with the session cookie attached.
            refused = ctx.request.post(url + "/ui/integrity/verify", form={"first": "0"})
            assert refused.status == 403
            refused = ctx.request.post(url + "/ui/integrity/verify", form={"first": "0", "csrf": "guess"})
            assert refused.status == 403

            # Evidence: CSV and PDF for the filtered range.
            page.get_by_role("link", name="Evidence").click()
            page.get_by_label("User").fill("alice")
            page.get_by_label("Risk").select_option("write")
            page.get_by_role("button", name="Apply filters").click()
            rows = list(csv.DictReader(io.StringIO(_download(page, "#dl-csv").decode())))
            assert sorted(r["request"] for r in rows) == ["restart coredns", "scale web to 3"]
            assert {r["username"] for r in rows} == {"alice"}
            pdf = _download(page, "#dl-pdf")
            assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
            cef = _download(page, "#dl-cef").decode().splitlines()
            assert len(cef) == 2 and all(line.startswith("CEF:0|kubectl-chat|") for line in cef)
            _axe(page, axe_js, "evidence")
            _shots(page, shots, "evidence")

            # Logout: the cookie goes, and the old session id opens nothing.
            old = cookie["value"]
            page.get_by_role("button", name="Log out").click()
            assert page.url == url + "/ui/login"
            assert SESSION_COOKIE not in {c["name"] for c in ctx.cookies()}
            replay = ctx.request.get(
                url + "/ui/overview", max_redirects=0, headers={"Cookie": f"{SESSION_COOKIE}={old}"}
            )
            assert replay.status == 303 and replay.headers["location"] == "/ui/login"
            ctx.close()


def test_reverification_finds_a_rewritten_record_and_proves_growth(tmp_path):
    """What the integrity page's button runs, against a real collector whose database an
    insider with the encryption key rewrote."""
    service = make_service(open_store(f"sqlite:///{tmp_path / 'collector.db'}"))
    with running(service, tmp_path) as (url, ca):
        trail = AuditTrail()
        fill(trail, 5)
        assert trail.ship_pending(url, token="tok-alice", ca_file=ca).accepted == 5
        verifier = Verifier(service)
        first = verifier.run()
        assert first.ok and first.consistency == "first check since the collector started", first
        assert set(first.chains.values()) == {"intact"}
        fill(trail, 2)
        assert trail.ship_pending(url, token="tok-alice", ca_file=ca).accepted == 2
        grown = verifier.run(2, 7)  # entries 2..6
        assert grown.ok and (grown.first, grown.last) == (2, 7), grown
        assert grown.consistency == "append-only since the previous check (size 5 → 7)"

        db = service.store.db
        audit_id, sealed = db.execute("SELECT audit_id, body FROM records WHERE leaf_index = 3").fetchone()
        db.execute("UPDATE records SET body = ? WHERE leaf_index = 3", (forge(sealed, audit_id),))
        assert verifier.run(0, 2).ok  # outside the range asked for
        bad = verifier.run()
        assert not bad.ok and bad.problems == [
            f"log entry 3 ({audit_id}): stored body differs from the leaf in the Merkle tree"
        ]
        db.execute("UPDATE records SET leaf_hash = ? WHERE leaf_index = 3", (b"\0" * 32,))
        assert verifier.run().problems == [
            "the Merkle root of the stored entries does not match the signed checkpoint"
        ]
