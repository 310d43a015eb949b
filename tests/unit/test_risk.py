"""Risk classes for every kubectl verb, from argv alone."""

import json
from pathlib import Path

import pytest

from kubechat.safety.command import ParseError, interpretations, parse
from kubechat.safety.risk import Risk, classify, classify_with_reason

R, W, D = Risk.READ, Risk.WRITE, Risk.DESTRUCTIVE

# Every top-level command of kubectl 1.34 (`kubectl help`), with its subcommands where they
# change the answer.
TABLE = [
    # read
    ("get pods", R),
    ("get pods -A -o wide", R),
    ("get secret db", R),
    ("get secrets -o wide", R),
    ("get secret db -o name", R),
    ("get secrets --sort-by=.metadata.creationTimestamp", R),
    ("describe secret db", R),
    ("describe deploy web -n prod", R),
    ("logs web-1 -f --tail 10", R),
    ("logs deploy/web -c app -p", R),
    ("top pods -n prod", R),
    ("top nodes", R),
    ("events -n prod", R),
    ("explain deployment.spec", R),
    ("api-resources", R),
    ("api-versions", R),
    ("version", R),
    ("cluster-info", R),
    ("cluster-info dump", R),  # to stdout
    ("diff -f app.yaml", R),
    ("wait --for=condition=Ready pod/web-1", R),
    ("kustomize ./overlay", R),
    ("completion bash", R),
    ("options", R),
    ("help", R),
    ("auth can-i delete pods -n prod", R),
    ("auth whoami", R),
    ("config get-contexts", R),
    ("config current-context", R),
    ("config get-clusters", R),
    ("config get-users", R),
    ("rollout status deploy/web", R),
    ("rollout history deploy/web", R),
    ("plugin list", R),
    ("apply view-last-applied deploy/web", R),
    # write
    ("create deployment web --image=nginx", W),
    ("create namespace tmp", W),
    ("expose deploy web --port 80", W),
    ("run tmp --image=busybox --restart=Never", W),
    ("set image deploy/web app=nginx:1.27", W),
    ("set env deploy/web A=B", W),
    ("set resources deploy/web --limits=cpu=200m", W),
    ("edit deploy web", W),
    ('patch deploy web -p {"spec":{"replicas":3}}', W),
    ("autoscale deploy web --min=2 --max=5", W),
    ("cordon node-1", W),
    ("uncordon node-1", W),
    ("taint nodes node-1 dedicated=db:NoSchedule", W),
    ("taint nodes node-1 dedicated=db:NoExecute-", W),  # removing a NoExecute taint evicts nothing
    ("label pods web-1 tier=fe", W),
    ("annotate deploy web note=x --overwrite", W),
    ("exec -it web-1 -- sh", W),
    ("attach web-1 -i", W),
    ("port-forward svc/web 8080:80 --address=localhost", W),
    ("create secret generic db --from-literal=k=v", W),
    ("port-forward svc/web 8080:80", W),
    ("debug web-1 -it --image=busybox", W),
    ("scale deploy web --replicas=5", W),
    ("scale deploy web --replicas 3", W),
    ("rollout restart deploy/web", W),
    ("rollout pause deploy/web", W),
    ("rollout resume deploy/web", W),
    ("certificate approve csr-1", W),
    ("certificate deny csr-1", W),
    ("config use-context prod", W),
    ("config set-context --current --namespace=dev", W),
    ("create rolebinding r --role=reader --user=jane -n dev", W),
    ("debug web-1 --profile=general --image=busybox", W),
    ("config rename-context a b", W),
    # destructive
    ("delete pod web-1", D),
    ("delete pods -l app=web --dry-run=server", D),  # dry-run does not lower the class
    ("delete ns prod", D),
    ("drain node-1 --ignore-daemonsets", D),
    ("scale deploy web --replicas=0", D),
    ("scale deploy web --replicas=-1", D),
    ("scale deploy web --replicas=lots", D),
    ("scale deploy web", D),  # no target count: cannot tell
    ("rollout undo deploy/web", D),
    ("taint nodes node-1 dedicated=db:NoExecute", D),
    ("apply -f app.yaml --prune -l app=web", D),
    ("apply -f app.yaml --force", D),
    ("replace --force -f app.yaml", D),
    ('patch deploy web -p {"spec":{"replicas":0}}', D),
    ('patch deploy web --type=json -p [{"op":"replace","path":"/spec/replicas","value":0}]', D),
    ("debug node/node-1 -it --image=busybox", D),
    # destructive by effect (safety/effects.py), whatever the verb
    ("get secret db -o yaml", D),  # reveals secret data; the policy denies it
    ("get secret db -o kyaml", D),  # any format not known to print no data
    ("get secret db -o go-template={{.data}}", D),
    ("get secrets -o jsonpath={.items[*].data}", D),
    ("get secrets -o custom-columns=D:.data", D),
    ("get secret db --template={{.data}}", D),
    ("get secrets --sort-by=.data.password", D),
    ("get pods,secrets -o json", D),
    ("get -f objects.yaml -o yaml", D),  # the file may name secrets
    ("apply view-last-applied secret/db", D),
    ("wait --for=jsonpath={.data.k}=v secret/db", D),
    ("get --raw /api/v1/namespaces/prod/secrets", D),
    ("config view", D),  # OIDC tokens and exec env values are printed unredacted
    ("config view --raw", D),
    ("get pods --user admin", D),  # connection and identity flags
    ("get pods --cluster=other", D),
    ("get pods --context prod", D),
    ("get pods --kuberc=/tmp/k", D),
    ("get pods --kubeconfig /tmp/kc", D),
    ("-s https://evil.example get pods", D),
    ("get pods --token t", D),
    ("get pods --as=system:admin --as-group=system:masters", D),
    ("get pods --insecure-skip-tls-verify", D),
    ("get pods --cache-dir=/tmp/c", D),
    ("config set-cluster c --server=https://x", D),  # repoints later commands
    ("config set-credentials u --token=t", D),
    ("config set-credentials u --exec-command=/tmp/x", D),
    ("config set users.u.token t", D),
    ("config unset users.u", D),
    ("config set-context prod --user=admin", D),
    ("get pods --profile=cpu --profile-output=/home/u/.bashrc", D),  # local files
    ("get pods --log-file=/tmp/log", D),
    ("cluster-info dump --output-directory=/tmp/dump", D),
    ("kustomize ./overlay --enable-helm", D),  # local programs
    ("kustomize ./overlay --enable-alpha-plugins", D),
    ("kustomize ./overlay -o /tmp/out", D),
    ("cp web-1:/tmp/a ./a", D),  # overwrites a local file
    ("cp ./a web-1:/tmp/a", D),  # sends a local file into the cluster
    ("create configmap kc --from-file=/root/.kube/config", D),
    ("create secret generic k --from-env-file=.env", D),
    ("port-forward svc/web 8080:80 --address 0.0.0.0", D),  # reachable from other machines
    ("port-forward svc/web 8080:80 --address=localhost,10.0.0.5", D),
    ("debug Node/node-1 --image=busybox", D),  # node access
    ("debug nodes/node-1 --image=busybox", D),
    ("debug web-1 --profile=sysadmin --image=busybox", D),
    ("debug web-1 --custom=spec.json --image=busybox", D),
    ("run x --image=busybox --privileged", D),
    ("run x --image=busybox --overrides={}", D),
    ("create -f app.yaml", D),  # unseen manifests
    ("apply -f app.yaml", D),
    ("apply -f app.yaml --server-side", D),
    ("apply -k ./overlay", D),
    ("replace -f app.yaml", D),
    ("label -f app.yaml a=b", D),
    ("patch deploy web --patch-file=p.yaml", D),
    ("create --raw /api/v1/namespaces/prod/pods -f pod.json", D),
    ("auth reconcile -f rbac.yaml", D),
    ("create clusterrolebinding me --clusterrole=cluster-admin --user=me", D),  # escalation
    ("create rolebinding me --clusterrole=admin --user=me -n dev", D),
    ("create rolebinding me --clusterrole=edit --serviceaccount=dev:sa -n dev", D),
    ("create role r --verb=* --resource=pods -n dev", D),
    ("create role r --verb=get --resource=* -n dev", D),
    ("set subject rolebinding/r --user=me", D),
    ("patch clusterrole view -p {}", D),
    ("label clusterrole mine rbac.authorization.k8s.io/aggregate-to-admin=true", D),
    ("proxy --port 8001", D),
    ("auth reconcile -f rbac.yaml --remove-extra-permissions", D),
    ("config delete-context prod", D),
    ("config delete-cluster prod", D),
    ("config delete-user admin", D),
    # unknown: fail closed
    ("alpha kuberc view", D),
    ("frobnicate pods", D),
    ("rollout explode deploy/web", D),
    ("config frob", D),
    ("auth impersonate x", D),
    ("certificate revoke x", D),
    ("set everything deploy/web", D),
    ("plugin install x", D),
    ("DELETE pod x", D),  # kubectl verbs are lower case
    ("", D),
]


@pytest.mark.parametrize("command,expected", TABLE, ids=[c or "<empty>" for c, _ in TABLE])
def test_table(command, expected):
    assert classify(command.split()) is expected


KUBECTL_COMMANDS = """create expose run set explain get edit delete rollout scale autoscale certificate
cluster-info top cordon uncordon drain taint describe logs attach exec port-forward proxy cp auth debug
events diff apply patch replace wait kustomize label annotate completion alpha api-resources
api-versions config plugin version options help""".split()


def test_table_covers_every_kubectl_command():
    covered = {c.split()[0] for c, _ in TABLE if c}
    assert set(KUBECTL_COMMANDS) <= covered


def test_policy_known_verbs_are_all_classified():
    data = json.loads((Path(__file__).parents[2] / "policies" / "data.json").read_text())
    for verb in data["kubectl_chat"]["config"]["known_verbs"]:
        _, why = classify_with_reason([verb, "x"])
        assert "unknown verb" not in why, verb


@pytest.mark.parametrize(
    "current,target,fraction,expected",
    [
        (10, 6, 0.5, W),  # down 40%
        (10, 5, 0.5, W),  # exactly half is not more than half
        (10, 4, 0.5, D),  # down 60%
        (10, 8, 0.1, D),  # a stricter policy fraction
        (3, 10, 0.5, W),  # scaling up
        (None, 1, 0.5, W),  # current unknown
    ],
)
def test_scale_down_fraction(current, target, fraction, expected):
    argv = ["scale", "deploy/web", f"--replicas={target}"]
    assert classify(argv, current_replicas=current, scale_down_fraction=fraction) is expected


def test_scale_uses_current_replicas_flag_when_caller_does_not_know():
    assert classify(["scale", "deploy/web", "--replicas=1", "--current-replicas=10"]) is D


def test_global_flags_before_the_verb():
    assert classify(["-n", "prod", "--context", "x", "delete", "pod", "a"]) is D
    assert classify(["--namespace=prod", "get", "pods"]) is R
    assert classify(["-nprod", "get", "pods"]) is R


def test_exec_command_after_dashdash_is_not_kubectl():
    # The container's command is not a kubectl verb; exec itself is the risk.
    assert classify(["exec", "web", "--", "kubectl", "delete", "ns", "prod"]) is W
    assert parse(["exec", "web", "--", "rm", "-rf", "/"]).after_dash == ["rm", "-rf", "/"]


def test_unknown_flag_readings_take_the_worst():
    # If --mystery took a value, `get` would be its value and `delete` the verb.
    assert classify(["--mystery", "get", "delete", "ns", "prod"]) is D
    assert len(interpretations(["--mystery", "get", "delete", "ns", "prod"])) == 2


def test_flag_missing_value_is_destructive():
    assert classify(["get", "pods", "-n"]) is D


def test_too_many_unknown_flags_is_destructive():
    argv = ["get", "pods"] + [f"--u{i}" for i in range(10)]
    with pytest.raises(ParseError):
        interpretations(argv)
    assert classify(argv) is D


def test_shorthand_clusters():
    cmd = parse(["logs", "-fp", "web", "-cweb"])
    assert cmd.has("--follow") and cmd.has("--previous") and cmd.value("--container") == "web"
    cmd = parse(["exec", "-it", "web", "--", "sh"])
    assert cmd.has("--stdin") and cmd.has("--tty") and cmd.objects == ["web"]
    assert parse(["get", "pods", "-ojsonpath={.items}"]).output == "jsonpath={.items}"
    assert parse(["get", "pods", "-n=prod"]).namespace == "prod"


def test_targets():
    assert parse(["get", "po", "a", "b"]).targets() == ("pods", ["a", "b"])
    assert parse(["get", "pod/a", "deploy/b"]).targets() == ("deployments,pods", ["a", "b"])
    assert parse(["get", "pods,svc"]).targets() == ("pods,services", [])
    assert parse(["get", "Secret.v1", "x"]).targets() == ("secrets", ["x"])
    assert parse(["label", "pods", "web", "a=b", "c-"]).targets() == ("pods", ["web"])
    assert parse(["drain", "node/n1"]).targets() == ("nodes", ["n1"])
    assert parse(["create", "deployment", "web", "--image=x"]).targets() == ("deployments", ["web"])
    assert parse(["cp", "prod/web-1:/a", "b"]).targets() == ("pods", ["web-1"])
    assert parse(["taint", "nodes", "n1", "k=v:NoSchedule"]).targets() == ("nodes", ["n1"])


def test_risk_is_a_str_enum():
    assert Risk("destructive") is D and D == "destructive" and D.rank > W.rank > R.rank


def test_flag_tables_keep_targets_in_place():
    # A boolean read as value-taking would swallow the object name after it.
    assert parse(["debug", "--share-processes", "web-1", "--image=busybox"]).targets() == ("pods", ["web-1"])
    assert parse(["logs", "--prefix", "web-1"]).targets() == ("pods", ["web-1"])
    assert parse(["set", "env", "deploy/web", "--prefix", "APP_", "--from", "cm/x"]).targets() == (
        "deployments",
        ["web"],
    )
    assert parse(["config", "view", "--raw", "--minify"]).has("--raw")
    assert parse(["get", "--raw", "/api"]).value("--raw") == "/api"


# A replica count of 0 in any spelling, or one the classifier cannot read, is a scale to zero.
@pytest.mark.parametrize(
    "patch",
    [
        '{"spec":{"replicas":0.0}}',
        '{"spec":{"replicas":0e0}}',
        '{"spec":{"replicas":-0}}',
        '{"spec":{"replicas":"0"}}',
        '{"spec":{"replicas":" 0.0 "}}',
        '{"spec":{"replicas":"none"}}',
        '{"spec":{"replicas":null}}',
        '{"spec":{"replicas":true}}',
        '{"spec":{"replicas":0.5}}',
        '{"spec":{"replicas":1e999}}',
        '{"spec":{"Replicas":0}}',
        '{"spec":{"replicas":3,"replicas":0}}',
        '{"spec":{"$patch":"replace"}}',
        '{"spec":"x"}',
        "spec: {replicas: 0x0}",
        "spec:\n  replicas: 3\n  replicas: 0\n",
        '[{"op":"replace","path":"/spec/replicas","value":"0"}]',
        '[{"op":"add","path":"/spec/replicas","value":0.0}]',
        '[{"op":"copy","from":"/status/unavailableReplicas","path":"/spec/replicas"}]',
        '[{"op":"move","from":"/spec/paused","path":"/spec/replicas"}]',
        '[{"op":"remove","path":"/spec/replicas"}]',
        '[{"op":"replace","path":"/spec","value":{"replicas":3}}]',
        '[{"op":"replace","path":"/spec/replic~0as","value":1},{"op":"replace","path":"/spec/replicas/","value":0}]',
        '[{"op":"replace","path":"spec/replicas","value":3}]',
        "not a patch {",
    ],
)
def test_patch_to_zero_replicas_in_any_form_is_destructive(patch):
    risk, why = classify_with_reason(["patch", "deployment", "web", "-p", patch])
    assert risk is D, why


@pytest.mark.parametrize(
    "patch",
    [
        '{"spec":{"replicas":3}}',
        '{"spec":{"replicas":"2"}}',
        '{"spec":{"replicas":2.0}}',
        '{"metadata":{"labels":{"replicas":"0"}}}',
        '[{"op":"replace","path":"/spec/replicas","value":2}]',
        '[{"op":"test","path":"/spec/replicas","value":0},{"op":"replace","path":"/spec/paused","value":true}]',
        '[{"op":"replace","path":"/metadata/labels/a","value":"0"}]',
    ],
)
def test_patch_to_a_positive_count_stays_a_write(patch):
    assert classify(["patch", "deployment", "web", "-p", patch]) is W


@pytest.mark.parametrize(
    "argv,effect",
    [
        (["delete", "pods", "-l", "!a,b!=c,d notin (x,y)"], "bulk-delete"),
        (["delete", "pods", "-l", "app=web", "--field-selector", "metadata.name!=x"], None),
        (["delete", "pods", "-l", "app"], "bulk-delete"),  # exists: every pod carrying the key
        (["delete", "pods", "-l", "app in (zzz)", "-l", "!x"], "bulk-delete"),  # the last -l wins
        (["delete", "pods", "-l", "!x", "-l", "app in (zzz)"], None),
        (
            ["delete", "pods", "--field-selector", "metadata.name=a", "--field-selector", "metadata.name!=a"],
            "bulk-delete",
        ),
        (["delete", "pods", "--field-selector", r"metadata.name!=x\,y\=z"], "bulk-delete"),  # one term
        (["delete", "pods", "--field-selector", r"metadata.name!=x,status.phase=Running"], None),
        (["delete", "pods", "--field-selector", "metadata.namespace=prod", "-n", "prod"], "bulk-delete"),
        (["delete", "pods", "--field-selector", "metadata.name=web-1"], None),
        (
            ["delete", "pods", "--field-selector", "metadata.name=a=b"],
            "bulk-delete",
        ),  # refused: no bound read
        (["delete", "pods", "-l", "pod-template-hash"], "bulk-delete"),
        (["delete", "pods", "-l", "n>0"], "bulk-delete"),
        (["delete", "pods", "-l", "app==web"], None),
        (["delete", "pods", "-l", "app in (web, api)"], None),
        (["rollout", "restart", "deploy", "-l", "app=zzz", "-l", "!x"], "bulk-change"),
        (["label", "pods", "-l", "kubernetes.io/hostname", "a=b"], "bulk-change"),
        (["drain", "-l", "kubernetes.io/hostname", "--ignore-daemonsets"], "bulk-delete"),
        (["delete", "pods", "-l", "!a,env in (x,y)"], None),
        (["delete", "pods", "--all=false", "-l", "app=web"], None),
        (["get", "pods", "-l", "!a", "-A"], None),  # a read that lists everything is no change
        (["rollout", "status", "deploy", "-l", "!a"], None),
        (["rollout", "restart", "deploy", "-l", "!a"], "bulk-change"),
        (["label", "ns", "prod", "pod-security.kubernetes.io/enforce=restricted"], None),
        (["label", "pods", "web", "pod-security.kubernetes.io/enforce-"], None),  # not a namespace
        (["delete", "rolebinding", "old-grant", "-n", "dev"], None),  # removing access grants none
    ],
)
def test_bulk_and_admission_effects_only_where_they_apply(argv, effect):
    from kubechat.safety.assess import assess

    found = set(assess(argv).effects)
    assert found == ({effect} if effect else set()), found
