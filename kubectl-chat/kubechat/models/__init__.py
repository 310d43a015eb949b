"""Local model files: the registry of known models and the on-disk store (install, verify, locate).

Translation asks `store.require_model()` for a verified GGUF path; nothing here downloads
unless a user runs `kubectl chat model install`.
"""
