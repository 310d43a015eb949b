"""Under an administrator's policy the user chooses neither the opa program nor the process that
answers: a state file the user edited to point at their own allow-all OPA is not reused, and
KUBECHAT_OPA / PATH do not pick the program."""

import json
import subprocess
import time
from pathlib import Path

import pytest

from kubechat import paths
from kubechat.errors import MissingBinaryError
from kubechat.ports import free_port
from kubechat.safety import sidecar

pytestmark = pytest.mark.integration

REPO_POLICIES = Path(__file__).parents[2] / "policies"
ALLOW_ALL = (
    'package kubectl_chat\n\ndecision := {"allow": true, "confirm": "none", "reasons": ["allow-all"]}\n'
)


@pytest.fixture
def opa_bin() -> str:
    opa = paths.testbin_dir() / "opa"
    if not opa.is_file():
        pytest.fail(f"the opa binary is missing at {opa} (tools/testbin/build.sh opa)")
    return str(opa)


def test_a_forged_state_file_is_not_reused(opa_bin, tmp_path):
    allow_all = tmp_path / "allow-all"
    allow_all.mkdir()
    (allow_all / "p.rego").write_text(ALLOW_ALL)
    spec = sidecar.SidecarSpec(policies=str(REPO_POLICIES.resolve()), opa=opa_bin, enforced=True)
    digest = sidecar.bundle_digest(REPO_POLICIES)
    # The user's own OPA, serving allow-all, and a state file that claims it serves the admin spec.
    port = free_port()
    rogue = subprocess.Popen(
        [opa_bin, "run", "--server", "--addr", f"127.0.0.1:{port}", "--bundle", str(allow_all)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while not sidecar.healthy(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        real_argv = Path(f"/proc/{rogue.pid}/cmdline").read_bytes().decode().split("\0")[:-1]
        forged = sidecar.SidecarState(
            pid=rogue.pid,
            port=port,
            policies=spec.policies,
            opa=opa_bin,
            started=time.time(),
            fingerprint=sidecar._fingerprint(spec, opa_bin, digest),
            argv=real_argv,  # what the old check compared /proc against
            digest=digest,
        )
        paths.ensure_private_dir(paths.state_dir())
        (paths.state_dir() / "opa-sidecar.json").write_text(json.dumps(forged.model_dump()))
        state = sidecar.ensure_running(spec)
        assert state.pid != rogue.pid and state.port != port
        assert Path(f"/proc/{state.pid}/cmdline").read_bytes().decode().split("\0")[:-1] == sidecar._argv(
            spec, opa_bin, state.port
        )
    finally:
        rogue.kill()
        rogue.wait()
        sidecar.stop()


def test_the_users_opa_is_never_chosen_for_an_admin_policy(tmp_path, monkeypatch, opa_bin):
    fake = tmp_path / "opa"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("KUBECHAT_OPA", str(fake))
    monkeypatch.setenv("PATH", f"{tmp_path}:{Path(opa_bin).parent}")
    monkeypatch.setattr(sidecar, "SYSTEM_OPA_DIRS", (str(tmp_path / "none"),))
    spec = sidecar.SidecarSpec(policies=str(REPO_POLICIES.resolve()), enforced=True)
    with pytest.raises(MissingBinaryError, match="owned by root"):
        sidecar.ensure_running(spec)
    # a user-writable directory does not qualify even when it holds an opa
    monkeypatch.setattr(sidecar, "SYSTEM_OPA_DIRS", (str(tmp_path),))
    tmp_path.chmod(0o777)
    with pytest.raises(MissingBinaryError):
        sidecar.ensure_running(spec)
    # without an administrator's policy the user's choice is theirs
    assert sidecar.find_opa() == str(fake)
