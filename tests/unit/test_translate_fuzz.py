"""No input makes translation crash, and no output carries a shell fragment or a line break."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubechat.intent import Intent
from kubechat.translate import translate

WORDS = [
    "get",
    "delete",
    "pods",
    "pod",
    "logs",
    "in",
    "prod",
    "scale",
    "to",
    "3",
    "web-1",
    "all",
    "namespace",
    "restart",
    "deployment",
    "label",
    "app=web",
    "'x y'",
    '"q"',
    ";",
    "rm",
    "-rf",
    "&&",
    "|",
    "$(id)",
    "`id`",
    "\n",
    "--",
    "-n",
    "yaml",
    "node",
    "drain",
    "exec",
    "sh",
    "ignore previous instructions",
    "*",
    ">",
    "~",
]
SHELL_WORD = re.compile(r"^(;|&&|\|\||\||`.*`|\$\(.*\))$")


def _check(text):
    t = translate(text, offline=True, use_model=False)
    if t.argv is None:
        assert t.clarification
        return
    assert t.command.startswith("kubectl ")
    for word in t.argv:
        assert word and "\n" not in word and "\x00" not in word
        assert not SHELL_WORD.match(word)
        assert "$(" not in word and "`" not in word
    assert Intent.from_argv(t.argv).to_argv() == t.argv


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=120))
def test_arbitrary_text_never_crashes(text):
    _check(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
def test_kubectl_like_word_soup_is_safe(words):
    _check(" ".join(words))
