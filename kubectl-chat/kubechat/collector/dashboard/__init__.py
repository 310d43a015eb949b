"""The read-only compliance dashboard the collector serves at /ui (same app, process and TLS).

Only identities in the collector's reader groups see anything: a Kubernetes token pasted once on
the login page becomes a server-side session; every other page and asset needs that session."""

from .routes import mount

__all__ = ["mount"]
