"""API calls through the user's kubectl against the sandbox: an identity review started early is
the one answered, only for the same settings, and one never used is ended; the RBAC pre-check's
reviews started ahead of it are the ones it reads, and those it did not read end with the block."""

import pytest

from kubechat import kubectl_api
from kubechat.errors import KubechatError
from kubechat.kubectl_options import KubectlOptions
from kubechat.safety import rbac

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def no_early_calls_left():
    yield
    kubectl_api._stop_unused()


def test_an_identity_review_started_early_answers_the_later_one(sandbox):
    jane = KubectlOptions(kubeconfig=str(sandbox.limited_kubeconfig))
    kubectl_api.start_early(jane, kubectl_api.WHOAMI)
    (started,) = kubectl_api._early.values()
    assert rbac.whoami(jane).user == sandbox.limited_user
    assert not kubectl_api._early and started.returncode == 0


def test_an_early_review_never_answers_for_other_settings(sandbox):
    limited = KubectlOptions(kubeconfig=str(sandbox.limited_kubeconfig))
    kubectl_api.start_early(limited, kubectl_api.WHOAMI)
    admin = rbac.whoami(KubectlOptions(kubeconfig=str(sandbox.admin_kubeconfig)))
    assert admin.user != sandbox.limited_user and "system:masters" in admin.groups
    someone = KubectlOptions(kubeconfig=str(sandbox.limited_kubeconfig), as_user="someone")
    assert len(kubectl_api._early) == 1  # still Jane's, unused
    with pytest.raises(KubechatError, match="cannot impersonate"):
        rbac.whoami(someone)  # Jane may not impersonate: her early answer is not reused


def test_an_early_review_that_is_never_used_is_ended(sandbox):
    kubectl_api.start_early(KubectlOptions(kubeconfig=str(sandbox.admin_kubeconfig)), kubectl_api.WHOAMI)
    (started,) = kubectl_api._early.values()
    kubectl_api._stop_unused()
    assert not kubectl_api._early and started.returncode is not None


def test_reviews_started_ahead_answer_the_pre_check_and_the_rest_end_with_the_block(sandbox):
    admin = KubectlOptions(kubeconfig=str(sandbox.admin_kubeconfig))
    read = ["get", "pods", "-n", "prod"]
    used, unused = rbac.review_calls(read, "default"), rbac.review_calls(["delete", "pod", "web"], "default")
    assert used and unused
    with kubectl_api.ahead(admin, used + unused):
        assert len(kubectl_api._early) == len(used) + len(unused)  # started before anything asks
        assert rbac.check(read, admin, default_namespace="default").allowed
        assert len(kubectl_api._early) == len(unused)  # the check read the early answers
        left = list(kubectl_api._early.values())
    assert not kubectl_api._early and all(p.returncode is not None for p in left)
