"""kubectl kuberc view|set (kubectl ≥ 1.35): the user's kuberc, aliases and default flags for later
kubectl calls. kubectl chat runs kubectl with the kuberc off, so the policy denies the verb."""

from ._spec import Risk, Sub, VerbSpec, flags

SPECS = [
    VerbSpec(
        "kuberc",
        open_subcommands=True,
        subcommands={
            "view": Sub(Risk.READ, "`kuberc view` only shows the kuberc"),
            "set": Sub(Risk.DESTRUCTIVE, "`kuberc set` changes what later kubectl commands do"),
        },
        flags=(
            *flags("--output", "--template", "--section", "--command", "--name", "--option"),
            *flags("--prependarg", "--appendarg"),
        ),
        namespaced=False,
        objects=False,
    )
]
