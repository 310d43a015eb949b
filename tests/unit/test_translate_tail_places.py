"""A place closing the request after a comma, reads of a pod's environment, accounts written
NS:SA and removals by key: properties over invented names and places."""

from __future__ import annotations

import random

import pytest

from kubechat.intent import Intent
from kubechat.translate import translate
from kubechat.translate.grounding import dropped_place
from kubechat.translate.resources import BUILTIN_TABLE

_rng = random.Random(20261129)
_SYL = ["zor", "qua", "vel", "mip", "tran", "olo", "brek", "sun", "pav", "dex", "rin", "kel"]


def _word(parts: int = 2) -> str:
    return "".join(_rng.choice(_SYL) for _ in range(parts))


PLACES = sorted({_word() for _ in range(12)} | {f"{_word()}-{_word(1)}" for _ in range(6)})
NAMES = sorted({f"{_word()}-{_rng.randint(1, 99)}" for _ in range(10)})
PODS = [f"{n}-{_rng.randint(1000, 9999)}x-{_word(1)}{_rng.randint(1, 9)}" for n in NAMES[:6]]


def tr(text: str):
    return translate(text, offline=True, use_model=False)


def _ns(argv: list[str]) -> str | None:
    return argv[argv.index("-n") + 1] if "-n" in argv else None


@pytest.mark.parametrize("place", PLACES)
def test_a_trailing_bare_place_is_the_namespace(place):
    name, pod = _rng.choice(NAMES), _rng.choice(PODS)
    for text, verb in (
        (f"statefulset {name} -> 4 replicas, {place}", "scale"),
        (f"resume {name} rollout, {place}", "rollout"),
        (f"tail 2h of logs for pod {pod}, {place}", "logs"),
        (f"requests cpu=300m memory=96Mi for deployment {name}, {place}", "set"),
        (f"roll {name} back to revision 4 - {place}", "rollout"),
        (f"copy ./a.conf into pod {pod} at /etc/a.conf, {place}", "cp"),
    ):
        t = tr(text)
        # never a command without the place the user wrote (a question is allowed)
        assert t.argv is None or (t.argv[0] == verb and _ns(t.argv) == place), (text, t.argv)
        assert t.argv is None or t.argv.count(place) == 1, (text, t.argv)  # no name, only -n


@pytest.mark.parametrize("place", PLACES[:6])
def test_a_trailing_word_that_continues_a_list_is_no_place(place):
    a, b = _rng.sample(NAMES, 2)
    t = tr(f"delete pods {a}, {b}")
    assert t.argv is None or ("-n" not in t.argv and b in t.argv), t.argv
    # a closing courtesy or output word is no place
    for text in (f"list pods in {place}, please", f"get pods in {place}, wide"):
        t = tr(text)
        assert t.argv is not None and _ns(t.argv) == place, (text, t.argv)


@pytest.mark.parametrize("place", PLACES[:8])
def test_the_gate_treats_a_trailing_place_like_any_cue(place):
    name = _rng.choice(NAMES)
    text = f"scale deployment {name} to 2 replicas, {place}"
    without = Intent(verb="scale", resource="deployments", names=[name], flags=[])
    assert dropped_place(text, without, BUILTIN_TABLE) == place


@pytest.mark.parametrize("pod", PODS)
def test_a_pods_environment_is_read_inside_it(pod):
    place = _rng.choice(PLACES)
    for text in (
        f"display env for pod {pod}",
        f"show me the environment variables of pod {pod} in {place}",
        f"list the env of pod {pod}, {place}",
    ):
        t = tr(text)
        assert t.argv is not None, (text, t.clarification)
        assert t.argv[0] == "exec" and pod in t.argv and t.argv[-2:] == ["--", "env"], (text, t.argv)
        assert "set" not in t.argv[:1]


@pytest.mark.parametrize("place", PLACES[:8])
def test_an_account_written_ns_colon_name_keeps_one_namespace(place):
    role, sa, binding = _word(), _word(), f"{_word()}-binds"
    for text in (
        f"bind role {role} to serviceaccount {place}:{sa}, call the binding {binding}",
        f"create a rolebinding {binding} for role {role} and service account {place}:{sa}",
    ):
        t = tr(text)
        flags = [a for a in (t.argv or []) if a.startswith("--serviceaccount=")]
        assert t.argv is None or flags == [f"--serviceaccount={place}:{sa}"], (text, t.argv)


@pytest.mark.parametrize("key", ["zone", "tier-x", "owner", "change-ref", "replace-by"])
def test_removing_by_key_takes_the_key_and_never_overwrites(key):
    node, name = f"node-{_word(1)}", _rng.choice(NAMES)
    for verb in ("drop", "remove", "delete"):
        t = tr(f"{verb} label {key} from node {node}")
        assert t.argv is None or (t.argv[0] == "label" and f"{key}-" in t.argv), t.argv
        assert t.argv is None or f"{verb}-" not in t.argv
        t = tr(f"{verb} annotation {key} from the service {name}")
        assert t.argv is None or (t.argv[0] == "annotate" and f"{key}-" in t.argv), t.argv
        assert t.argv is None or "--overwrite" not in t.argv, t.argv
