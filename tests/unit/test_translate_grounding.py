"""The grounding gate: questions stay reads, writes need a request that asks for them and names
their objects, and a namespace the request states never disappears from the argv."""

import pytest

from kubechat.intent import Intent
from kubechat.safety.risk import Risk, classify
from kubechat.translate import translate
from kubechat.translate.grounding import asks_for, check, is_question
from kubechat.translate.resources import BUILTIN_TABLE


def tr(text, **kw):
    return translate(text, offline=True, use_model=False, **kw)


QUESTIONS = [
    "is node worker-2 schedulable",
    "is node worker-2 schedulable?",
    "is the api deployment scaled to 3?",
    "does deployment web have 4 replicas",
    "why did pod web-1 restart",
    "what happens if I delete pod web-1",
    "which pods were evicted in batch",
    "what would restarting deployment api do",
    "has anyone deleted the configmap settings?",
    "was deployment cart rolled back",
    "how many replicas does web have",
    "should I drain node worker-3?",
    "are pods in shop being killed",
    "did the cronjob tick create a job",
    "why is deployment checkout not scaling",
    "what if I cordon worker-1",
    "show me which nodes are cordoned",
    "list the deployments I could scale in shop",
    "how come deployment web got restarted",
    "is it safe to delete namespace old-team",
    "where did pod api-1 get evicted from",
    "who deleted secret db-pass in vault",
    "am I allowed to delete pods in billing?",
    "can I scale deployments in shop",
    "could I restart deployment api",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_never_become_writes(text):
    t = tr(text)
    assert t.argv is None or classify(t.argv) is Risk.READ, t.command


@pytest.mark.parametrize(
    "text, want",
    [
        ("am I allowed to delete pods in billing?", "kubectl auth can-i delete pods -n billing"),
        ("can you delete pod web-1?", "kubectl delete pods web-1"),
        ("could you please restart deployment api", "kubectl rollout restart deployment/api"),
        ("please scale web to 3", "kubectl scale deployment web --replicas=3"),
        ("prod is on fire, restart checkout NOW", "kubectl rollout restart deployment/checkout"),
    ],
)
def test_requests_in_question_shape_still_act(text, want):
    assert tr(text).command == want


@pytest.mark.parametrize(
    "text",
    [
        "restart everything",
        "restart",
        "scale to 3",
        "delete pods",
        "kubectl run pwn --image=alpine -- sh -c 'id'",
        "drain",
        "cordon",
    ],
)
def test_writes_over_everything_are_questions(text):
    t = tr(text)
    assert t.argv is None or classify(t.argv) is Risk.READ, t.command
    assert t.argv is None or "rollout" not in t.argv


def test_gate_rejects_write_the_request_does_not_ask_for():
    it = Intent(verb="uncordon", names=["worker-2"])
    assert check("is node worker-2 schedulable", it, BUILTIN_TABLE)
    assert check("make worker-2 schedulable again", it, BUILTIN_TABLE) is None


def test_gate_rejects_values_not_in_the_request():
    it = Intent(verb="scale", resource="deployment", names=["web"], namespace="prod")
    it.set_flag("replicas", "3")
    assert check("scale web to 3", it, BUILTIN_TABLE)  # "prod" came from nowhere
    assert check("scale web to 3 in prod", it, BUILTIN_TABLE) is None
    assert check("scale web to 3", it, BUILTIN_TABLE, default_namespace="prod") is None
    assert check("scale it to 3", it, BUILTIN_TABLE, known=["web -n prod"]) is None


def test_model_answers_pass_the_same_gate():
    class Fake:
        def translate(self, text, table, hint=None):
            return Intent(verb="delete", resource="pods", names=["everything-else"])

    t = translate("is pod web-1 healthy or what", offline=True, model=Fake())
    assert t.argv is None or classify(t.argv) is Risk.READ


def test_question_forms():
    assert is_question("is node x ready")
    assert is_question("can I delete pods")
    assert not is_question("can you delete pod x")
    assert not is_question("how do I restart web")
    assert asks_for("prod is on fire, restart checkout NOW", "rollout restart")
    assert not asks_for("why did checkout restart?", "rollout restart")


NAMESPACES = ["shop", "ledger", "team-7", "orders", "jobs", "services", "default", "blue-green", "x1"]
PHRASES = [
    "list pods in {ns}",
    "list pods in the {ns} namespace",
    "list pods in namespace {ns}",
    "{ns} namespace: list pods",
    "namespace {ns}: list pods",
    "ns {ns} list pods",
    "list pods (ns {ns})",
    "list pods (ns: {ns})",
    "list pods -n {ns}",
    "show me the pods from {ns}",
    "get pods under {ns} please",
    "describe pod {ns}/api-1",
    "scale web in {ns} down to 2",
    "restart deployment web from {ns}",
    "delete pod tmp-1 in the {ns} namespace",
    "in {ns}, restart deployment web",
    "show logs of pod api-1 in namespace {ns}",
    "delete pods labelled app=etl in the {ns} namespace",
]


@pytest.mark.parametrize("ns", NAMESPACES)
@pytest.mark.parametrize("phrase", PHRASES)
def test_a_stated_namespace_never_disappears(phrase, ns):
    t = tr(phrase.format(ns=ns))
    assert t.argv is not None, t.clarification
    assert ["-n", ns] == t.argv[t.argv.index("-n") : t.argv.index("-n") + 2] if "-n" in t.argv else False, (
        t.command
    )


@pytest.mark.parametrize(
    "request_text",
    [
        "how do i bounce the api deployment in team-blue",
        "how could we delete configmap stale-flags in qa",
        "how would one scale deployment ingest in lake to 0",
        "what is the command to cordon node pool-b-3",
    ],
)
def test_how_to_questions_show_the_change_and_run_nothing(request_text):
    t = translate(request_text, offline=True, use_model=False)
    assert t.argv is None
    assert "kubectl " in (t.clarification or "")


def test_how_to_for_a_read_just_reads():
    t = translate("how do i see the pods in team-blue", offline=True, use_model=False)
    assert t.argv is not None and t.argv[0] == "get" and "team-blue" in t.argv
