"""kubectl set SUBCOMMAND: env, image, resources, selector, serviceaccount, subject."""

from ._common import ALL_NAMESPACES, CHANGE, FILES, OUTPUT, SELECTOR, generic_targets
from ._spec import Effect, Flag, Risk, Sub, VerbSpec, Words, bools, each, flags, on_off


def _targets(cmd, objs):
    return generic_targets([o for o in objs if "=" not in o])


def _effects(cmd):
    if cmd.subcommand == "env" and on_off(cmd, "--resolve"):
        # --resolve looks up the values of the secrets and config maps the environment refers to
        yield Effect.REVEALS_SECRETS, "`set env --resolve` prints the values of secrets the environment uses"
    if cmd.subcommand == "subject":
        yield Effect.ESCALATES_PRIVILEGE, "`set subject` adds someone to an existing role binding"
    resolve = cmd.value("--resolve")
    if cmd.subcommand == "env" and resolve is not None and resolve.lower() not in ("false", "0"):
        yield Effect.REVEALS_SECRETS, "`set env --resolve` prints the values it reads from secrets"


def _change(words, *own):
    return Sub(Risk.WRITE, "`set` changes the cluster", flags=own, words=words)


SPECS = [
    VerbSpec(
        "set",
        Risk.WRITE,
        open_subcommands=True,
        subcommands={
            "env": _change(Words.ASSIGNMENTS),
            "image": _change(Words.TYPED_ASSIGNMENTS),
            "resources": _change(Words.TYPED_ASSIGNMENTS),
            "selector": _change(Words.RESOURCE),
            "serviceaccount": _change(Words.LAST_IS_VALUE),
            "sa": _change(Words.LAST_IS_VALUE),
            # `set subject --user` names a subject: not the global connection flag
            "subject": _change(Words.RESOURCE, *flags("--user", "--group")),
        },
        subcommand_aliases={"sa": "serviceaccount"},
        flags=(
            *OUTPUT,
            *SELECTOR,
            *FILES,
            *ALL_NAMESPACES,
            *CHANGE,
            Flag("--env", True, "e"),  # set env -e
            *flags("--from", "--keys", "--prefix", "--containers", "--limits", "--requests"),
            *flags("--resource-version", "--serviceaccount", "--role", "--clusterrole"),
            *bools("--all", "--local", "--list", "--overwrite", "--resolve"),
        ),
        access=lambda cmd, resource, names: each(resource, names, "patch"),
        server_dry_run=True,
        targets=_targets,
        effects=_effects,
    )
]
