"""A change acts on exactly what the request names: the verb is never taken from a change named as
the time of a read, a command word after the type is no object name, a taint's key is never its
effect, and a label pair said before the type chooses the objects instead of being set."""

from __future__ import annotations

import pytest

from kubechat.safety.risk import Risk, classify
from kubechat.translate import translate

PLACES = ["shop", "team-blue", "ops2"]
WORKLOADS = ["billing", "edge-gw", "svc3"]


def tr(text: str):
    return translate(text, offline=True, use_model=False)


def cmd(text: str) -> str | None:
    return tr(text).command


@pytest.mark.parametrize("when", ["before we undo it", "before they roll back", "once i revert"])
@pytest.mark.parametrize("name", WORKLOADS)
def test_a_change_named_as_the_time_of_a_read_is_not_run(when, name):
    t = tr(f"{when}, print the rollout history for deployment {name} in shop")
    assert t.command == f"kubectl rollout history deployment/{name} -n shop"
    assert classify(t.argv) is Risk.READ


@pytest.mark.parametrize("name", WORKLOADS)
def test_the_rollout_word_after_the_type_is_no_name(name):
    assert cmd(f"one sec, pause the {name} deployment rollout") == f"kubectl rollout pause deployment/{name}"
    assert cmd(f"resume the {name} deployment rollout in lab") == (
        f"kubectl rollout resume deployment/{name} -n lab"
    )
    assert tr("pause the deployment rollout").argv is None  # which deployment?


@pytest.mark.parametrize("key", ["gpu", "team", "example.com/owner"])
@pytest.mark.parametrize("effect", ["NoSchedule", "NoExecute", "PreferNoSchedule"])
def test_a_taint_key_said_before_its_effect(key, effect):
    assert (
        cmd(f"remove the {key} {effect} taint from node-9") == f"kubectl taint nodes node-9 {key}:{effect}-"
    )
    assert cmd(f"remove taint {key}:{effect} from node-9") == f"kubectl taint nodes node-9 {key}:{effect}-"


@pytest.mark.parametrize("effect", ["NoSchedule", "NoExecute"])
def test_an_effect_alone_is_no_taint_key(effect):
    t = tr(f"remove the {effect} taint from node-9")
    assert t.argv is None and "key" in t.clarification


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("pair", ["app=cart", "tier=db"])
def test_a_pair_before_the_type_chooses_the_objects(place, pair):
    assert cmd(f"add owner=ops label to all {pair} pods in {place}") == (
        f"kubectl label pods owner=ops -n {place} -l {pair}"
    )
    assert cmd(f"label every {pair} pods in {place} with owner=ops") == (
        f"kubectl label pods owner=ops -n {place} -l {pair}"
    )
    assert cmd(f"set replicas=4 for all {pair} deployments in {place}") == (
        f"kubectl scale deployments -n {place} -l {pair} --replicas=4"
    )
    assert cmd(f"delete all {pair} pods in {place}") == f"kubectl delete pods -n {place} -l {pair}"


@pytest.mark.parametrize("action", ["pause", "resume"])
@pytest.mark.parametrize("kind", ["job", "service"])
def test_a_rollout_action_on_another_type_never_picks_a_workload_named_like_it(action, kind):
    t = tr(f"{action} {kind} nightly-tidy in lab")
    assert t.argv is None and "rollout" in t.clarification


@pytest.mark.parametrize("place", PLACES)
def test_a_kind_and_its_name_opening_the_request_with_a_create_s_values(place):
    assert cmd(f"generic secret sign-tokens for {place}, token=abc region=eu") == (
        f"kubectl create secret generic sign-tokens -n {place} --from-literal=token=abc --from-literal=region=eu"
    )
    assert cmd("clusterrole svc-watcher with list/watch on services") == (
        "kubectl create clusterrole svc-watcher --verb=list,watch --resource=services"
    )
    assert cmd(f"rolebinding audit-rb in {place}: grant user dana the edit role") == (
        f"kubectl create rolebinding audit-rb -n {place} --role=edit --user=dana"
    )
    assert cmd(f"pdb cart-budget for app=cart in {place}, min available 3") == (
        f"kubectl create poddisruptionbudget cart-budget -n {place} --selector=app=cart --min-available=3"
    )
    assert tr(f"pdb cart-budget in {place}, min available 3").argv is None  # which pods?


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize(
    "opening", ["kick off the tidy cronjob", "trigger cronjob tidy", "fire off the tidy cronjob"]
)
def test_a_cron_job_run_by_hand_is_a_job_made_from_it(place, opening):
    assert cmd(f"{opening} in {place}, call the job tidy-now") == (
        f"kubectl create job tidy-now -n {place} --from=cronjob/tidy"
    )
    assert (
        cmd(f"{opening} in {place} as job tidy-2")
        == f"kubectl create job tidy-2 -n {place} --from=cronjob/tidy"
    )


@pytest.mark.parametrize("name", WORKLOADS)
@pytest.mark.parametrize("place", PLACES)
def test_unset_and_should_use_say_the_change_to_make(name, place):
    assert cmd(f"unset DEBUG_FLAGS on deployment {name} in {place}") == (
        f"kubectl set env deployments {name} DEBUG_FLAGS- -n {place}"
    )
    assert cmd(f"deployment {name} in {place} should use the service account bot-4") == (
        f"kubectl set serviceaccount deployment {name} bot-4 -n {place}"
    )


@pytest.mark.parametrize("name", WORKLOADS)
@pytest.mark.parametrize("cause", ["moved to v3", "hotfix for leak"])
def test_a_change_cause_recorded_is_its_annotation(name, cause):
    assert cmd(f"record the change-cause '{cause}' on deployment {name} in lab") == (
        f"kubectl annotate deployments {name} 'kubernetes.io/change-cause={cause}' -n lab"
    )


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize(
    ("text", "suspend"),
    [
        ("suspend cronjob nightly-tidy in {place}", "true"),
        ("pause the nightly-tidy cronjob in {place}", "true"),
        ("resume cronjob nightly-tidy in {place}", "false"),
        ("unsuspend the nightly-tidy cronjob in {place}", "false"),
    ],
)
def test_a_cron_job_is_suspended_and_resumed_by_its_spec(place, text, suspend):
    assert tr(text.format(place=place)).argv == [
        "patch",
        "cronjob",
        "nightly-tidy",
        "-n",
        place,
        f'--patch={{"spec":{{"suspend":{suspend}}}}}',
    ]


@pytest.mark.parametrize("kind", ["cronjob", "service", "configmap"])
def test_a_rollout_verb_before_a_name_of_another_type_is_a_question(kind):
    t = tr(f"restart the ledger-7 {kind}")
    assert t.argv is None and "rollout" in t.clarification
