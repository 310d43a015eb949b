"""Entry point of the frozen build: the same `console` as the `kubectl-chat` console script."""

from kubechat.cli import console

if __name__ == "__main__":
    console()
