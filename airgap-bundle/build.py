"""Build the signed air-gap bundle: dist/airgap/ and, next to it, kubectl-chat-airgap_v<version>_linux_amd64.tar.

Layout (see airgap-bundle/README.md):
  install.sh  README.md  SHA256SUMS  SHA256SUMS.sig  signing-key.pub.pem
  plugin/   the krew archive and its manifest
  bin/      krew, opa
  models/   the default GGUF model and the model registry
  policies/ policies.tar.gz (an OPA bundle built with `opa build -b policies/`)
  helm/     the collector chart, packaged
  images/   the collector's container image as an OCI archive (`make image`), when built

SHA256SUMS lists every other file; SHA256SUMS.sig is a raw Ed25519 signature over it, which
`openssl pkeyutl -verify -rawin` checks on a machine with nothing else installed.

Signing key: $KUBECHAT_BUNDLE_SIGNING_KEY (a PKCS#8 PEM Ed25519 private key), else
<config dir>/bundle-signing/ed25519.key, generated on first use (0600).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kubechat import __version__, paths
from kubechat.errors import KubechatError
from kubechat.models import store
from kubechat.models.registry import default_registry_path, load_registry

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
CHART = "kubectl-chat-collector"
PUBKEY = "signing-key.pub.pem"


def signing_key() -> tuple[Ed25519PrivateKey, str]:
    """The bundle signing key and where it came from; generated once when none is configured."""
    env = os.environ.get("KUBECHAT_BUNDLE_SIGNING_KEY")
    path = Path(env) if env else paths.config_dir() / "bundle-signing" / "ed25519.key"
    if not path.exists():
        if env:
            raise SystemExit(f"KUBECHAT_BUNDLE_SIGNING_KEY={env}: no such file")
        paths.ensure_private_dir(path.parent)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        print(f"key     generated a new bundle signing key: {path}")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SystemExit(f"{path}: not an Ed25519 private key")
    return key, str(path)


def public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def fingerprint(key: Ed25519PrivateKey) -> str:
    """sha256 of the DER public key: what `openssl pkey -pubin -outform DER | sha256sum` prints."""
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "SHA256:" + hashlib.sha256(der).hexdigest()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def checksums(bundle: Path) -> bytes:
    """`sha256sum` format over every file but the sums and their signature, sorted."""
    skip = {"SHA256SUMS", "SHA256SUMS.sig"}
    files = sorted(p for p in bundle.rglob("*") if p.is_file() and p.name not in skip)
    return "".join(f"{sha256(p)}  {p.relative_to(bundle).as_posix()}\n" for p in files).encode()


def package_chart(chart_dir: Path, out_dir: Path) -> Path:
    """A chart .tgz as `helm package` makes it: the chart directory under its own name."""
    import yaml

    meta = yaml.safe_load((chart_dir / "Chart.yaml").read_text())
    out = out_dir / f"{meta['name']}-{meta['version']}.tgz"
    with tarfile.open(out, "w:gz") as tar:
        for p in sorted(chart_dir.rglob("*")):
            if p.is_file():
                info = tar.gettarinfo(p, arcname=f"{meta['name']}/{p.relative_to(chart_dir).as_posix()}")
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mtime = 0
                with p.open("rb") as fh:
                    tar.addfile(info, fh)
    return out


def copy(src: Path, dst: Path, mode: int = 0o644) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    os.chmod(dst, mode)


def render_readme(
    version: str, fp: str, sums: bytes, model_file: str, chart: str | None, image: str | None
) -> str:
    text = (HERE / "README.bundle.md").read_text()
    listing = "\n".join("    " + line for line in sums.decode().splitlines())
    for key, value in {
        "@VERSION@": version,
        "@FINGERPRINT@": fp,
        "@MODEL@": model_file,
        "@CHART@": chart or "(not included)",
        "@IMAGE@": image or "(not included: build it with `make image` before `make airgap`)",
        "@FILES@": listing,
    }.items():
        text = text.replace(key, value)
    return text


def build(args: argparse.Namespace) -> Path:
    version = __version__
    name = f"kubectl-chat_v{version}_linux_amd64"
    dist = Path(args.dist)
    archive, manifest = dist / f"{name}.tar.gz", dist / "chat.yaml"
    for f in (archive, manifest):
        if not f.is_file():
            raise SystemExit(f"{f} is missing: run `make dist` first")
    testbin = paths.testbin_dir()
    krew, opa = Path(args.krew or testbin / "krew"), Path(args.opa or testbin / "opa")
    for tool in (krew, opa):
        if not os.access(tool, os.X_OK):
            raise SystemExit(f"{tool} is missing: run `make testbin`")
    registry = load_registry()
    entry = registry.get()
    model = Path(args.model) if args.model else store.require_model()
    if args.model and sha256(model) != entry.sha256:
        raise SystemExit(f"{model}: sha256 does not match {entry.name} in the registry")

    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy(archive, out / "plugin" / archive.name)
    copy(manifest, out / "plugin" / "chat.yaml")
    copy(krew, out / "bin" / "krew", 0o755)
    copy(opa, out / "bin" / "opa", 0o755)
    copy(model, out / "models" / entry.file)
    copy(default_registry_path(), out / "models" / "registry.yaml")
    (out / "policies").mkdir()
    subprocess.run(
        [str(opa), "build", "-b", str(ROOT / "policies"), "-o", str(out / "policies" / "policies.tar.gz")],
        check=True,
    )
    chart_dir = ROOT / "deploy" / "helm" / CHART
    chart = None
    if (chart_dir / "Chart.yaml").is_file():
        (out / "helm").mkdir()
        chart = package_chart(chart_dir, out / "helm").name
    image = None
    image_archive = dist / f"kubectl-chat-collector_v{version}_linux_amd64.oci.tar"
    if image_archive.is_file():  # signed with the rest through SHA256SUMS
        copy(image_archive, out / "images" / image_archive.name)
        image = f"images/{image_archive.name}"
    copy(HERE / "install.sh", out / "install.sh", 0o755)

    key, key_source = signing_key()
    fp = fingerprint(key)
    (out / PUBKEY).write_bytes(public_pem(key))
    # The README lists the files it ships with, so it is written before the final sums.
    (out / "README.md").write_text(render_readme(version, fp, checksums(out), entry.file, chart, image))
    sums = checksums(out)
    (out / "SHA256SUMS").write_bytes(sums)
    (out / "SHA256SUMS.sig").write_bytes(key.sign(sums))
    print(f"bundle  {out}  ({len(sums.splitlines())} files, signed with {key_source})")
    print(f"key     public key fingerprint {fp}")

    tar_path = out.parent / f"kubectl-chat-airgap_v{version}_linux_amd64.tar"
    top = f"kubectl-chat-airgap_v{version}"
    subprocess.run(
        ["tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner",
         f"--transform=s|^\\.|{top}|", "-C", str(out), "-cf", str(tar_path), "."],
        check=True,
    )  # fmt: skip
    print(f"tarball {tar_path}  ({tar_path.stat().st_size / 1e6:.0f} MB)")
    parts = tar_path.with_suffix(".parts")
    if args.split:
        split(tar_path, args.split)
    elif parts.exists():
        shutil.rmtree(parts)  # parts of an earlier bundle would no longer match this one
    return out


def split(tar_path: Path, size: str) -> None:
    """Chunks for small media, with their own checksums and a note on joining them."""
    parts_dir = tar_path.with_suffix(".parts")
    if parts_dir.exists():
        shutil.rmtree(parts_dir)
    parts_dir.mkdir()
    prefix = parts_dir / (tar_path.name + ".part-")
    subprocess.run(["split", "-b", size, "-d", "-a", "3", str(tar_path), str(prefix)], check=True)
    sums = "".join(f"{sha256(p)}  {p.name}\n" for p in sorted(parts_dir.iterdir()))
    sums += f"{sha256(tar_path)}  {tar_path.name}\n"
    (parts_dir / "PARTS.SHA256SUMS").write_text(sums)
    (parts_dir / "JOIN.txt").write_text(
        f"cat {tar_path.name}.part-* > {tar_path.name}\n"
        "sha256sum -c --ignore-missing PARTS.SHA256SUMS\n"
        f"tar -xf {tar_path.name} && sh kubectl-chat-airgap_*/install.sh\n"
    )
    print(f"split   {parts_dir} ({len(list(parts_dir.glob('*.part-*')))} parts of {size})")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dist", default=str(ROOT / "dist"), help="where `make dist` put the archive")
    p.add_argument("--out", default=str(ROOT / "dist" / "airgap"), help="bundle directory to (re)create")
    p.add_argument("--model", help="GGUF file (default: the installed default model)")
    p.add_argument("--krew", help="krew binary (default: testbin)")
    p.add_argument("--opa", help="opa binary (default: testbin)")
    p.add_argument("--split", metavar="SIZE", help="also split the tarball into chunks, e.g. 1G or 700M")
    args = p.parse_args(argv)
    try:
        build(args)
    except KubechatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except subprocess.CalledProcessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
