"""Shared pieces of the translation tests: generated names that no reader takes for a keyword,
and the check that a request becomes a given command."""

from hypothesis import strategies as st

from kubechat.translate import translate
from kubechat.translate.compare import same_command
from kubechat.translate.resources import BUILTIN_TABLE
from kubechat.translate.rules import KEYWORDS, STOP

RESERVED = STOP | KEYWORDS | set(BUILTIN_TABLE.names()) | {"it", "sh", "now", "all", "then", "also", "plus"}


def names(pattern: str) -> st.SearchStrategy[str]:
    """Names matching `pattern` that are no keyword, type name or number."""
    return st.from_regex(pattern).filter(lambda w: w not in RESERVED and not w.isdigit())


def assert_translates(request: str, want: str) -> None:
    got = translate(request, offline=True, use_model=False).command
    assert got is not None and same_command(got, want), f"{request!r}: {got!r}"
