"""`kubectl chat policy stop` through the real CLI entry point."""

from kubechat.cli import main


def test_policy_stop_starts_nothing(monkeypatch, tmp_path, capsys):
    """Stopping a sidecar that is not running must not start one first."""
    marker = tmp_path / "opa-ran"
    opa = tmp_path / "opa"
    opa.write_text(f"#!/bin/sh\ntouch {marker}\nsleep 30\n")
    opa.chmod(0o755)
    monkeypatch.setenv("KUBECHAT_OPA", str(opa))
    monkeypatch.setenv("KUBECHAT_HOME", str(tmp_path / "home"))
    main(["policy", "stop"])
    assert "local OPA was not running" in capsys.readouterr().out
    assert not marker.exists()
