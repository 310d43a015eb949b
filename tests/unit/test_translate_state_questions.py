"""A yes/no question about an object's state is a read of that object: never a verb the
question mentions in passing, and never without the place it names."""

import pytest

from kubechat.translate import translate


def tr(text):
    return translate(text, offline=True, use_model=False)


NS = ["tundra", "pier-4"]


@pytest.mark.parametrize("ns", NS)
@pytest.mark.parametrize(
    ("question", "kind", "name"),
    [
        ("is pod gull-2 in {ns} running?", "pods", "gull-2"),
        ("is gull-2 in {ns} running?", "pods", "gull-2"),
        ("is heron-5 in {ns} crashlooping?", "pods", "heron-5"),
        ("did job tally-9 in {ns} succeed?", "jobs", "tally-9"),
        ("has cronjob sweep-a in {ns} been scheduled?", "cronjobs", "sweep-a"),
        ("has the cronjob sweep-a in {ns} actually been getting scheduled?", "cronjobs", "sweep-a"),
        ("is pvc cache-1 in {ns} bound?", "persistentvolumeclaims", "cache-1"),
        ("is deployment ledger-x in {ns} available?", "deployments", "ledger-x"),
    ],
)
def test_a_state_question_reads_the_object_where_it_is(question, kind, name, ns):
    t = tr(question.format(ns=ns))
    assert t.argv is not None, t.clarification
    assert t.argv[:3] == ["get", kind, name] and t.argv[-2:] == ["-n", ns], t.command


@pytest.mark.parametrize("node", ["fig-3", "pool-b-7"])
@pytest.mark.parametrize(
    "question",
    [
        "is anything left running on node {n}?",
        "is something still scheduled on node {n} following the drain?",
        "is anything running on the node {n} since the cordon",
        "anything placed on node {n} after the drain?",
    ],
)
def test_what_runs_on_a_node_lists_its_pods_in_every_namespace(question, node):
    t = tr(question.format(n=node))
    assert t.argv is not None, t.clarification
    assert t.argv[:2] == ["get", "pods"] and f"--field-selector=spec.nodeName={node}" in t.argv, t.command
    assert "--all-namespaces" in t.argv or "-A" in t.argv


@pytest.mark.parametrize("event", ["drain", "restart", "rollout", "cordon", "upgrade"])
def test_an_event_named_as_a_time_is_not_the_verb(event):
    t = tr(f"show the pods in tundra after the {event}")
    assert t.argv is not None and t.argv[0] == "get", (t.command, t.clarification)


def test_a_correction_word_inside_a_question_corrects_nothing():
    t = tr("did the job tally-9 in tundra actually finish?")
    assert t.argv == ["get", "jobs", "tally-9", "-n", "tundra"], t.command


@pytest.mark.parametrize("doing", ["we roll out", "I restart things", "someone redeploys"])
def test_what_happens_meanwhile_is_no_verb(doing):
    t = tr(f"keep an eye on pods in pier-4 with watch while {doing}")
    assert t.argv == ["get", "pods", "-n", "pier-4", "--watch"] or t.argv == [
        "get",
        "pods",
        "--watch",
        "-n",
        "pier-4",
    ], (
        t.command,
        t.clarification,
    )


@pytest.mark.parametrize("kind", ["services", "pods", "configmaps"])
def test_only_the_names_is_output_name(kind):
    t = tr(f"for {kind} in tundra I only want names")
    assert t.argv is not None and "-o" in t.argv and t.argv[t.argv.index("-o") + 1] == "name", t.command
