"""`kubectl chat` command line: a thin click layer. Each command group lives in kubechat/commands/
and calls one library function; library errors become one clear message, never a traceback."""

import atexit
import importlib
import os
import sys
import threading

import click

from . import __version__
from .errors import KubechatError

# (command name, module under kubechat.commands, attribute). Imported lazily so that
# `kubectl chat --help` stays fast and a broken optional part cannot break the rest.
COMMANDS = [
    ("ask", "ask_cmd", "ask"),
    ("sandbox", "sandbox_cmd", "sandbox"),
    ("model", "model_cmd", "model"),
    ("policy", "policy_cmd", "policy"),
    ("audit", "audit_cmd", "audit"),
    ("collector", "collector_cmd", "collector"),
    ("translate", "translate_cmd", "translate"),
]

# The command used when the first word is not a subcommand: `kubectl chat "scale web to 3"`.
DEFAULT_COMMAND = "ask"


_GROUP_FLAGS = {"--debug", "--version", "-h", "--help"}


class ChatGroup(click.Group):
    """A group whose unknown first word is a plain-language request for the default command."""

    def format_help(self, ctx, formatter):
        # kubectl's plugin convention: help opens with the command's own name.
        self.format_help_text(ctx, formatter)
        self.format_usage(ctx, formatter)
        self.format_options(ctx, formatter)
        self.format_epilog(ctx, formatter)

    def format_help_text(self, ctx, formatter):
        formatter.write(self.help.split("\n\n", 1)[0] + "\n")
        rest = self.help.split("\n\n", 1)[1:]
        if rest:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(rest[0])
        formatter.write_paragraph()

    def list_commands(self, ctx):
        return sorted(name for name, _, _ in COMMANDS if name != DEFAULT_COMMAND)

    def get_command(self, ctx, name):
        for cmd_name, module, attr in COMMANDS:
            if cmd_name == name:
                mod = importlib.import_module(f"kubechat.commands.{module}")
                return getattr(mod, attr)
        return None

    def parse_args(self, ctx, args):
        # `kubectl chat -n prod "list pods"`: anything that is neither one of our own options
        # nor a subcommand starts a request for the default command.
        i = 0
        while i < len(args) and args[i] in _GROUP_FLAGS:
            i += 1
        if i < len(args) and args[i] not in {n for n, _, _ in COMMANDS}:
            args = [*args[:i], DEFAULT_COMMAND, *args[i:]]
        return super().parse_args(ctx, args)


@click.group(
    cls=ChatGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="kubectl chat - manage Kubernetes in plain language, safely and offline.\n\n"
    'Examples: kubectl chat "list failing pods in prod"; kubectl chat -n staging "scale web to 3"; '
    "kubectl chat (interactive); kubectl chat sandbox up (a local cluster).",
    epilog="Request flags (kubectl's --kubeconfig, --context, -n, -A, --as, --as-group, --request-timeout; "
    "--write, --yes, --dry-run, --plain, -o FORMAT, --output-format chat-json, --offline, --model): kubectl chat ask --help",
)
@click.version_option(__version__, "--version", prog_name="kubectl chat", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, envvar="KUBECHAT_DEBUG", help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if ctx.invoked_subcommand is None:
        if DEFAULT_COMMAND in dict((n, m) for n, m, _ in COMMANDS):
            ctx.invoke(cli.get_command(ctx, DEFAULT_COMMAND))
        else:
            click.echo(ctx.get_help())


def main(argv: list[str] | None = None) -> None:
    """Entry point for the `kubectl-chat` console script (and krew's symlink)."""
    debug = os.environ.get("KUBECHAT_DEBUG") == "1" or "--debug" in (argv or sys.argv[1:])
    try:
        rv = cli.main(args=argv, prog_name="kubectl chat", standalone_mode=False)
        if isinstance(rv, int) and not isinstance(rv, bool):
            sys.exit(rv)
    except click.exceptions.Abort:
        click.echo("cancelled: nothing was changed", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KubechatError as exc:
        if debug:
            raise
        click.secho(f"error: {exc.message}", fg="red", err=True)
        if exc.hint:
            click.echo(f"  hint: {exc.hint}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("\ninterrupted", err=True)
        sys.exit(130)


def console() -> None:
    """The `kubectl-chat` executable: main(), then exit without tearing the interpreter down.
    Finalising the few hundred modules a run has loaded costs about 0.1 s and does nothing a
    run needs: exit handlers still run and output is flushed first. main() itself keeps
    raising SystemExit, so it stays callable in-process."""
    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("message"): shown as Python would
            sys.stderr.write(f"{exc.code}\n")
            code = 1
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)  # a thread is still working: let the interpreter wait for it
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe (`| head`): nothing more can be shown
    os._exit(code)
