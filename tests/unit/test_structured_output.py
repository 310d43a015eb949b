"""Which commands print one whole YAML/JSON document (buffered and highlighted)."""

import pytest

from kubechat.conversation import _structured_format


@pytest.mark.parametrize(
    "argv, fmt",
    [
        (["get", "deployment", "web", "-o", "yaml"], "yaml"),
        (["get", "pods", "--output=json"], "json"),
        (["get", "pods", "-ojson"], "json"),
        (["get", "pods", "-o", "wide"], None),
        (["get", "pods", "-o", "yaml", "--watch"], None),
        (["logs", "web-1"], None),
        (["annotate", "--overwrite", "pods", "x", "a=b"], None),
    ],
)
def test_structured_format(argv, fmt):
    assert _structured_format(argv) == fmt
