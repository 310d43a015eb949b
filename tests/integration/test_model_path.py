"""The model path with the real embedded model: it chooses among candidate commands built from
the request, under a per-request grammar; a missing or corrupt model is a clear error and the
rule path keeps working."""

from pathlib import Path

import pytest

from kubechat.errors import ModelError
from kubechat.translate import translate
from kubechat.translate.compare import same_command

pytestmark = pytest.mark.integration
llama_cpp = pytest.importorskip("llama_cpp")


@pytest.fixture(scope="module")
def model():
    from kubechat.translate.model import ModelTranslator

    return ModelTranslator.load()


@pytest.mark.parametrize(
    "text, want",
    [
        ("billing-api deployment needs a kick", "kubectl rollout restart deployment/billing-api"),
        ("deployment cart needs to go back to the old version", "kubectl rollout undo deployment/cart"),
        (
            "the reports deployment is too big, shrink it to 2",
            "kubectl scale deployment reports --replicas=2",
        ),
    ],
)
def test_requests_only_the_model_path_gets_right(model, text, want):
    rules_only = translate(text, offline=True, use_model=False)
    assert not same_command(rules_only.command, want)
    t = translate(text, offline=True, model=model)
    assert t.source == "model"
    assert same_command(t.command, want), t.command


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
    # an unsure request would go to the model: the error is noted and the rule result stands
    t = translate("billing-api deployment needs a kick", offline=True, model_path=str(junk))
    assert t.source == "rules" and t.argv == ["get", "deployments", "billing-api"]
    assert any("model unavailable" in n and "not a GGUF" in n for n in t.notes)


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
