"""The model path's pure parts: candidates come only from the request, the grammar admits only
them, and the prompt uses our own example bank."""

from kubechat.intent import Intent
from kubechat.translate.examples import EXAMPLES, nearest
from kubechat.translate.model import build_prompt, candidate_grammar, candidates
from kubechat.translate.resources import BUILTIN_TABLE


def test_candidates_use_only_words_from_the_request():
    cands = candidates("web deployment, 5 copies", BUILTIN_TABLE)
    assert ["scale", "deployment", "web", "--replicas=5"] in cands
    for argv in cands:
        Intent.from_argv(argv)  # every candidate is a well-formed command
        for word in argv:
            assert word in {"web", "5"} or not any(c.isdigit() for c in word) or word == "--replicas=5"


def test_candidates_keep_the_namespace():
    cands = candidates("the api-7 pod in staging looks off", BUILTIN_TABLE)
    assert ["describe", "pods", "api-7", "-n", "staging"] in cands
    assert all("-n" not in c or c[c.index("-n") + 1] == "staging" for c in cands)


def test_grammar_is_an_alternation_of_exact_candidates():
    g = candidate_grammar(["get pods", 'get pods -o jsonpath={.a["b"]}'])
    assert g.startswith("root ::= ")
    assert '"get pods"' in g and '\\"b\\"' in g


def test_prompt_is_few_shot_from_our_bank_and_ends_open():
    p = build_prompt("bounce deployment cart")
    assert p.endswith("Request: bounce deployment cart\nCommand: kubectl")
    assert "rollout restart" in p
    shots = nearest("bounce deployment cart", 3)
    assert all(s in EXAMPLES for s in shots)
