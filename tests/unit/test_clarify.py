"""The next input answers the translator's question: a bare name fills the object, yes/no answers
a did-you-mean, anything else is a new request."""

from kubechat.clarify import Pending, answer

WHICH = Pending(
    "label the deployments in prod with team=core",
    'Which deployments should I label? Give its name, e.g. "label deployments web".',
)
MEANT = Pending("list backps in prod", "I don't know the resource type 'backps'; did you mean backups?")


def test_a_bare_name_fills_the_object_after_its_type():
    assert answer(WHICH, "api").request == "label the deployments api in prod with team=core"


def test_yes_takes_the_suggestion_and_no_drops_the_request():
    assert answer(MEANT, "yes").request == "list backups in prod"
    assert answer(MEANT, "no").dropped


def test_a_new_request_replaces_the_question():
    for text in ("list pods in prod", "pods", "delete it"):
        assert answer(WHICH, text).request is None
    assert answer(MEANT, "list pods").request is None
    assert answer(None, "api").request is None
