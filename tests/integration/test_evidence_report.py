"""The evidence report an auditor reads, from a real signed trail: requests through the real CLI
against the sandbox (a read, a confirmed write, a destructive change confirmed by typing its
name, one cancelled, denials by policy and by RBAC), shipped to a real collector for a signed
checkpoint, then `kubectl chat audit report -f x.pdf`. The PDF's text is checked (pdftotext) and
every page is rendered to PNG (pdftoppm) under the test's tmp dir, to be looked at."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from collector_support import AuditorCli, fill, make_service, running, serve_for_cluster
from cryptography.hazmat.primitives import serialization

from kubechat import https as http
from kubechat import paths
from kubechat.audit import AuditTrail
from kubechat.collector.store import open_store
from kubechat.ledger.sign import encode_public, fingerprint

pytestmark = pytest.mark.integration

EXE = Path(sys.executable).parent / "kubectl-chat"


@pytest.fixture(scope="module")
def collector(sandbox, tmp_path_factory):
    d = tmp_path_factory.mktemp("report-collector")
    with serve_for_cluster(sandbox, d) as (url, ca, _):
        pem = (d / "keys" / "checkpoint-signing.pem").read_bytes()
        key = encode_public(serialization.load_pem_private_key(pem, password=None).public_key())
        yield url, ca, key


@pytest.fixture
def chat(sandbox, isolated_home, monkeypatch):
    monkeypatch.setenv("PATH", f"{paths.testbin_dir()}:{os.environ['PATH']}")
    env = {**os.environ, "KUBECHAT_HOME": str(isolated_home)}

    def run(user: str, *args: str, typed: str | None = None) -> subprocess.CompletedProcess:
        """`kubectl chat` as a token user; `typed` is what the user types at the confirmation,
        on a terminal (typed confirmations are only taken from one)."""
        kubeconfig = sandbox.admin_kubeconfig if user == "admin" else sandbox.token_kubeconfigs[user]
        argv = [str(EXE), "--kubeconfig", str(kubeconfig), "--no-model", *args]
        if typed is None:
            return subprocess.run(
                argv, capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL
            )
        leader, follower = os.openpty()
        try:
            os.write(leader, typed.encode() + b"\n")
            return subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env, stdin=follower)
        finally:
            os.close(follower)
            os.close(leader)

    return run


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def test_pdf_report_states_the_controls_with_exceptions_first(sandbox, collector, chat, tmp_path):
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.fail("poppler-utils is missing (scripts/install-system-deps.sh installs it)")
    url, ca, collector_key = collector
    admin = [str(sandbox.kubectl), "--kubeconfig", str(sandbox.admin_kubeconfig), "-n", "staging"]
    for name in ("evidence-typed", "evidence-kept"):
        subprocess.run(
            [*admin, "delete", "configmap", name, "--ignore-not-found"], check=True, capture_output=True
        )
        subprocess.run([*admin, "create", "configmap", name], check=True, capture_output=True)

    assert chat("alice", "list pods in staging").returncode == 0
    out = chat("alice", "--write", "--yes", "scale deployment web in staging to 1")
    assert out.returncode == 0, out.stderr
    assert chat("alice", "scale deployment web in staging to 3").returncode == 3  # read-only mode
    assert chat("alice", "--write", "--yes", "scale deployment web in prod to 2").returncode == 3  # RBAC
    trail = AuditTrail()
    shipped = trail.ship_pending(url, token=sandbox.tokens["alice"], ca_file=ca)
    assert shipped.ok and shipped.pending == 0, shipped.describe()

    # Records after the last shipment: the checkpoint covers the ones before.
    out = chat("admin", "--write", "delete configmap evidence-typed in staging", typed="evidence-typed")
    assert out.returncode == 0, out.stderr
    out = chat("admin", "--write", "delete configmap evidence-kept in staging", typed="something-else")
    assert out.returncode == 1, out.stderr  # cancelled: nothing was changed
    assert chat("bob", "--write", "--yes", "scale deployment api in staging to 2").returncode == 3  # viewer
    signing = [fingerprint(k) for k in trail.keys.public_keys().values()]

    pdf = tmp_path / "evidence.pdf"
    out = subprocess.run(
        [str(EXE), "audit", "report", "--since", "1d", "-f", str(pdf), "--collector-key", collector_key],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )
    assert out.returncode == 0, out.stderr
    text = _text(pdf)
    flat = re.sub(r"\s+", " ", text)

    # The period as dates, the exceptions before the controls, each control with its evidence.
    assert re.search(r"Period \d{2} \w+ \d{4}, \d{2}:\d{2} UTC to \d{2} \w+ \d{4}, \d{2}:\d{2} UTC", flat), (
        flat
    )
    assert flat.index("Exceptions") < flat.index("Controls") < flat.index("Activity by user")
    assert "None: every control held for every request in the period." in flat
    assert "Every change was confirmed before it ran met" in flat
    assert "2 of 2 changes that ran were confirmed (1 answered yes, 1 typed the object's name)" in flat
    assert "1 of 1 destructive changes that ran were typed" in flat
    assert "3 requests denied: 2 by policy, 1 by the RBAC pre-check" in flat
    assert "1 × Policy: group kubechat:viewers may not run write commands" in flat
    assert "1 × RBAC: you need patch on deployments.apps/scale in prod (for web)" in flat
    assert "1 request refused by the pre-check, never run" in flat
    assert "3 of 3 commands that ran were pre-checked (SelfSubjectAccessReview)" in flat
    assert "The audit trail is intact and signed met" in flat
    assert "chain and signatures intact" in flat
    for fp in signing:
        assert fp in flat.replace(" ", "")
    assert re.search(r"Signed checkpoint: \d+ entries, root [0-9a-f]{64}", flat)
    assert fingerprint(collector_key) in flat.replace(" ", "")
    assert "signature verified with the collector key given out of band" in flat
    # Human column names and outcomes, no field names, no Markdown.
    for words in (
        "Time (UTC) User Command Risk Policy Confirmation Outcome Exit code",
        "typed the name",
        "answered yes",
    ):
        assert words in flat
    for field_name in ("requestReceivedTimestamp", "exitCode", "username", "argv"):
        assert field_name not in text
    for artefact in ("**", "#", "|---", "`", "_none_"):
        assert artefact not in text, artefact

    # Every page as an image, for a person to look at.
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    count = int(
        re.search(
            r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        )[1]
    )
    assert len(pages) == count >= 2
    assert all(p.stat().st_size > 10_000 for p in pages)  # pages with content, charts included


def test_the_dashboard_pdf_and_a_report_from_the_collector_show_its_checkpoint_and_key(tmp_path, capsys):
    service = make_service(open_store(f"sqlite:///{tmp_path / 'collector.db'}"))
    with running(service, tmp_path / "tls") as (url, ca):
        trail = AuditTrail()
        fill(trail, 3)
        assert trail.ship_pending(url, token="tok-alice", ca_file=ca).accepted == 3
        with http.client(ca) as client:
            nonce = re.search(r'name="nonce" value="([^"]+)"', client.get(f"{url}/ui/login").text)[1]
            client.post(f"{url}/ui/login", data={"nonce": nonce, "token": "tok-auditor"})
            resp = client.get(f"{url}/ui/evidence/report.pdf")
        key = service.signer.public_b64
        code, md = AuditorCli(capsys, url, ca, tmp_path, key)(
            "report", "--format", "md", "--collector-key", key
        )
    assert code == 0, md
    assert "Signed checkpoint: 3 entries" in md and fingerprint(key) in md
    assert "signature verified with the collector key given out of band" in md
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF"), resp.text[:300]
    pdf = tmp_path / "dashboard.pdf"
    pdf.write_bytes(resp.content)
    flat = re.sub(r"\s+", " ", _text(pdf))
    assert "The audit trail is intact and signed met" in flat
    assert "Signed checkpoint: 3 entries" in flat
    assert "verified with the collector's own checkpoint signing key" in flat
    assert fingerprint(service.signer.public_b64) in flat.replace(" ", "")
    assert "3 of 3 changes that ran were confirmed" in flat
