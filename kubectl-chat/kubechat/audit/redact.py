"""Remove secrets from what gets stored: argv values, the plain-language request, kept output.

Runs before signing, so no secret ever reaches the spool, the collector or a SIEM. The redaction
is visible (`***REDACTED***`) so an auditor knows a value was given without learning it.
"""

from __future__ import annotations

import re

MASK = "***REDACTED***"

# Flags whose value is always a secret, wherever they appear.
_SECRET_FLAGS = {
    "--token",
    "--password",
    "--docker-password",
    "--client-secret",
    "--client-key-data",
    "--secret",
}
# Any flag whose name contains one of these words is treated as secret too.
_SECRET_WORDS = ("password", "passwd", "token", "secret", "apikey", "api-key", "private-key", "credential")
# Keys inside key=value flag values (--from-literal, --auth-provider-arg, --set) that name a secret.
_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|pwd|token|secret|api[-_]?key|private[-_]?key|credential|auth|cert|key)", re.I
)
# The lookbehind starts a scheme only at the beginning of a word: linear time on long output.
_URL_CREDS = re.compile(
    r"(?<![a-z0-9+.-])(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^/@:\s]+):(?P<pw>[^/@\s]+)@", re.I
)
# Free text: "password hunter2", "token=abc", "--password abc", "Bearer abc".
_TEXT_SECRET = re.compile(
    r"(?P<key>\b(?:pass(?:word|wd)?|pwd|token|api[-_ ]?key|bearer)\b)(?P<sep>\s*(?:=|:|\bis\b)?\s*)"
    r"(?P<val>[^\s,;'\"]+)"
    # "secret" alone is usually the resource ("create secret db"): only `secret=x` / `secret: x`.
    r"|(?P<key2>\bsecret)(?P<sep2>\s*[=:]\s*)(?P<val2>[^\s,;'\"]+)",
    re.I,
)
_NOT_A_VALUE = {"for", "to", "in", "named", "called", "from", "the", "a", "an", "of", "with", "and"}


def _is_secret_flag(flag: str) -> bool:
    name = flag.lower()
    return name in _SECRET_FLAGS or any(word in name for word in _SECRET_WORDS)


def _is_create_secret(argv: list[str]) -> bool:
    words = [a for a in argv if not a.startswith("-")]
    for i, word in enumerate(words[:-1]):
        if word == "create" and words[i + 1] in ("secret", "secrets"):
            return True
    return False


def redact_argv(argv: list[str]) -> tuple[list[str], list[str]]:
    """Return (redacted argv, the secret values removed) — the values let callers scrub free text."""
    out: list[str] = []
    found: list[str] = []
    all_literals = _is_create_secret(argv)
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("--") and "=" in arg:
            flag, value = arg.split("=", 1)
            new_value = _redact_flag_value(flag, value, all_literals, found)
            out.append(f"{flag}={new_value}")
        elif arg.startswith("--") and _is_secret_flag(arg) and i + 1 < len(argv):
            out.append(arg)
            found.append(argv[i + 1])
            out.append(MASK)
            i += 1
        elif arg in ("--from-literal", "--auth-provider-arg") and i + 1 < len(argv):
            out.append(arg)
            out.append(_redact_kv(argv[i + 1], all_literals, found))
            i += 1
        else:
            out.append(_redact_url(arg, found))
        i += 1
    return out, [v for v in found if v]


def _redact_flag_value(flag: str, value: str, all_literals: bool, found: list[str]) -> str:
    if _is_secret_flag(flag):
        found.append(value)
        return MASK
    if flag == "--from-literal":
        return _redact_kv(value, all_literals, found)
    if flag in ("--auth-provider-arg", "--exec-env", "--set", "--env"):
        return _redact_kv(value, False, found)
    return _redact_url(value, found)


def _redact_kv(item: str, always: bool, found: list[str]) -> str:
    if "=" not in item:
        return item
    key, value = item.split("=", 1)
    if always or _SECRET_KEY.search(key):
        found.append(value)
        return f"{key}={MASK}"
    return item


def _redact_url(text: str, found: list[str]) -> str:
    def repl(m: re.Match) -> str:
        found.append(m.group("pw"))
        return f"{m.group('scheme')}{m.group('user')}:{MASK}@"

    return _URL_CREDS.sub(repl, text)


def redact_text(text: str, known_secrets: list[str] = ()) -> str:
    """Scrub free text: exact secret values taken from argv, then `password xyz`-style phrases."""
    for secret in sorted(set(known_secrets), key=len, reverse=True):
        if len(secret) >= 3:  # a one- or two-letter value would mangle ordinary words
            text = text.replace(secret, MASK)
    text = _redact_url(text, [])

    def repl(m: re.Match) -> str:
        key, sep, val = (m.group("key"), m.group("sep"), m.group("val"))
        if key is None:
            key, sep, val = (m.group("key2"), m.group("sep2"), m.group("val2"))
        if val.lower() in _NOT_A_VALUE or val == MASK:
            return m.group(0)
        return f"{key}{sep}{MASK}"

    return _TEXT_SECRET.sub(repl, text)


def output_is_secret(argv: list[str]) -> bool:
    """Output that must never be kept even when output keeping is on (it is still digested)."""
    words = [a.lower() for a in argv if not a.startswith("-")]
    if "create" in words and "token" in words:
        return True
    if any(
        w in ("secret", "secrets", "secret/") or w.startswith("secret/") or w.startswith("secrets/")
        for w in words
    ):
        return True
    return "config" in words and "view" in words and "--raw" in argv
