"""OCI image archives written from files on this machine: no registry, no daemon, no base image.

An archive holds an OCI image layout (oci-layout, index.json, blobs/sha256/…) plus the
docker-style manifest.json, so `ctr images import`, `docker load` and `skopeo copy oci-archive:`
all read it and name the image from it. The one layer is reproducible (fixed times and owners,
sorted entries, no gzip timestamp): the same files always give the same digests. It is streamed
to disk, so an image of a few hundred megabytes never sits in memory.
"""

import gzip
import hashlib
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar"
GZIP_LAYER_MEDIA_TYPE = LAYER_MEDIA_TYPE + "+gzip"
CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json"
MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"
INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json"


@dataclass(frozen=True)
class Entry:
    """One path in the image: a file (from `source` or `data`), a directory, or a symlink."""

    path: str
    source: Path | None = None
    data: bytes | None = None
    mode: int = 0o755
    symlink_to: str | None = None
    directory: bool = False
    uid: int = 0
    gid: int = 0


@dataclass(frozen=True)
class Image:
    ref: str  # e.g. kubechat.local/sandbox-probe:local
    entries: tuple[Entry, ...]
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    env: tuple[str, ...] = ("PATH=/bin",)
    user: str = ""
    workdir: str = "/"
    exposed_ports: tuple[int, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)


def _tar_info(name: str, entry: Entry) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mtime, info.uid, info.gid, info.uname, info.gname = 0, entry.uid, entry.gid, "", ""
    info.mode = entry.mode
    return info


def _parents(path: str) -> list[str]:
    parts = path.strip("/").split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


class _Digesting:
    """A write-only stream that hashes and counts what passes through to `out`."""

    def __init__(self, out):
        self.out, self.sha, self.size = out, hashlib.sha256(), 0

    def write(self, data) -> int:
        self.sha.update(data)
        self.size += len(data)
        self.out.write(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self.out.flush()

    @property
    def digest(self) -> str:
        return "sha256:" + self.sha.hexdigest()


def write_layer(entries: tuple[Entry, ...], out) -> str:
    """Write one uncompressed layer to `out` with every parent directory present (runtimes need
    them); returns its digest, which is also its diff id."""
    by_path: dict[str, Entry] = {}
    for entry in entries:
        for parent in _parents(entry.path):
            by_path.setdefault(parent, Entry(parent, directory=True))
        by_path[entry.path.strip("/")] = entry
    digesting = _Digesting(out)
    with tarfile.open(fileobj=digesting, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(by_path):
            entry = by_path[name]
            info = _tar_info(name, entry)
            if entry.directory:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif entry.symlink_to is not None:
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, entry.symlink_to, 0o777
                tar.addfile(info)
            elif entry.data is not None:
                info.size = len(entry.data)
                tar.addfile(info, io.BytesIO(entry.data))
            else:
                info.size = Path(entry.source).stat().st_size
                with open(entry.source, "rb") as f:
                    tar.addfile(info, f)
    return digesting.digest


def layer_bytes(entries: tuple[Entry, ...]) -> bytes:
    buf = io.BytesIO()
    write_layer(entries, buf)
    return buf.getvalue()


def _blob(data: bytes) -> tuple[str, bytes]:
    return "sha256:" + hashlib.sha256(data).hexdigest(), data


def _json(obj: dict) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def _config(image: Image, diff_id: str) -> dict:
    config: dict = {"Env": list(image.env), "WorkingDir": image.workdir}
    if image.entrypoint:
        config["Entrypoint"] = list(image.entrypoint)
    if image.cmd:
        config["Cmd"] = list(image.cmd)
    if image.user:
        config["User"] = image.user
    if image.exposed_ports:
        config["ExposedPorts"] = {f"{p}/tcp": {} for p in image.exposed_ports}
    if image.labels:
        config["Labels"] = dict(image.labels)
    return {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "kubechat oci_image"}],
    }


def write_archive(image: Image, target: Path, compress: bool = False) -> str:
    """Write `image` as an OCI archive at `target` (its layer gzipped when `compress`); returns the
    manifest digest."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=target.parent) as layer_file:
        stored = _Digesting(layer_file)
        if compress:
            with gzip.GzipFile(fileobj=stored, mode="wb", compresslevel=6, mtime=0, filename="") as gz:
                diff_id = write_layer(image.entries, gz)
        else:
            diff_id = write_layer(image.entries, stored)
        layer_file.flush()
        layer_file.seek(0)
        media_type = GZIP_LAYER_MEDIA_TYPE if compress else LAYER_MEDIA_TYPE
        layer = _StoredLayer(diff_id, stored.digest, stored.size, media_type)
        return _write_archive(image, target, layer, layer_file)


@dataclass(frozen=True)
class _StoredLayer:
    diff_id: str  # of the uncompressed tar
    digest: str  # of the blob as stored
    size: int
    media_type: str


def _write_archive(image: Image, target: Path, layer: _StoredLayer, layer_file) -> str:
    layer_digest = layer.digest
    config_digest, config = _blob(_json(_config(image, layer.diff_id)))
    manifest_digest, manifest = _blob(
        _json(
            {
                "schemaVersion": 2,
                "mediaType": MANIFEST_MEDIA_TYPE,
                "config": {"mediaType": CONFIG_MEDIA_TYPE, "digest": config_digest, "size": len(config)},
                "layers": [{"mediaType": layer.media_type, "digest": layer_digest, "size": layer.size}],
            }
        )
    )
    tag = image.ref.rsplit(":", 1)[1] if ":" in image.ref.rsplit("/", 1)[-1] else "latest"
    index = {
        "schemaVersion": 2,
        "mediaType": INDEX_MEDIA_TYPE,
        "manifests": [
            {
                "mediaType": MANIFEST_MEDIA_TYPE,
                "digest": manifest_digest,
                "size": len(manifest),
                "platform": {"architecture": "amd64", "os": "linux"},
                "annotations": {
                    "io.containerd.image.name": image.ref,
                    "org.opencontainers.image.ref.name": tag,
                },
            }
        ],
    }

    def blob_path(digest: str) -> str:
        return "blobs/sha256/" + digest.split(":", 1)[1]

    docker_manifest = [
        {"Config": blob_path(config_digest), "RepoTags": [image.ref], "Layers": [blob_path(layer_digest)]}
    ]
    members = [
        ("oci-layout", _json({"imageLayoutVersion": "1.0.0"})),
        ("index.json", _json(index)),
        ("manifest.json", _json(docker_manifest)),
        (blob_path(config_digest), config),
        (blob_path(manifest_digest), manifest),
    ]
    tmp = target.with_name(target.name + ".tmp")
    with tarfile.open(tmp, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for directory in ("blobs", "blobs/sha256"):
            info = tarfile.TarInfo(directory)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
            tar.addfile(info)
        info = tarfile.TarInfo(blob_path(layer_digest))
        info.size, info.mode, info.mtime = layer.size, 0o644, 0
        tar.addfile(info, layer_file)
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    tmp.replace(target)
    return manifest_digest
