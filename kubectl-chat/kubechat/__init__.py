"""kubectl chat: plain-language Kubernetes, translated locally, checked by policy, audited."""

__version__ = "0.1.0"
