"""`kubectl chat collector healthz`, what the chart's `helm test` pod runs (the image has no shell
or curl): 0 only for a collector that answers /healthz over TLS verified with the CA given."""

import subprocess
import sys
from pathlib import Path

import pytest
from collector_support import make_service, running

from kubechat.collector.store import open_store
from kubechat.collector.tlscert import make_self_signed

pytestmark = pytest.mark.integration
EXE = Path(sys.executable).parent / "kubectl-chat"


def _healthz(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(EXE), "collector", "healthz", *args], capture_output=True, text=True, timeout=60
    )


def test_healthz_passes_only_with_the_collectors_own_ca(tmp_path):
    other_ca = tmp_path / "other-ca.crt"
    make_self_signed(["127.0.0.1"], other_ca, tmp_path / "other.key")
    with running(make_service(open_store(f"sqlite:///{tmp_path / 'c.db'}")), tmp_path / "tls") as (url, ca):
        ok = _healthz(url, "--ca-file", ca)
        assert ok.returncode == 0 and ok.stdout.strip() == f"{url}/healthz: ok", ok.stderr
        wrong = _healthz(url, "--ca-file", str(other_ca))
        assert wrong.returncode == 1 and "CERTIFICATE_VERIFY_FAILED" in wrong.stderr
        plain = _healthz(url.replace("https://", "http://"), "--ca-file", ca)
        assert plain.returncode != 0 and "plain-HTTP" in plain.stderr
    gone = _healthz(url, "--ca-file", ca, "--timeout", "3")
    assert gone.returncode == 1 and "ConnectError" in gone.stderr
