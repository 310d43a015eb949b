"""OCI archives written without a registry: the layout a runtime reads, digests that match their
blobs, every parent directory in the layer, and the same bytes for the same files."""

import gzip
import hashlib
import io
import json
import tarfile

from kubechat.sandbox import oci_image


def _image(tmp_path):
    binary = tmp_path / "probe"
    binary.write_bytes(b"\x7fELF fake")
    return oci_image.Image(
        "kubechat.local/thing:1.0",
        (
            oci_image.Entry("usr/local/bin/probe", source=binary),
            oci_image.Entry("bin/serve", symlink_to="../usr/local/bin/probe"),
            oci_image.Entry("etc/motd", data=b"hi\n", mode=0o644),
        ),
        entrypoint=("/usr/local/bin/probe",),
        user="65532:65532",
        exposed_ports=(8080,),
    )


def _members(path):
    with tarfile.open(path) as tar:
        return {m.name: (tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()}


def test_the_archive_is_an_oci_layout_whose_digests_match_their_blobs(tmp_path):
    target = tmp_path / "img.tar"
    digest = oci_image.write_archive(_image(tmp_path), target)
    files = _members(target)
    assert json.loads(files["oci-layout"]) == {"imageLayoutVersion": "1.0.0"}
    for name, data in files.items():
        if name.startswith("blobs/sha256/") and data is not None:
            assert hashlib.sha256(data).hexdigest() == name.rsplit("/", 1)[1]
    index = json.loads(files["index.json"])
    (entry,) = index["manifests"]
    assert entry["digest"] == digest
    assert entry["annotations"]["io.containerd.image.name"] == "kubechat.local/thing:1.0"
    assert entry["annotations"]["org.opencontainers.image.ref.name"] == "1.0"
    manifest = json.loads(files["blobs/sha256/" + digest.split(":")[1]])
    config = json.loads(files["blobs/sha256/" + manifest["config"]["digest"].split(":")[1]])
    assert config["config"]["User"] == "65532:65532"
    assert config["config"]["Entrypoint"] == ["/usr/local/bin/probe"]
    assert config["config"]["ExposedPorts"] == {"8080/tcp": {}}
    layer_digest = manifest["layers"][0]["digest"]
    assert config["rootfs"]["diff_ids"] == [layer_digest]  # uncompressed: digest is the diff id
    (docker,) = json.loads(files["manifest.json"])
    assert docker["RepoTags"] == ["kubechat.local/thing:1.0"]
    assert docker["Layers"] == ["blobs/sha256/" + layer_digest.split(":")[1]]


def test_the_layer_has_every_parent_directory_and_keeps_modes_and_links(tmp_path):
    layer = oci_image.layer_bytes(_image(tmp_path).entries)
    with tarfile.open(fileobj=io.BytesIO(layer)) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert [n for n in members if members[n].isdir()] == ["bin", "etc", "usr", "usr/local", "usr/local/bin"]
    assert members["usr/local/bin/probe"].mode == 0o755 and members["etc/motd"].mode == 0o644
    assert members["bin/serve"].issym() and members["bin/serve"].linkname == "../usr/local/bin/probe"
    assert {m.uid for m in members.values()} == {0} and {m.mtime for m in members.values()} == {0}


def test_the_same_files_give_the_same_bytes(tmp_path):
    a, b = tmp_path / "a.tar", tmp_path / "b.tar"
    assert oci_image.write_archive(_image(tmp_path), a) == oci_image.write_archive(_image(tmp_path), b)
    assert a.read_bytes() == b.read_bytes()


def test_a_compressed_layer_keeps_the_uncompressed_diff_id(tmp_path):
    image = _image(tmp_path)
    plain, packed = tmp_path / "plain.tar", tmp_path / "packed.tar"
    oci_image.write_archive(image, plain)
    digest = oci_image.write_archive(image, packed, compress=True)
    files = _members(packed)
    manifest = json.loads(files["blobs/sha256/" + digest.split(":")[1]])
    (layer,) = manifest["layers"]
    assert layer["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip"
    blob = files["blobs/sha256/" + layer["digest"].split(":")[1]]
    config = json.loads(files["blobs/sha256/" + manifest["config"]["digest"].split(":")[1]])
    uncompressed = gzip.decompress(blob)
    assert config["rootfs"]["diff_ids"] == ["sha256:" + hashlib.sha256(uncompressed).hexdigest()]
    assert uncompressed == oci_image.layer_bytes(image.entries)
    assert oci_image.write_archive(image, tmp_path / "again.tar", compress=True) == digest  # reproducible
