"""The HTTPS client a token-less user ships through the API server with: the kubeconfig's own
client certificate, the cluster's CA, and nothing sent when there is nothing to show."""

import ssl
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import yaml

from kubechat.audit.kube import NoCredentials, api_server_client, bearer_token
from kubechat.sandbox import pki


def _kubeconfig(path, server: str, ca, user: dict, verify: bool = True):
    cluster = {"server": server, "certificate-authority": str(ca.cert)}
    if not verify:
        cluster = {"server": server, "insecure-skip-tls-verify": True}
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": cluster}],
                "users": [{"name": "u", "user": user}],
                "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "x",
            }
        )
    )
    return str(path)


@pytest.fixture
def ca(tmp_path):
    return pki.make_ca(tmp_path)


def _server_asking_for_a_certificate(tmp_path, ca):
    """A loopback TLS server that requires a client certificate of `ca` and answers with its CN."""
    serving = pki.issue(ca, tmp_path, "server", "127.0.0.1", server=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(ca.cert))
    context.load_cert_chain(str(serving.cert), str(serving.key))
    context.verify_mode = ssl.CERT_REQUIRED

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server name
            cn = dict(x[0] for x in self.connection.getpeercert()["subject"])["commonName"]
            body = f"{cn} {self.headers.get('Authorization')}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def test_a_client_certificate_user_gets_a_client_presenting_it(tmp_path, ca):
    httpd = _server_asking_for_a_certificate(tmp_path, ca)
    try:
        url = f"https://127.0.0.1:{httpd.server_address[1]}"
        jane = pki.issue(ca, tmp_path, "jane", "jane", ("viewers",))
        user = {"client-certificate": str(jane.cert), "client-key": str(jane.key)}
        server, client = api_server_client(_kubeconfig(tmp_path / "kc", url, ca, user))
        with client:
            assert server == url
            # The certificate is the credential; the server's was verified with the cluster's CA.
            assert client.get(f"{server}/").text == "jane None"
    finally:
        httpd.shutdown()


def test_a_token_user_sends_the_token(tmp_path, ca):
    _, client = api_server_client(
        _kubeconfig(tmp_path / "kc", "https://127.0.0.1:6443", ca, {"token": "t0k"})
    )
    with client:
        assert client.headers["authorization"] == "Bearer t0k"


def test_a_kubeconfig_password_is_never_taken_for_a_bearer_token(tmp_path, ca):
    # The kubernetes client turns username/password into a Basic authorization value; sent as a
    # "token" it would hand the password to the collector and on to its API server.
    kubeconfig = _kubeconfig(
        tmp_path / "kc", "https://127.0.0.1:6443", ca, {"username": "jane", "password": "hunter2"}
    )
    assert bearer_token(kubeconfig) is None
    with pytest.raises(NoCredentials, match="neither a client certificate nor a token"):
        api_server_client(kubeconfig)


def test_no_credential_or_no_tls_verification_sends_nothing(tmp_path, ca):
    with pytest.raises(NoCredentials, match="neither a client certificate nor a token"):
        api_server_client(_kubeconfig(tmp_path / "a", "https://127.0.0.1:6443", ca, {}))
    jane = pki.issue(ca, tmp_path, "jane", "jane")
    user = {"client-certificate": str(jane.cert), "client-key": str(jane.key)}
    with pytest.raises(NoCredentials, match="skips TLS verification"):
        api_server_client(_kubeconfig(tmp_path / "b", "https://127.0.0.1:6443", ca, user, verify=False))


def test_an_exec_plugin_that_yields_a_client_certificate(tmp_path, ca):
    """An exec credential plugin (as OIDC and cloud logins are) answering with a certificate."""
    import json
    import sys

    httpd = _server_asking_for_a_certificate(tmp_path, ca)
    try:
        url = f"https://127.0.0.1:{httpd.server_address[1]}"
        jane = pki.issue(ca, tmp_path, "jane", "jane")
        credential = {
            "apiVersion": "client.authentication.k8s.io/v1",
            "kind": "ExecCredential",
            "status": {"clientCertificateData": jane.cert.read_text(), "clientKeyData": jane.key.read_text()},
        }
        answer = tmp_path / "credential.json"
        answer.write_text(json.dumps(credential))
        plugin = {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": sys.executable,
            "args": ["-c", f"print(open({str(answer)!r}).read())"],
            "interactiveMode": "Never",
        }
        server, client = api_server_client(_kubeconfig(tmp_path / "kc", url, ca, {"exec": plugin}))
        with client:
            assert client.get(f"{server}/").text == "jane None"
    finally:
        httpd.shutdown()
