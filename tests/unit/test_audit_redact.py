"""Secrets never reach the audit trail."""

import pytest

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.audit.redact import MASK, output_is_secret, redact_argv, redact_text


@pytest.mark.parametrize(
    "argv, secret",
    [
        (["kubectl", "create", "secret", "generic", "db", "--from-literal=password=hunter22"], "hunter22"),
        (["kubectl", "create", "secret", "generic", "db", "--from-literal", "user=admin1"], "admin1"),
        (["kubectl", "get", "pods", "--token=eyJhbGciOi"], "eyJhbGciOi"),
        (["kubectl", "get", "pods", "--token", "eyJhbGciOi"], "eyJhbGciOi"),
        (["kubectl", "config", "set-credentials", "u", "--password=s3cr3t"], "s3cr3t"),
        (["kubectl", "config", "set-credentials", "u", "--password", "s3cr3t"], "s3cr3t"),
        (
            [
                "kubectl",
                "create",
                "secret",
                "docker-registry",
                "r",
                "--docker-server=r.io",
                "--docker-password=dockpw",
            ],
            "dockpw",
        ),
        (["kubectl", "create", "secret", "docker-registry", "r", "--docker-password", "dockpw"], "dockpw"),
        (
            ["kubectl", "config", "set-credentials", "u", "--auth-provider-arg=client-secret=oidcsecret"],
            "oidcsecret",
        ),
        (["kubectl", "create", "configmap", "c", "--from-literal=api_key=k3y123"], "k3y123"),
        (["kubectl", "apply", "-f", "https://bob:pw1234@git.example.com/x.yaml"], "pw1234"),
    ],
)
def test_argv_secrets_redacted(argv, secret):
    out, found = redact_argv(argv)
    assert secret not in " ".join(out)
    assert MASK in " ".join(out)
    assert secret in found


def test_non_secret_values_kept():
    argv = ["kubectl", "create", "configmap", "c", "--from-literal=color=blue", "-n", "prod"]
    assert redact_argv(argv)[0] == argv
    argv = [
        "kubectl",
        "create",
        "secret",
        "docker-registry",
        "r",
        "--docker-server=r.io",
        "--docker-username=u",
    ]
    assert redact_argv(argv)[0] == argv


def test_free_text_redacted():
    text = "create secret db with password hunter22 and token=abc123"
    out = redact_text(text)
    assert "hunter22" not in out and "abc123" not in out
    assert out.startswith("create secret db with password ")  # the resource word "secret" stays


def test_known_values_scrubbed_from_text():
    assert "zebra99" not in redact_text("make a secret holding zebra99", ["zebra99"])


def test_record_is_redacted_before_signing():
    trail = AuditTrail()
    record = trail.record(
        RecordInput(
            user=UserInfo(username="alice"),
            request="create secret db with value hunter22",
            argv=["kubectl", "create", "secret", "generic", "db", "--from-literal=pw=hunter22"],
            policy={"decision": "allow", "reasons": ["hunter22 looked fine"]},
        )
    )
    raw = b"".join(trail.spool.raw_records())
    assert b"hunter22" not in raw
    assert record.argv[-1] == f"--from-literal=pw={MASK}"
    assert trail.verify().ok


def test_secret_outputs_recognised():
    assert output_is_secret(["kubectl", "get", "secret", "db", "-o", "yaml"])
    assert output_is_secret(["kubectl", "create", "token", "builder"])
    assert output_is_secret(["kubectl", "config", "view", "--raw"])
    assert not output_is_secret(["kubectl", "get", "pods"])
