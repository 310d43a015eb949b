"""Where the model may answer: only where the rules have no grounded answer, and only reads."""

from kubechat.intent import Intent
from kubechat.translate import translate


class FakeModel:
    def __init__(self, intent):
        self.intent, self.calls = intent, 0

    def translate(self, text, table, hint=None):
        self.calls += 1
        return self.intent


def test_unsure_but_grounded_rule_answer_stands_without_the_model():
    m = FakeModel(Intent(verb="get", resource="pods"))
    t = translate("billing-api deployment needs a kick", offline=True, model=m)
    assert t.source == "rules" and m.calls == 0


def test_model_may_add_a_read_where_the_rules_have_none():
    m = FakeModel(Intent(verb="get", resource="pods"))
    t = translate("hmm zorp quux", offline=True, model=m)
    assert m.calls == 1 and t.source == "model" and t.argv == ["get", "pods"]


def test_model_never_adds_a_write():
    m = FakeModel(Intent(verb="cordon", names=["zorp"]))
    t = translate("zorp quux", offline=True, model=m)
    assert m.calls == 1 and t.argv is None
