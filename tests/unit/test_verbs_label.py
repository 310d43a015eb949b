"""label / annotate: the namespace survives whatever follows it (a key=value, a flag)."""

import pytest

from kubechat.translate import translate

NAMESPACES = ["qa", "team-blue", "cache", "orders-eu", "default"]


@pytest.mark.parametrize("ns", NAMESPACES)
@pytest.mark.parametrize(
    "template,expected",
    [
        ("label deployment pricer in {ns} tier=gold", "kubectl label deployments pricer tier=gold -n {ns}"),
        ("label deployment pricer tier=gold in {ns}", "kubectl label deployments pricer tier=gold -n {ns}"),
        ("annotate pod relay-0 in {ns} owner=sre", "kubectl annotate pods relay-0 owner=sre -n {ns}"),
    ],
)
def test_namespace_is_kept_before_a_key_value(ns, template, expected):
    t = translate(template.format(ns=ns), offline=True, use_model=False)
    assert t.command == expected.format(ns=ns), t.clarification
