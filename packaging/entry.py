"""Entry point of the frozen build: the same `main` as the `kubectl-chat` console script."""

from kubechat.cli import main

if __name__ == "__main__":
    main()
