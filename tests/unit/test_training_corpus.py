"""The training corpus generator: deterministic, every label accepted by the product's checks,
no evaluation wording, and swapped values consistent between request and command."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from training.corpus import eval_overlap, generate  # noqa: E402

# every hand-written seed file, thinned to keep the test quick
SEEDS = random.Random(0).sample(generate.read_seeds(generate.seed_files()), 150)


def _expand(seed: int, variants: int = 6, grams=frozenset()) -> list[generate.Pair]:
    return generate.expand(SEEDS, seed=seed, variants=variants, grams=set(grams))


def test_same_seed_same_bytes_other_seed_other_corpus() -> None:
    first = generate.encode(_expand(7))
    assert first == generate.encode(_expand(7))
    assert first != generate.encode(_expand(8))


def test_every_emitted_label_passes_the_product_checks() -> None:
    pairs = _expand(11)
    assert len(pairs) > len(SEEDS) * 3
    labelled = [p for p in pairs if p.argv is not None]
    assert len(labelled) > len(pairs) * 0.8
    assert not [
        (p.request, p.argv, generate.label_problems(p.argv))
        for p in labelled
        if generate.label_problems(p.argv)
    ]


def test_an_invalid_label_is_dropped_and_counted() -> None:
    seeds = [
        generate.Seed("list pods in prod", ["get", "pods", "-n", "prod"], "t:1"),
        generate.Seed("list pods in Prod_1", ["get", "pods", "-n", "Prod_1"], "t:2"),  # not a namespace
        generate.Seed("frobnicate web", ["frobnicate", "web"], "t:3"),  # not a kubectl command
    ]
    tally = generate.Tally()
    pairs = generate.expand(seeds, seed=1, variants=3, grams=set(), tally=tally)
    assert tally.seeds_invalid == 2
    assert {p.origin for p in pairs} == {"t:1"}


def test_a_request_sharing_five_words_with_an_evaluation_request_is_dropped() -> None:
    seed = generate.Seed("please list all the pods in prod now", ["get", "pods", "-n", "prod"], "t:1")
    grams = eval_overlap.ngrams(eval_overlap.words("Quickly: list all the pods in Prod!"))
    tally = generate.Tally()
    assert generate.expand([seed], seed=1, variants=5, grams=grams, tally=tally) == []
    assert tally.seeds_eval_overlap == 1


def test_no_emitted_request_shares_five_words_with_the_evaluation_sets() -> None:
    grams = eval_overlap.eval_ngrams(generate.EVAL_PATTERNS)
    if not grams:
        pytest.skip("no evaluation sets on this machine")
    pairs = _expand(3, variants=10, grams=grams)
    assert pairs
    assert not [p.request for p in pairs if eval_overlap.shares_ngram(p.request, grams)]


def test_the_committed_corpus_has_no_evaluation_wording_and_valid_labels() -> None:
    path = generate.DATA_DIR / generate.CORPUS_NAME
    rows = generate.read_corpus(path)
    assert len(rows) >= 1000
    grams = eval_overlap.eval_ngrams(generate.EVAL_PATTERNS)
    assert not [r["request"] for r in rows if grams and eval_overlap.shares_ngram(r["request"], grams)]
    sample = [r for r in random.Random(0).sample(rows, 400) if r["argv"] is not None]
    assert not [r["argv"] for r in sample if generate.label_problems(r["argv"])]


def test_swapped_values_are_consistent_in_request_and_command() -> None:
    rng = random.Random(5)
    swaps = 0
    for s in (s for s in SEEDS if s.argv is not None):
        for _ in range(5):
            pair = generate.substitute(s, rng)
            for old, new in pair.swapped.items():
                swaps += 1
                assert generate.occurs(new, pair.request), (s.request, pair.request, new)
                assert any(generate.occurs(new, w, ignore_case=False) for w in pair.argv), (pair.argv, new)
                assert not generate.occurs(old, pair.request), (pair.request, old)
                assert not any(generate.occurs(old, w, ignore_case=False) for w in pair.argv), (
                    pair.argv,
                    old,
                )
    assert swaps > len(SEEDS)


def test_one_pass_swap_never_swaps_a_new_value_again() -> None:
    seed = generate.Seed(
        "scale web to 3 in api", ["scale", "deployment", "web", "--replicas=3", "-n", "api"], "t:1"
    )
    for n in range(30):
        pair = generate.substitute(seed, random.Random(n))
        argv = pair.argv
        assert generate.occurs(argv[2], pair.request), pair
        assert generate.occurs(argv[-1], pair.request), pair
        assert argv[3].removeprefix("--replicas=") in pair.request.split(), pair


def test_noise_keeps_every_value_of_the_command_in_the_request() -> None:
    seed = generate.Seed(
        "set the image of deployment web container web to nginx:1.27 in prod",
        ["set", "image", "deployment/web", "web=nginx:1.27", "-n", "prod"],
        "t:1",
    )
    rng = random.Random(2)
    for _ in range(200):
        pair = generate.noisy(generate.substitute(seed, rng), rng)
        image = pair.argv[3].split("=", 1)[1]
        assert image in pair.request, pair.request
        assert generate.occurs(pair.argv[-1], pair.request), pair.request


def test_seed_argv_may_be_a_string_with_or_without_kubectl() -> None:
    assert generate.normalise_argv("kubectl get pods -n 'team-a'") == ["get", "pods", "-n", "team-a"]
    assert generate.normalise_argv(["get", "pods"]) == ["get", "pods"]


def test_a_request_no_single_command_answers_keeps_no_command_in_every_variant() -> None:
    seed = generate.Seed("upgrade everything in the cluster tonight", None, "t:1")
    pairs = generate.expand([seed], seed=4, variants=8, grams=set())
    assert len(pairs) > 1
    assert all(p.argv is None for p in pairs)
    assert {generate.Pair.record(p)["argv"] for p in pairs} == {None}


def test_the_command_word_is_never_swapped_even_when_a_value_repeats_it() -> None:
    seed = generate.Seed("events of namespace events pls", ["events", "-n", "events"], "t:1")
    for n in range(20):
        assert generate.substitute(seed, random.Random(n)).argv[0] == "events"


def test_a_name_inside_an_image_the_request_does_not_spell_out_is_kept() -> None:
    seed = generate.Seed(
        "run netshoot in dev for debugging",
        ["run", "netshoot", "--image=nicolaka/netshoot", "-n", "dev"],
        "t:1",
    )
    for n in range(20):
        pair = generate.substitute(seed, random.Random(n))
        assert pair.argv[1:3] == ["netshoot", "--image=nicolaka/netshoot"], pair
