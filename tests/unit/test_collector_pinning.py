"""A collector found in the cluster gets the user's token only when its CA (or its URL) is pinned by
the administrator's system config or the user's own config."""

from pathlib import Path

import pytest

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


def test_the_administrators_pin_of_url_and_ca_trusts_it(tmp_path, monkeypatch):
    pem = _ca(tmp_path, "real")
    system = tmp_path / "system.yaml"
    fingerprint = locate.ca_fingerprints(pem)[0].upper()
    system.write_text(f"audit:\n  trusted_collectors: ['{fingerprint}', 'https://collector.example:8443']\n")
    monkeypatch.setenv("KUBECHAT_SYSTEM_CONFIG", str(system))
    assert locate.untrusted_reason(_discovered(pem)) is None


def test_a_ca_pin_alone_does_not_trust_another_host_it_issued_for(tmp_path, monkeypatch):
    """Whoever can write the ConfigMap could name any host the pinned CA has a certificate for."""
    pem = _ca(tmp_path, "real")
    system = tmp_path / "system.yaml"
    system.write_text(f"audit:\n  trusted_collectors: ['{locate.ca_fingerprints(pem)[0]}']\n")
    monkeypatch.setenv("KUBECHAT_SYSTEM_CONFIG", str(system))
    assert "https://collector.example:8443" in locate.untrusted_reason(_discovered(pem))


def test_a_smuggled_trusted_certificate_block_is_refused(tmp_path):
    """OpenSSL trusts `BEGIN TRUSTED CERTIFICATE` blocks that the fingerprinting parser skips: a
    bundle with one is refused, and the bundle written for TLS holds only what was fingerprinted."""
    real, rogue = _ca(tmp_path, "real"), _ca(tmp_path, "rogue")
    smuggled = real + rogue.replace("BEGIN CERTIFICATE", "BEGIN TRUSTED CERTIFICATE").replace(
        "END CERTIFICATE", "END TRUSTED CERTIFICATE"
    )
    with pytest.raises(ValueError, match="only CERTIFICATE"):
        locate.ca_fingerprints(smuggled)
    with pytest.raises(ValueError):
        locate.canonical_bundle(real + "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n")
    assert locate.canonical_bundle(real + "\ntrailing words\n") == real.strip() + "\n"


def test_a_bundle_with_one_unpinned_certificate_is_not_trusted(tmp_path, monkeypatch):
    real, rogue = _ca(tmp_path, "real"), _ca(tmp_path, "rogue")
    system = tmp_path / "system.yaml"
    system.write_text(f"audit:\n  trusted_collectors: ['{locate.ca_fingerprints(real)[0]}']\n")
    monkeypatch.setenv("KUBECHAT_SYSTEM_CONFIG", str(system))
    assert locate.untrusted_reason(_discovered(real + rogue)) is not None


def test_a_pinned_url_whose_configmap_drops_the_ca_is_refused(isolated_home, tmp_path):
    """Without `ca.crt` TLS would trust any public CA's certificate for the pinned host: the pin
    covers URL and CA together, so an empty or a changed CA is refused."""
    pem = _ca(tmp_path, "real")
    cfg = isolated_home / "config" / "config.yaml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(
        "audit:\n  trusted_collectors: ['https://collector.example:8443', "
        f"'{locate.ca_fingerprints(pem)[0]}']\n"
    )
    assert locate.untrusted_reason(_discovered(pem)) is None
    why = locate.untrusted_reason(_discovered(None))
    assert why is not None and "no ca.crt" in why and "\n" not in why
    assert locate.untrusted_reason(_discovered(_ca(tmp_path, "changed"))) is not None


def test_env_and_config_collectors_are_the_users_own_choice():
    assert locate.untrusted_reason(locate.Collector("https://mine:1", "env")) is None


def test_records_go_only_through_the_api_server_of_the_collectors_own_cluster(isolated_home, monkeypatch):
    """Whoever registers the aggregated API on another cluster would receive every pending record."""
    api = "https://api.a.example:6443"
    configured = locate.Collector("https://mine:1", "env", server=api)
    assert locate.aggregated_route_reason(configured, api + "/") is None
    assert "another cluster" in locate.aggregated_route_reason(configured, "https://api.b.example:6443")
    unnamed = locate.aggregated_route_reason(locate.Collector("https://mine:1", "env"), api)
    assert locate.COLLECTOR_CLUSTER_ENV in unnamed and "\n" not in unnamed
    monkeypatch.setenv(locate.COLLECTOR_ENV, "https://mine:1")
    monkeypatch.setenv(locate.COLLECTOR_CLUSTER_ENV, api)
    assert locate.configured().server == api


def test_a_discovered_collector_is_used_through_a_cluster_only_when_pinned_for_it(isolated_home, tmp_path):
    """Another cluster's ConfigMap may copy the pinned URL and CA: its API server's aggregated API
    is whoever registered it there, so the pin names the cluster too."""
    pem = _ca(tmp_path, "real")
    url, api_a, api_b = "https://collector.example:8443", "https://api-a:6443", "https://api-b:6443"
    cfg = isolated_home / "config" / "config.yaml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(
        f"audit:\n  trusted_collectors: ['{url}', '{locate.ca_fingerprints(pem)[0]}', "
        f"{{url: '{url}', cluster: '{api_a}'}}]\n"
    )
    on_a = locate.Collector(url, "discovered", "/x/ca.crt", "pub", api_a, locate.ca_fingerprints(pem))
    on_b = locate.Collector(url, "discovered", "/x/ca.crt", "pub", api_b, locate.ca_fingerprints(pem))
    assert locate.untrusted_reason(on_a) is None and locate.untrusted_reason(on_b) is None
    assert locate.aggregated_route_reason(on_a, api_a) is None
    assert "not pinned for the cluster" in locate.aggregated_route_reason(on_b, api_b)
