"""`kubectl chat sandbox up|down|env|status`: a real local cluster for demos and tests."""

from pathlib import Path

import click

from ..sandbox import cluster, real_node

_dir_option = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the sandbox keeps its state (default: the user state dir).",
)


def _progress(msg: str) -> None:
    click.echo(f"  {msg}", err=True)


@click.group(
    help="kubectl chat sandbox: a local Kubernetes control plane (etcd, API server, kwok nodes, "
    "and with --real-node one node that runs real containers)."
)
def sandbox() -> None:
    pass


@sandbox.command(help="Start the sandbox and seed sample data; prints KUBECONFIG= lines.")
@_dir_option
@click.option(
    "--real-node",
    "with_real_node",
    is_flag=True,
    help="Also start one real node (kubelet + containerd) for pods that select "
    f"{real_node.NODE_LABEL}=true; without containerd the sandbox still starts, with a note.",
)
def up(directory: Path | None, with_real_node: bool) -> None:
    state = cluster.up(directory, progress=_progress, with_real_node=with_real_node)
    click.echo(f"sandbox ready at {state.server} (state in {state.dir})", err=True)
    if state.real_node_note:
        click.echo(state.real_node_note, err=True)
    for line in cluster.env_lines(state):
        click.echo(line)


@sandbox.command(help="Stop every process the sandbox started.")
@_dir_option
def down(directory: Path | None) -> None:
    stopped = cluster.down(directory, progress=_progress)
    click.echo("sandbox stopped" if stopped else "sandbox was not running")


@sandbox.command(help="Print shell lines that point kubectl at the sandbox.")
@_dir_option
@click.option("--user", type=click.Choice(["admin", "limited"]), default="admin", show_default=True)
def env(directory: Path | None, user: str) -> None:
    state, _ = cluster.status(directory)
    if state is None:
        raise click.ClickException("no sandbox here; start one with `kubectl chat sandbox up`")
    path = state.admin_kubeconfig if user == "admin" else state.limited_kubeconfig
    click.echo(f"export KUBECONFIG={path}")


@sandbox.command(
    name="load-image",
    help="Load an OCI or docker image archive (e.g. from `make image`) into the real node's containerd.",
)
@_dir_option
@click.argument("archive", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def load_image(directory: Path | None, archive: Path) -> None:
    for name in cluster.load_image(directory, archive):
        click.echo(f"loaded {name} into {real_node.NODE_NAME}")


@sandbox.command(help="Show whether each sandbox process is running.")
@_dir_option
def status(directory: Path | None) -> None:
    state, comps = cluster.status(directory)
    if state is None:
        click.echo("sandbox: not running")
        raise SystemExit(3)
    healthy = state.ready and all(c.running for c in comps)
    click.echo(f"sandbox: {'running' if healthy else 'degraded'} at {state.server}")
    for c in comps:
        click.echo(f"  {c.name:<24} pid {c.pid:<8} {'running' if c.running else 'STOPPED'}  log {c.log}")
    click.echo(f"  {cluster.real_node_line(state)}")
    if not healthy:
        raise SystemExit(1)
