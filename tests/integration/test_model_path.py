"""The model path with the real embedded model: it chooses among candidate commands built from
the request, under a per-request grammar, only where the parser has no grounded answer, and only
a read; a missing or corrupt model is a clear error and the rule path keeps working."""

from pathlib import Path

import pytest

from kubechat.errors import ModelError
from kubechat.translate import translate

pytestmark = pytest.mark.integration
llama_cpp = pytest.importorskip("llama_cpp")


@pytest.fixture(scope="module")
def model():
    from kubechat.translate.model import ModelTranslator

    return ModelTranslator.load()


# The untrained embedded model cannot tell a right command from a near miss often enough to be
# trusted with writes, or to overrule the parser: it is asked only where the parser has no
# grounded answer, and only a read it clearly prefers is accepted.
@pytest.mark.parametrize(
    "text",
    [
        "billing-api deployment needs a kick",
        "deployment cart needs to go back to the old version",
        "the reports deployment is too big, shrink it to 2",
        "list pods in prod",
        "scale deployment web in staging to 3",
    ],
)
def test_the_model_never_overrules_a_grounded_rule_answer(model, text):
    rules_only = translate(text, offline=True, use_model=False)
    t = translate(text, offline=True, model=model)
    if rules_only.argv is not None:
        assert (t.argv, t.source) == (rules_only.argv, "rules")


@pytest.mark.parametrize(
    "text", ["zorp the frobnicator", "blarg wibble quux", "the usual thing for the ledger"]
)
def test_where_the_rules_have_no_answer_the_model_gives_a_read_or_a_question(model, text):
    from kubechat.safety.risk import Risk, classify

    assert translate(text, offline=True, use_model=False).argv is None
    t = translate(text, offline=True, model=model)
    assert not any(n.startswith("model unavailable") for n in t.notes)
    if t.argv is not None:
        assert t.source == "model" and classify(t.argv) is Risk.READ


def test_missing_model_is_a_clear_error_and_rules_still_work(tmp_path):
    from kubechat.translate.model import ModelTranslator

    with pytest.raises(ModelError, match="does not exist"):
        ModelTranslator.load(tmp_path / "missing.gguf")
    t = translate("list pods in prod", offline=True, model_path=str(tmp_path / "missing.gguf"))
    assert t.command == "kubectl get pods -n prod" and t.source == "rules"


def test_corrupt_model_is_a_clear_error_and_rules_still_work(tmp_path):
    from kubechat.translate.model import ModelTranslator

    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ModelError):
        ModelTranslator.load(bad)
    junk = Path(tmp_path / "junk.gguf")
    junk.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="not a GGUF"):
        ModelTranslator.load(junk)
    # a request the rules cannot settle goes to the model: the error is noted, and a question
    # (not a guess) is the answer
    t = translate("zorp the frobnicator", offline=True, model_path=str(junk))
    assert t.argv is None and t.clarification
    assert any("model unavailable" in n and "not a GGUF" in n for n in t.notes)
    # and the rule path keeps working with the broken model configured
    assert translate("list pods in prod", offline=True, model_path=str(junk)).source == "rules"


def test_gbnf_sampler_admits_only_the_candidates(model):
    options = [
        "rollout restart deployment/billing-api",
        "get deployments billing-api",
        "delete deployments billing-api",
    ]
    choice = model.choose_with_grammar("billing-api deployment needs a kick", options)
    assert choice in options
    assert model.choose("billing-api deployment needs a kick", options) in options


def test_warm_up_loads_in_the_background_once(tmp_path):
    from kubechat.translate import model as model_mod

    model_mod._cached.clear()
    model_mod.warm_up().join(timeout=60)
    first = model_mod.get_model()
    assert first is model_mod.get_model()
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"nope")
    model_mod.warm_up(str(junk)).join(timeout=10)
    with pytest.raises(ModelError, match="not a GGUF"):
        model_mod.get_model(str(junk))
