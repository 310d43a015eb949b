"""Typed errors. The library raises these; the CLI turns them into one clear message and an exit code."""


class KubechatError(Exception):
    """A failure the user can act on: `message` says what happened, `hint` what to do next."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class UsageError(KubechatError):
    exit_code = 2


class MissingBinaryError(KubechatError):
    """A program we run (kubectl, etcd, opa, …) is not installed."""


class SandboxError(KubechatError):
    """The local sandbox cluster could not be started, stopped or read."""


class ClusterUnreachableError(KubechatError):
    """The API server did not answer."""


class TranslationError(KubechatError):
    """A request could not be turned into a kubectl command."""


class ModelError(KubechatError):
    """The local model is missing, corrupt or failed to load."""


class PolicyError(KubechatError):
    """The policy engine could not be reached or gave no decision (callers fail closed)."""


class AuditError(KubechatError):
    """The audit trail could not be written, shipped or verified."""
