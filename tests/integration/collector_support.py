"""Run a real collector (uvicorn, TLS 1.3, self-signed cert) on loopback for integration tests."""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kubechat.collector.api import create_app
from kubechat.collector.crypto import BodyCipher, CheckpointSigner
from kubechat.collector.identity import IdentityError
from kubechat.collector.server import make_config
from kubechat.collector.service import CollectorService
from kubechat.collector.tlscert import make_self_signed
from kubechat.ledger.record import UserInfo
from kubechat.ports import free_port

AES_KEY = bytes(range(32))


class StaticTokens:
    """Stands in for the API server's answer when no cluster is involved."""

    users = {
        "tok-alice": UserInfo(username="alice", groups=["kubechat:operators"]),
        "tok-bob": UserInfo(username="bob", groups=["kubechat:viewers"]),
        "tok-auditor": UserInfo(username="carol", groups=["kubechat:auditors"]),
    }

    def resolve(self, token):
        if token not in self.users:
            raise IdentityError("token rejected")
        return self.users[token]


def make_service(store, resolver=None, limits=None) -> CollectorService:
    return CollectorService(
        store,
        BodyCipher(AES_KEY),
        CheckpointSigner(Ed25519PrivateKey.generate()),
        resolver or StaticTokens(),
        limits=limits,
    )


@contextlib.contextmanager
def running(service: CollectorService, tmp: Path):
    """Yield (url, ca_file) of a collector served by uvicorn in a thread."""
    tmp.mkdir(parents=True, exist_ok=True)
    cert, key = tmp / "tls.crt", tmp / "tls.key"
    make_self_signed(["127.0.0.1", "localhost"], cert, key)
    port = free_port()
    server = uvicorn.Server(make_config(create_app(service), f"127.0.0.1:{port}", str(cert), str(key)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("collector did not start")
        time.sleep(0.05)
    try:
        yield f"https://127.0.0.1:{port}", str(cert)
    finally:
        server.should_exit = True
        thread.join(10)


@contextlib.contextmanager
def serve_process(d: Path, *extra: str, host: str = "127.0.0.1", tls_names: tuple[str, ...] = ()):
    """Yield (url, ca_file, process) of a real `kubectl chat collector serve` on `host` (loopback
    by default), TLS 1.3, with fresh keys in `d` and the extra serve arguments given; its
    certificate also names `tls_names`."""
    import httpx

    from kubechat import https as http
    from kubechat.collector.crypto import init_keys

    aes, signing = init_keys(d / "keys")
    make_self_signed([host, *tls_names], d / "tls.crt", d / "tls.key")
    port = free_port()
    argv = [str(Path(sys.executable).parent / "kubectl-chat"), "collector", "serve"]
    argv += ["--store", f"sqlite:///{d / 'audit.db'}", "--listen", f"{host}:{port}"]
    argv += ["--tls-cert", str(d / "tls.crt"), "--tls-key", str(d / "tls.key")]
    argv += ["--key-file", str(aes), "--signing-key", str(signing), *extra]
    proc = subprocess.Popen(argv, env=os.environ.copy(), stderr=subprocess.PIPE, text=True)
    url, ca = f"https://{host}:{port}", str(d / "tls.crt")
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                if http.client(ca).get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "collector did not start"
            time.sleep(0.2)
        yield url, ca, proc
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def serve_for_cluster(sandbox, d: Path, *extra: str, **where):
    """serve_process asking the sandbox's API server who holds each token (SelfSubjectReview)."""
    import base64

    import yaml

    kubeconfig = yaml.safe_load(sandbox.token_kubeconfigs["alice"].read_text())
    api_ca = d / "api-ca.crt"
    api_ca.write_bytes(base64.b64decode(kubeconfig["clusters"][0]["cluster"]["certificate-authority-data"]))
    with serve_process(d, "--api-server", sandbox.server, "--api-ca", str(api_ca), *extra, **where) as served:
        yield served


ALICE = UserInfo(username="alice", groups=["kubechat:operators"])


def fill(trail, n: int) -> None:
    from kubechat.audit import RecordInput

    for i in range(n):
        trail.record(
            RecordInput(
                user=ALICE,
                request=f"scale web to {i}",
                verb="scale",
                argv=["kubectl", "scale", "deploy/web", f"--replicas={i}", "-n", "prod"],
                object_ref={"resource": "deployments", "namespace": "prod", "name": "web"},
                risk="write",
                confirmation="yes",
                exit_code=0,
            )
        )


def run_cli(capsys, *argv) -> tuple[int, str]:
    from kubechat.cli import main

    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out + out.err


class AuditorCli:
    """`kubectl chat audit …` pointed at the collector, as the auditor."""

    def __init__(self, capsys, url: str, ca: str, tmp: Path, collector_key: str):
        self.capsys, self.url, self.ca, self.key = capsys, url, ca, collector_key
        self.token_file = tmp / "auditor.token"
        self.token_file.write_text("tok-auditor\n")

    def __call__(self, command: str, *args: str) -> tuple[int, str]:
        extra = ("--collector-key", self.key) if command == "verify" else ()
        return run_cli(
            self.capsys,
            "audit",
            command,
            "--collector",
            self.url,
            "--ca-file",
            self.ca,
            "--token-file",
            str(self.token_file),
            *extra,
            *args,
        )


def ship_query_verify(url: str, ca: str, service, tmp: Path, capsys) -> AuditorCli:
    """The whole round trip; returns the auditor CLI for further checks."""
    import json

    from kubechat.audit import AuditTrail

    trail = AuditTrail()
    fill(trail, 25)
    result = trail.ship_pending(url, token="tok-alice", ca_file=ca, batch_size=10)
    assert result.ok and result.accepted == 25 and result.pending == 0, result.describe()
    again = trail.ship_pending(url, token="tok-alice", ca_file=ca)
    assert again.ok and again.sent == 0

    audit = AuditorCli(capsys, url, ca, tmp, service.signer.public_b64)
    code, out = audit("query", "-q", "replicas=7", "-o", "json")
    assert code == 0 and [json.loads(line)["argv"][3] for line in out.splitlines()] == ["--replicas=7"]
    code, out = audit("export", "--format", "leef")
    assert code == 0 and len([x for x in out.splitlines() if x.startswith("LEEF:2.0|")]) == 25
    code, out = audit("verify")
    assert code == 0 and "matches the checkpoint" in out, out
    fill(trail, 3)
    assert trail.ship_pending(url, token="tok-alice", ca_file=ca).accepted == 3
    code, out = audit("verify")
    assert code == 0 and "append-only since the last check (size 25)" in out, out
    return audit


def forge(sealed: bytes, audit_id: str) -> bytes:
    """What an insider with the database and the encryption key could do: rewrite a record."""
    import json

    body = json.loads(BodyCipher(AES_KEY).open(audit_id, sealed))
    body["confirmation"] = "typed"
    forged = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return BodyCipher(AES_KEY).seal(audit_id, forged)


def pg_bin() -> Path | None:
    """The directory of PostgreSQL's server binaries (initdb, pg_ctl), if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextlib.contextmanager
def throwaway_postgres():
    """Yield the URL of a PostgreSQL cluster made for the occasion (initdb + pg_ctl in a temp dir,
    as an unprivileged user when run as root; fsync off), removed afterwards."""
    bindir = pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not installed (run scripts/install-postgres.sh)")
    run_as: list[str] = []
    owner = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        name = "postgres" if _has_user("postgres") else "nobody"
        run_as, owner = ["runuser", "-u", name, "--"], pwd.getpwnam(name)
    base = Path(tempfile.mkdtemp(prefix="kubechat-pg-"))
    if owner:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    data, port = base / "data", free_port()

    def pg(*argv):
        subprocess.run([*run_as, *argv], check=True, capture_output=True, timeout=120)

    pg(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    pg(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(base / "log"),
        "-w",
        "-o",
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off",
        "start",
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
