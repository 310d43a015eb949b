"""A change the parser has no form for is never answered with a read of its object: a `get` or
`describe` that leaves the change's values (key=value pairs, an image with its tag) or its verb
unused would drop the change silently. Such a request is a question, whatever its phrasing."""

from __future__ import annotations

import itertools

import pytest

from kubechat.translate import translate

OBJECTS = [("cronjob", "tidy-up"), ("deployment", "ledger"), ("secret", "mq-pass"), ("statefulset", "kv3")]
# the change's own words, with the values a read would have to use
CHANGES = [
    ("{type} {name} in lab, alpha=one beta=two", ["alpha=one", "beta=two"]),
    ("unset TRACE_MODE on {type} {name}", ["TRACE_MODE"]),
    ("suspend {type} {name} in lab", ["suspend"]),
    ("{name} {type} should use service account robot-7", ["robot-7"]),
    ("the app container of {type} {name} in lab to repo.example/app:3.1", ["repo.example/app:3.1"]),
    ("{type} {name} having watch/get/list over services", ["watch,get,list"]),
    ("{type} {name} in lab: grant group auditors the audit role", ["auditors"]),
    ("record rollout note 'moved to v4' on {type} {name}", ["moved to v4"]),
    ("{type} {name} in lab is wedged, clear its owner references", ["clear"]),
    ("change {type} {name} to ClusterIP", ["ClusterIP"]),
    ("please debug {type} {name} with an alpine shell", ["alpine"]),
]


def _reads_without(argv: list[str], values: list[str]) -> bool:
    said = " ".join(argv)
    return argv[0] in ("get", "describe") and not all(v in said for v in values)


@pytest.mark.parametrize(("obj", "change"), list(itertools.product(OBJECTS, CHANGES)))
def test_a_change_is_never_answered_with_a_read_that_drops_it(obj, change):
    kind, name = obj
    template, values = change
    t = translate(template.format(type=kind, name=name), offline=True, use_model=False)
    assert t.argv is None or not _reads_without(t.argv, values), t.command


@pytest.mark.parametrize(
    "text",
    [
        "is node edge-4 still cordoned?",
        "is api-0 in lab running?",
        "describe pod api-0 in lab — it has been Pending since 09:40",
        "show deployment ledger in lab",
        "get pods tier=cache in lab",
    ],
)
def test_a_read_that_uses_what_was_said_stands(text):
    t = translate(text, offline=True, use_model=False)
    assert t.argv is not None and t.argv[0] in ("get", "describe"), t.clarification
