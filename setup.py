"""Build hook: ship the repository's policies/ (Rego + data.json, without tests) inside the
package as kubechat/data/policies, so installed copies find them without a checkout.
Everything else about the package is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def copy_policies(src: Path, dst: Path) -> list[str]:
    """Copy the policy bundle (data.json and non-test .rego files); returns the names copied."""
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    copied = []
    for f in sorted(src.iterdir()):
        if f.is_file() and (
            f.name == "data.json" or (f.suffix == ".rego" and not f.name.endswith("_test.rego"))
        ):
            shutil.copyfile(f, dst / f.name)
            copied.append(f.name)
    return copied


class BuildPyWithPolicies(build_py):
    def run(self):
        super().run()
        copy_policies(HERE / "policies", Path(self.build_lib) / "kubechat" / "data" / "policies")


if __name__ == "__main__":
    setup(cmdclass={"build_py": BuildPyWithPolicies})
