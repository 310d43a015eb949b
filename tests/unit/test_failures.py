"""kubectl's error output becomes a message, a likely cause and a next step."""

import pytest

from kubechat.failures import explain


@pytest.mark.parametrize(
    "stderr, expected",
    [
        (
            "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n"
            "dial tcp 127.0.0.1:6443: connect: connection refused",
            "did not answer",
        ),
        ("error: You must be logged in to the server (Unauthorized)", "rejected your credentials"),
        (
            'Error from server (Forbidden): pods "web-1" is forbidden: User "jane" cannot delete resource "pods" '
            'in API group "" in the namespace "prod"',
            "denied the request (RBAC)",
        ),
        ('error: the server doesn\'t have a resource type "deploymnts"', "does not know that resource type"),
        ('Error from server (NotFound): deployments.apps "webb" not found', "does not exist"),
        ('error: context "nope" does not exist', None),
        ('error: no context exists with the name: "nope"', "context does not exist"),
    ],
)
def test_known_errors_are_explained(stderr, expected):
    got = explain(stderr)
    if expected is None:
        assert got is None
    else:
        assert got is not None and expected in got.message
        assert got.next_step


def test_unknown_output_is_left_alone():
    assert explain("") is None
    assert explain("some other problem") is None
