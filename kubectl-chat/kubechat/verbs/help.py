"""kubectl completion, options and help: about kubectl itself."""

from ._spec import Risk, VerbSpec

SPECS = [
    VerbSpec(name, Risk.READ, namespaced=False, objects=False, complete=False)
    for name in ("completion", "options", "help")
]
