"""The adversarial corpus (tests/data/adversarial.yaml) against the Python safety layers: the
grammar gate, the risk classifier and the translation front door. The same corpus goes through the
real OPA in tests/integration/test_policy_opa.py."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kubechat import verbs
from kubechat.safety import grammar
from kubechat.safety.command import parse
from kubechat.safety.policy import build_input
from kubechat.safety.risk import Risk, classify

CORPUS = yaml.safe_load((Path(__file__).parents[1] / "data" / "adversarial.yaml").read_text())


def corpus_argv() -> list[tuple[list[str], str]]:
    cases = []
    for case in CORPUS["argv"]:
        if "long_token" in case:
            argv = [*case["prefix"], "a" * case["long_token"]]
        else:
            argv = case["argv"]
        cases.append((argv, case["expect"]))
    return cases


CASES = corpus_argv()
IDS = [repr(" ".join(a))[:60] for a, _ in CASES]


@pytest.mark.parametrize("argv,expect", CASES, ids=IDS)
def test_grammar_gate(argv, expect):
    problems = grammar.violations(argv)
    if expect == "violation":
        assert problems, f"{argv!r} should be outside kubectl's grammar"
    else:
        assert problems == [], problems


@pytest.mark.parametrize("argv,expect", CASES, ids=IDS)
def test_risk_never_understated(argv, expect):
    risk = classify(argv)
    if expect == "read":
        assert risk is Risk.READ
    elif expect in {"yes", "typed"}:
        assert risk in {Risk.WRITE, Risk.DESTRUCTIVE}
    if argv and argv[0] in {"delete", "DELETE", "d\u0435lete"}:
        assert risk is Risk.DESTRUCTIVE


@pytest.mark.parametrize("argv,expect", CASES, ids=IDS)
def test_violations_reach_the_policy_input(argv, expect):
    inp = build_input(argv, mode="write")
    assert bool(inp.violations) == (expect == "violation")


EFFECT_CASES = [(c["argv"], c["effect"]) for c in CORPUS["argv"] if "effect" in c]


@pytest.mark.parametrize("argv,effect", EFFECT_CASES, ids=[repr(" ".join(a))[:60] for a, _ in EFFECT_CASES])
def test_effects_are_destructive_and_reach_the_policy_input(argv, effect):
    inp = build_input(argv, mode="write")
    assert effect in inp.effects
    assert inp.risk is Risk.DESTRUCTIVE, inp.risk_reason
    if effect == "connection-override":
        assert inp.connection_flags


def test_corpus_is_not_trivial():
    kinds = [e for _, e in CASES]
    assert kinds.count("violation") >= 20 and kinds.count("deny") >= 10 and kinds.count("typed") >= 5


def test_grammar_accepts_everyday_commands():
    for cmd in [
        "get pods -n prod -o wide",
        "logs deploy/web -c app --since=1h",
        "scale deployment web --replicas=3 -n prod",
        "label pods web-1 tier=frontend --overwrite",
        "exec -it web-1 -- sh -c 'echo hi; ls | wc -l'",
        "config use-context arn:aws:eks:eu-west-1:123:cluster/prod",
        "auth can-i * *",
        "get clusterrole system:controller:job-controller",
        "taint nodes node-1 dedicated=db:NoSchedule",
        "port-forward svc/web 8080:80",
    ]:
        argv = (
            cmd.split(" ")
            if "exec" not in cmd
            else ["exec", "-it", "web-1", "--", "sh", "-c", "echo hi; ls | wc -l"]
        )
        assert grammar.violations(argv) == [], cmd


REQUESTS = [*CORPUS["requests"], "list pods " + "a" * 10000]


@pytest.fixture(scope="module")
def translate():
    try:
        from kubechat.translate import translate
    except ImportError:  # pragma: no cover - the translation package is part of the product
        pytest.fail("kubechat.translate.translate is missing")
    return translate


@pytest.mark.parametrize("request_text", REQUESTS, ids=[repr(r)[:50] for r in REQUESTS])
def test_requests_never_yield_commands_outside_the_grammar(translate, request_text):
    t = translate(request_text, offline=True, use_model=False)
    if t.argv is None:
        assert t.clarification  # asked instead of guessing
        return
    assert grammar.violations(t.argv) == [], (request_text, t.argv)
    # Whatever came out, its risk comes from its argv; a destructive-sounding request that turned
    # into a command is at least a write and so needs the policy's confirmation.
    if any(w in request_text.lower() for w in ("delete", "scale", "label")):
        assert classify(t.argv) is not Risk.READ or t.argv[0] in {"get", "describe", "logs"}


# Any argv at all — random words, flags, Unicode — gets a risk class, a grammar verdict and a
# policy input, never an exception; and only read commands are classified `read`.

WORDS = st.one_of(
    st.sampled_from(
        ["get", "delete", "scale", "exec", "--", "-n", "prod", "--replicas=0", "-it", "pods", "--all"]
    ),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=12))
def test_any_argv_is_handled_without_exceptions(argv):
    risk = classify(argv)
    assert isinstance(risk, Risk)
    problems = grammar.violations(argv)
    inp = build_input(argv, mode="write", scale_down_fraction=0.5)
    assert inp.risk is risk and inp.violations == problems
    if risk is Risk.READ:  # only commands kubectl runs as reads
        spec = verbs.lookup(parse(argv).verb)
        assert spec is not None and (spec.risk is Risk.READ or spec.subcommands)


# Secrets on the command line (corpus `secrets`): hidden in the signed record, the collector's
# search column and the session history, however the command line is arranged.

SECRET_CASES = [(c["argv"], c["secret"]) for c in CORPUS["secrets"]]
SECRET_IDS = [repr(" ".join(a))[:60] for a, _ in SECRET_CASES]


@pytest.mark.parametrize("argv,secret", SECRET_CASES, ids=SECRET_IDS)
def test_secrets_never_reach_the_record_search_or_session(argv, secret, tmp_path):
    from kubechat.audit import AuditTrail, RecordInput, UserInfo
    from kubechat.ledger.redact import search_text
    from kubechat.translate import Translation
    from kubechat.translate.context import Session

    typed = "kubectl " + " ".join(argv)
    trail = AuditTrail(spool_path=tmp_path / "spool.db")
    trail.record(RecordInput(user=UserInfo(username="alice"), request=typed, argv=argv))
    assert secret.encode() not in b"".join(trail.spool.raw_records())
    assert secret.lower() not in search_text(typed, argv, [])
    session = Session.open("adversarial")
    session.record(Translation(request=typed, argv=argv))
    session.attach_output(f"NAME  VALUE\nx     {secret}\n")  # as if the command echoed it
    rows = [dict(r) for r in Session._db().execute("select request, argv, output from turns")]
    assert rows and secret not in repr(rows)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=12))
def test_redaction_keeps_the_command_line_shape(argv):
    from kubechat.ledger.redact import MASK, redact_argv

    out, _found = redact_argv(argv)
    assert len(out) == len(argv)
    assert all(a == b or MASK in b for a, b in zip(argv, out, strict=True))
