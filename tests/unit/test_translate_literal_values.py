"""A literal typed as key=value keeps every character of its value: a '!' or '?' ending it
belongs to the value (a password, a greeting), wherever the pair stands in the request; only a
sentence's period after the last pair is punctuation. Labels keep dropping a closing '!', which no
label value can hold."""

import pytest
from translate_cases import assert_translates


@pytest.mark.parametrize(
    "request_text, want",
    [
        (
            "make secret qvault in qyard with login=qop and pin=t0p!",
            "kubectl create secret generic qvault -n qyard --from-literal=login=qop --from-literal=pin=t0p!",
        ),
        # the same pairs swapped: the value keeps its '!' in the middle too
        (
            "make secret qvault in qyard with pin=t0p! and login=qop",
            "kubectl create secret generic qvault -n qyard --from-literal=pin=t0p! --from-literal=login=qop",
        ),
        (
            "create configmap qcfg with hail=ahoy?!",
            "kubectl create configmap qcfg --from-literal=hail=ahoy?!",
        ),
        ("create configmap qcfg with mode=brisk.", "kubectl create configmap qcfg --from-literal=mode=brisk"),
        (
            "create configmap qcfg with mode=brisk!.",
            "kubectl create configmap qcfg --from-literal=mode=brisk!",
        ),
        ("label pod qweb-1 tier=amber!", "kubectl label pods qweb-1 tier=amber"),
    ],
)
def test_a_literal_keeps_its_characters(request_text, want):
    assert_translates(request_text, want)
