"""A collector found in the cluster gets the user's token only when its CA (or its URL) is pinned by
the administrator's system config or the user's own config."""

from pathlib import Path

from kubechat.audit import locate
from kubechat.collector.tlscert import make_self_signed


def _ca(tmp_path: Path, name: str) -> str:
    cert = tmp_path / f"{name}.crt"
    make_self_signed(["127.0.0.1"], cert, tmp_path / f"{name}.key")
    return cert.read_text()


def _discovered(pem: str | None, url: str = "https://collector.example:8443") -> locate.Collector:
    prints = locate.ca_fingerprints(pem) if pem else ()
    return locate.Collector(url, "discovered", "/x/ca.crt" if pem else None, "pub", "https://api", prints)


def test_unpinned_discovered_collector_is_not_trusted(tmp_path):
    assert "not pinned" in locate.untrusted_reason(_discovered(_ca(tmp_path, "real")))


def test_the_administrators_pin_trusts_it(tmp_path, monkeypatch):
    pem = _ca(tmp_path, "real")
    system = tmp_path / "system.yaml"
    system.write_text(f"audit:\n  trusted_collectors: ['{locate.ca_fingerprints(pem)[0].upper()}']\n")
    monkeypatch.setenv("KUBECHAT_SYSTEM_CONFIG", str(system))
    assert locate.untrusted_reason(_discovered(pem)) is None


def test_a_bundle_with_one_unpinned_certificate_is_not_trusted(tmp_path, monkeypatch):
    real, rogue = _ca(tmp_path, "real"), _ca(tmp_path, "rogue")
    system = tmp_path / "system.yaml"
    system.write_text(f"audit:\n  trusted_collectors: ['{locate.ca_fingerprints(real)[0]}']\n")
    monkeypatch.setenv("KUBECHAT_SYSTEM_CONFIG", str(system))
    assert locate.untrusted_reason(_discovered(real + rogue)) is not None


def test_without_a_bundle_only_the_exact_url_pins(isolated_home):
    cfg = isolated_home / "config" / "config.yaml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("audit:\n  trusted_collectors: ['https://collector.example:8443']\n")
    assert locate.untrusted_reason(_discovered(None)) is None
    assert locate.untrusted_reason(_discovered(None, "https://collector.example.evil:8443")) is not None


def test_env_and_config_collectors_are_the_users_own_choice():
    assert locate.untrusted_reason(locate.Collector("https://mine:1", "env")) is None
