"""A change asked about as "how", "what command", "what would … do" is shown, never run: the
framing is read over the whole sentence, whatever its spacing, commas or contractions."""

import itertools

import pytest

from kubechat.safety.risk import Risk, classify
from kubechat.translate import translate
from kubechat.translate.grounding import how_to

FRAMINGS = [
    "how do i {c}",
    "how  do   I {c}",
    "how do I, {c}",
    "How does one {c}?",
    "how'd I {c}",
    "how\u2019d we {c}",
    "how would somebody {c}",
    "how can you {c}",
    "how to {c}",
    "show me how to {c}",
    "tell me how I {c}",
    "explain how to {c}",
    "give me the command to {c}",
    "what's the kubectl command to {c}",
    "which command would {c}",
    "what is the syntax to {c}",
    "show what {c} would do",
    "what would happen if I {c}",
    "what happens if we {c}",
    "{c} - how?",
    "ok so, how do we {c}",
    "{c}, but don't run it",
]
CHANGES = [
    "delete pod {n} in {ns}",
    "scale deployment {n} in {ns} to 0",
    "restart deployment {n} in {ns}",
    "annotate deployment {n} in {ns} owner=blue",
    "label pod {n} in {ns} tier=cold",
    "drain node {n}",
    "cordon node {n}",
    "delete namespace {ns}",
]
NAMES = [("quokka-3", "marsh"), ("ledger-b", "tundra-ops")]


@pytest.mark.parametrize(("framing", "change", "name"), list(itertools.product(FRAMINGS, CHANGES, NAMES)))
def test_a_change_framed_as_how_is_never_run(framing, change, name):
    n, ns = name
    request = framing.format(c=change.format(n=n, ns=ns))
    t = translate(request, offline=True, use_model=False)
    assert t.argv is None or classify(t.argv) is Risk.READ, (request, t.command)


@pytest.mark.parametrize("framing", FRAMINGS)
def test_the_framed_change_is_shown(framing):
    request = framing.format(c="delete pod quokka-3 in marsh")
    t = translate(request, offline=True, use_model=False)
    assert t.argv is None
    assert "kubectl delete pods quokka-3 -n marsh" in (t.clarification or ""), (request, t.clarification)


@pytest.mark.parametrize(
    "request_text",
    [
        "delete pod quokka-3 in marsh",
        "scale deployment ledger-b to 2",
        "run the command date in pod quokka-3",
        "how many pods does ledger-b have",
        "restart deployment ledger-b, then show how many pods are up",
    ],
)
def test_plain_requests_are_not_how_to(request_text):
    assert not how_to(request_text)


@pytest.mark.parametrize(
    "framing",
    [
        "print the kubectl to {change}",
        "{change}? (just print it)",
        "howto {change}",
        "dry run: {change}",
        "hypothetically, {change}",
        "{change}, hypothetically",
        "{change} -- just curious what the command looks like",
        "write out the command to {change}",
        "in theory, {change}",
    ],
)
@pytest.mark.parametrize(
    "change",
    ["delete pod relay-4 in lab-east", "scale deployment quill in lab-east to 0", "cordon node rack-9"],
)
def test_text_only_and_hypothetical_framings_never_run_the_change(framing, change):
    t = translate(framing.format(change=change), offline=True, use_model=False)
    assert t.argv is None or classify(t.argv) is Risk.READ, t.command
