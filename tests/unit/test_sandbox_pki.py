"""The sandbox PKI issues certs whose subject encodes the Kubernetes identity."""

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kubechat.sandbox import pki


def test_client_cert_carries_user_and_groups(tmp_path):
    ca = pki.make_ca(tmp_path)
    pair = pki.issue(ca, tmp_path, "jane", "jane", ("kubechat:viewers", "team-a"))
    cert = x509.load_pem_x509_certificate(pair.cert.read_bytes())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "jane"
    assert [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] == [
        "kubechat:viewers",
        "team-a",
    ]
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.CLIENT_AUTH in eku
    assert pair.key.stat().st_mode & 0o777 == 0o600
    ca_cert = x509.load_pem_x509_certificate(ca.cert.read_bytes())
    cert.verify_directly_issued_by(ca_cert)


def test_server_cert_covers_loopback(tmp_path):
    ca = pki.make_ca(tmp_path)
    pair = pki.issue(ca, tmp_path, "apiserver", "kube-apiserver", server=True)
    san = (
        x509.load_pem_x509_certificate(pair.cert.read_bytes())
        .extensions.get_extension_for_class(x509.SubjectAlternativeName)
        .value
    )
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)][0] == "127.0.0.1"
