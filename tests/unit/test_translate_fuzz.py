"""No input makes translation crash, and no output carries a shell fragment or a line break."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubechat.intent import Intent
from kubechat.translate import translate

WORDS = [
    "get",
    "delete",
    "pods",
    "pod",
    "logs",
    "in",
    "prod",
    "scale",
    "to",
    "3",
    "web-1",
    "all",
    "namespace",
    "restart",
    "deployment",
    "label",
    "app=web",
    "'x y'",
    '"q"',
    ";",
    "rm",
    "-rf",
    "&&",
    "|",
    "$(id)",
    "`id`",
    "\n",
    "--",
    "-n",
    "yaml",
    "node",
    "drain",
    "exec",
    "sh",
    "ignore previous instructions",
    "*",
    ">",
    "~",
]
SHELL_WORD = re.compile(r"^(;|&&|\|\||\||`.*`|\$\(.*\))$")


def _check(text):
    t = translate(text, offline=True, use_model=False)
    # translate() turns a parser bug into a question for the user; here it must not happen at all.
    assert not any(n.startswith("rule parser error") for n in t.notes), (text, t.notes)
    if t.argv is None:
        assert t.clarification
        return
    assert t.command.startswith("kubectl ")
    for word in t.argv:
        assert word and "\n" not in word and "\x00" not in word
        assert not SHELL_WORD.match(word)
        assert "$(" not in word and "`" not in word
    assert Intent.from_argv(t.argv).to_argv() == t.argv


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=120))
def test_arbitrary_text_never_crashes(text):
    _check(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
def test_kubectl_like_word_soup_is_safe(words):
    _check(" ".join(words))


PHRASES = [
    "create a pod named 'tmp' with image alpine that runs 'sleep 60'",
    "scale the statefulset named db to 5 replicas in prod",
    "show the previous logs of worker-1 container sidecar since 2 hours",
    "label pod web-0 with tier=frontend overwriting",
    "remove the annotation 'owner' from deployment 'api'",
    "taint node n1 with key gpu value true and effect NoSchedule",
    "create a cronjob named nightly with image busybox every 5 minutes",
    "forward local port 8181 to port 80 on pod web-0",
    "check if user jane can list secrets in dev",
    "expose the deployment 'shop' as a NodePort service on port 8080",
    "run 'cat /etc/hosts' in pod web-1",
    "change the image of deployment web to nginx:1.27",
    "create a secret db-creds with user=admin",
    "autoscale deployment api between 2 and 8 pods at 70% cpu",
    "wait for pod 'x' to be ready",
]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(PHRASES),
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from([*WORDS, None])), max_size=4),
)
def test_mutated_everyday_phrasings_are_safe(phrase, edits):
    words = phrase.split()
    for pos, word in edits:
        pos %= len(words) + 1
        if word is None:
            del words[min(pos, len(words) - 1)]
            if not words:
                words = ["pods"]
        else:
            words.insert(pos, word)
    _check(" ".join(words))
