"""kubectl certificate approve|deny: CertificateSigningRequests (cluster-scoped)."""

from ._common import FILES, OUTPUT, node_target
from ._spec import Need, Risk, Sub, VerbSpec, Words, bools


def _decide(cmd, resource, names):
    return [Need("update", "certificatesigningrequests", "approval", n) for n in names or [""]]


def _sub(sub):
    return Sub(
        Risk.WRITE, f"`certificate {sub}` decides a signing request", access=_decide, words=Words.NAMED
    )


SPECS = [
    VerbSpec(
        "certificate",
        open_subcommands=True,
        subcommands={"approve": _sub("approve"), "deny": _sub("deny")},
        flags=(*OUTPUT, *FILES, *bools("--force")),
        namespaced=False,
        targets=lambda cmd, objs: ("certificatesigningrequests", node_target(cmd, objs)[1]),
    )
]
