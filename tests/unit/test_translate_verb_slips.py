"""A slip of a verb at a verb's place ("delet", "restrat", "cordn", "attch") is read as that verb,
the way a slipped type name is; a slip as close to a read as to a change never becomes a change,
and a word that is not at a verb's place, or is a longer word starting with a verb, is left alone."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from translate_cases import names

from kubechat.safety.risk import Risk, classify
from kubechat.translate import translate
from kubechat.translate.compare import same_command
from kubechat.translate.text import repair

dns = names(r"\A[a-z][a-z0-9]{2,7}-[0-9]{1,3}\Z")


def _slips(word: str) -> list[str]:
    """Every one-letter slip of a word: a letter dropped (not the first), or two neighbours swapped."""
    dropped = [word[:i] + word[i + 1 :] for i in range(1, len(word))]
    swapped = [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)]
    return sorted({s for s in dropped + swapped if s != word and len(s) >= 4})


# (verb as typed, request template, the command)
WRITES = [
    ("delete", "{verb} pod {name} -n {ns}", "kubectl delete pod {name} -n {ns}"),
    ("cordon", "{verb} node {name}", "kubectl cordon {name}"),
    (
        "restart",
        "please {verb} deployment {name} in namespace {ns}",
        "kubectl rollout restart deployment/{name} -n {ns}",
    ),
]


@pytest.mark.parametrize("verb, template, want", WRITES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=dns, ns=dns, data=st.data())
def test_a_slipped_write_verb_reads_as_the_verb(verb, template, want, name, ns, data):
    slip = data.draw(st.sampled_from(_slips(verb)))
    request = template.format(verb=slip, name=name, ns=ns)
    got = translate(request, offline=True, use_model=False)
    if got.argv is None:
        return  # a question is never wrong; what must not happen is another command
    assert same_command(got.command, want.format(name=name, ns=ns)), f"{request!r}: {got.command!r}"


@pytest.mark.parametrize(
    "text, want",
    [
        ("attch to pod ebro-2", "attach to pod ebro-2"),
        ("uncordn node ebro-2", "uncordon node ebro-2"),
        ("then delet it", "then delete it"),
        # not at a verb's place, a longer word starting with a verb, or too short: left alone
        ("pods that were deleted", "pods that were deleted"),
        ("deleted pods", "deleted pods"),
        ("drains in ebro", "drains in ebro"),
        ("auto scale web", "auto scale web"),
        ("drn node ebro-2", "drn node ebro-2"),
    ],
)
def test_slip_repair_is_only_at_a_verbs_place(text, want):
    assert repair(text) == want


@pytest.mark.parametrize("word", ["tail", "watch", "catch", "lists", "shows"])
def test_a_word_as_close_to_a_read_never_becomes_a_change(word):
    got = translate(f"{word} pods in ebro", offline=True, use_model=False)
    assert got.argv is None or classify(got.argv) is Risk.READ, got.command
