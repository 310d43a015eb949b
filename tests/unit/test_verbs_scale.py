"""Golden table for scale: counts in words, self-corrections that keep what follows, a place
before a dash. Our own phrasings."""

import pytest

from kubechat.translate import translate
from kubechat.translate.rules import apply_corrections


def cmd(text):
    return translate(text, offline=True, use_model=False).command


@pytest.mark.parametrize(
    "text, want",
    [
        (
            "lab ns - scale deploy api down to zero replicas",
            "kubectl scale deployments api -n lab --replicas=0",
        ),
        ("scale deployment relay to three", "kubectl scale deployments relay --replicas=3"),
        ("scale relay to 9, no wait, 2 (ns lab)", "kubectl scale deployment relay -n lab --replicas=2"),
    ],
)
def test_scale(text, want):
    assert cmd(text) == want


@pytest.mark.parametrize(
    "text, want",
    [
        ("label pod q-1 with tier=a.. actually make it tier=b", "label pod q-1 with tier=b"),
        ("set image to app:1.0 - sorry, I mean app:1.1 - ns lab", "set image to app:1.1 ns lab"),
        ("delete pod a, no wait, delete pod b", "delete pod b"),
    ],
)
def test_last_value_wins(text, want):
    assert apply_corrections(text) == want


def test_count_word_is_grounded_but_ordinal_one_stays_a_word():
    t = translate("scale deployment relay to seven", offline=True, use_model=False)
    assert t.argv and "--replicas=7" in t.argv
    assert translate("describe the first one", offline=True, use_model=False).argv is None
