"""The model store: install from a file or a (resumable) URL, sha256 before use, clear errors."""

import hashlib
import http.server
import os
import threading

import pytest

from kubechat.errors import ModelError
from kubechat.models import store
from kubechat.models.registry import ModelEntry, ModelSource, Registry

CONTENT = os.urandom(3 * 1024 * 1024 + 123)


@pytest.fixture
def entry(monkeypatch, tmp_path):
    monkeypatch.setenv("KUBECHAT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "SYSTEM_MODEL_DIRS", (tmp_path / "system",))
    return ModelEntry(
        name="tiny",
        file="tiny.gguf",
        sha256=hashlib.sha256(CONTENT).hexdigest(),
        size=len(CONTENT),
        context_length=128,
        licence="test",
        source=ModelSource(),
    )


@pytest.fixture
def registry(entry):
    return Registry(default="tiny", models=(entry,))


def test_missing_model_says_how_to_install_and_that_rules_still_work(entry, registry):
    with pytest.raises(ModelError) as err:
        store.require_model(registry=registry)
    assert "not installed" in err.value.message and "rule-based" in err.value.message
    assert "model install" in err.value.hint


def test_install_from_file_lands_in_cache_models_and_is_usable(entry, registry, tmp_path):
    src = tmp_path / "download.gguf"
    src.write_bytes(CONTENT)
    path = store.install(entry, str(src))
    assert path == tmp_path / "cache" / "models" / "tiny.gguf"
    assert path.read_bytes() == CONTENT
    assert store.require_model(registry=registry) == path
    # Installing again is a no-op, not a second copy.
    assert store.install(entry, str(src)) == path


def test_wrong_file_is_refused_and_nothing_is_left_behind(entry, tmp_path):
    src = tmp_path / "other.gguf"
    src.write_bytes(CONTENT[:-1] + b"\0")
    with pytest.raises(ModelError, match="does not match"):
        store.install(entry, str(src))
    assert list((tmp_path / "cache" / "models").iterdir()) == []


def test_a_file_changed_after_install_is_refused_before_use(entry, registry, tmp_path):
    src = tmp_path / "m.gguf"
    src.write_bytes(CONTENT)
    path = store.install(entry, str(src))
    data = bytearray(CONTENT)
    data[1000] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="corrupt"):
        store.require_model(registry=registry)


def test_system_directory_is_searched_after_the_users(entry, registry, tmp_path):
    system = tmp_path / "system"
    system.mkdir()
    (system / "tiny.gguf").write_bytes(CONTENT)
    assert store.require_model(registry=registry) == system / "tiny.gguf"


def test_remove_deletes_the_users_copy(entry, tmp_path):
    src = tmp_path / "m.gguf"
    src.write_bytes(CONTENT)
    path = store.install(entry, str(src))
    assert store.remove(entry) == path
    assert not path.exists() and store.find(entry) is None
    assert store.remove(entry) is None


class _Server(http.server.BaseHTTPRequestHandler):
    ranges: list = []
    honour_range = True

    def do_GET(self):  # noqa: N802 (http.server's naming)
        rng = self.headers.get("Range")
        type(self).ranges.append(rng)
        start = int(rng.split("=")[1].rstrip("-")) if rng and self.honour_range else 0
        body = CONTENT[start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Server.ranges = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    _Server.honour_range = True


def _url(httpd):
    return f"http://127.0.0.1:{httpd.server_address[1]}/tiny.gguf"


def test_interrupted_download_resumes_with_a_range_request(entry, server, tmp_path):
    part = tmp_path / "cache" / "models" / "tiny.gguf.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(CONTENT[:1_000_000])  # what an interrupted download left
    path = store.install(entry, _url(server))
    assert _Server.ranges == ["bytes=1000000-"]
    assert path.read_bytes() == CONTENT and not part.exists()


def test_server_ignoring_range_restarts_instead_of_appending(entry, server, tmp_path):
    _Server.honour_range = False
    part = tmp_path / "cache" / "models" / "tiny.gguf.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(CONTENT[:5000])
    assert store.install(entry, _url(server)).read_bytes() == CONTENT


def test_unreachable_url_says_how_to_resume(entry):
    with pytest.raises(ModelError) as err:
        store.install(entry, "http://127.0.0.1:9/tiny.gguf")
    assert "resume" in err.value.hint


def test_local_model_never_downloads_without_a_local_package(entry, registry, monkeypatch):
    # The registry entry has a URL, but local_model must not use it.
    with_url = ModelEntry(**{**entry.__dict__, "source": ModelSource(url="http://127.0.0.1:9/x")})
    reg = Registry(default="tiny", models=(with_url,))
    with pytest.raises(ModelError, match="not installed"):
        store.local_model(registry=reg)


def test_check_file_verifies_registry_models_given_by_path(entry, registry, tmp_path):
    bad = tmp_path / "tiny.gguf"
    bad.write_bytes(b"GGUF" + CONTENT[4:-1])
    with pytest.raises(ModelError, match="corrupt"):
        store.check_file(bad, registry=registry)
    own = tmp_path / "my-own-model.gguf"
    own.write_bytes(b"GGUF")
    assert store.check_file(own, registry=registry) == own
