# Tests for decision.rego against the shipped data.json. Run: opa test policies/
package kubectl_chat_test

import data.kubectl_chat

base := {
	"argv": ["get", "pods", "-n", "dev"],
	"verb": "get",
	"subcommand": "",
	"resource": "pods",
	"resources": ["pods"],
	"namespace": "dev",
	"names": [],
	"output": "",
	"flags": ["--namespace"],
	"all_namespaces": false,
	"ambiguous": false,
	"effects": [],
	"connection_flags": [],
	"risk": "read",
	"user": "alice",
	"groups": ["system:authenticated"],
	"cluster": "sandbox",
	"context": "sandbox",
	"mode": "read-only",
}

with_input(patch) := object.union(base, patch)

decide(patch) := d if {
	d := kubectl_chat.decision with input as with_input(patch)
}

has_reason(d, fragment) if {
	some r in d.reasons
	contains(r, fragment)
}

# --- basics ------------------------------------------------------------------------------------

test_read_allowed_without_confirmation if {
	d := decide({})
	d.allow == true
	d.confirm == "none"
	not d.confirm_phrase
	has_reason(d, "no confirmation needed")
}

test_write_denied_in_read_only_mode if {
	d := decide({"verb": "scale", "resource": "deployments", "resources": ["deployments"], "names": ["web"], "risk": "write"})
	d.allow == false
	has_reason(d, "read-only mode")
	has_reason(d, "--write")
}

test_write_needs_yes_in_write_mode if {
	d := decide({"verb": "scale", "resource": "deployments", "names": ["web"], "risk": "write", "mode": "write"})
	d.allow == true
	d.confirm == "yes"
}

test_destructive_needs_typed_name if {
	d := decide({"verb": "delete", "resource": "pods", "names": ["web-1"], "risk": "destructive", "mode": "write"})
	d.allow == true
	d.confirm == "typed"
	d.confirm_phrase == "web-1"
}

test_typed_phrase_falls_back_to_namespace_then_verb if {
	d1 := decide({"verb": "delete", "names": [], "risk": "destructive", "mode": "write"})
	d1.confirm_phrase == "dev"
	d2 := decide({"verb": "drain", "resource": "nodes", "resources": ["nodes"], "names": ["a", "b"], "namespace": "", "risk": "destructive", "mode": "write"})
	d2.confirm_phrase == "drain"
}

test_write_mode_not_required_when_data_says_so if {
	d := kubectl_chat.decision with input as with_input({"verb": "label", "risk": "write"})
		with data.kubectl_chat.config.write_mode_required as false
	d.allow == true
	d.confirm == "yes"
}

# --- fail closed on bad input ------------------------------------------------------------------

test_missing_risk_denied if {
	d := kubectl_chat.decision with input as object.remove(base, ["risk"])
	d.allow == false
	has_reason(d, "risk class is missing")
}

test_unknown_risk_denied if {
	d := decide({"risk": "harmless"})
	d.allow == false
}

test_empty_input_denied if {
	d := kubectl_chat.decision with input as {}
	d.allow == false
	d.confirm == "typed"
}

test_unknown_verb_denied if {
	d := decide({"verb": "nuke", "risk": "destructive", "mode": "write"})
	d.allow == false
	has_reason(d, "`nuke` is not a kubectl command")
}

test_ambiguous_write_denied if {
	d := decide({"verb": "label", "risk": "write", "mode": "write", "ambiguous": true})
	d.allow == false
	has_reason(d, "more than one way")
}

test_grammar_violation_denied_even_for_reads if {
	d := decide({"violations": ["shell characters ';' in 'pods;'"]})
	d.allow == false
	has_reason(d, "not a well-formed kubectl command: shell characters")
}

test_ambiguous_read_allowed if {
	d := decide({"ambiguous": true})
	d.allow == true
}

# --- denied verbs and commands -----------------------------------------------------------------

test_denied_verb_proxy if {
	d := decide({"verb": "proxy", "resource": "", "resources": [], "risk": "destructive", "mode": "write"})
	d.allow == false
	has_reason(d, "expose the API")
}

test_denied_verb_edit if {
	d := decide({"verb": "edit", "names": ["web"], "risk": "write", "mode": "write"})
	d.allow == false
	has_reason(d, "interactive editor")
}

test_delete_namespace_denied if {
	d := decide({"verb": "delete", "resource": "namespaces", "resources": ["namespaces"], "names": ["prod"], "namespace": "", "risk": "destructive", "mode": "write"})
	d.allow == false
	has_reason(d, "deleting a namespace")
}

test_revealing_secrets_denied if {
	d := decide({"resource": "secrets", "resources": ["secrets"], "output": "kyaml", "effects": ["reveals-secrets"], "risk": "destructive", "mode": "write"})
	d.allow == false
	has_reason(d, "secret contents")
}

test_revealing_secrets_denied_even_in_read_only_mode_with_its_reason if {
	d := decide({"resource": "secrets", "resources": ["secrets"], "output": "go-template", "effects": ["reveals-secrets"], "risk": "destructive"})
	d.allow == false
	has_reason(d, "secret contents")
}

test_secret_list_allowed if {
	d := decide({"resource": "secrets", "resources": ["secrets"], "output": "wide"})
	d.allow == true
}

test_effects_not_denied_by_data_need_typed_confirmation if {
	every e in ["node-access", "unseen-manifest", "writes-local-files", "uploads-local-files", "opens-network-access", "bulk-change"] {
		d := decide({"verb": "debug", "names": ["n1"], "effects": [e], "risk": "destructive", "mode": "write"})
		d.allow == true
		d.confirm == "typed"
	}
}

test_denied_effects if {
	every e in ["reveals-secrets", "edits-credentials", "runs-local-programs", "diagnostic-files", "escalates-privilege", "bulk-delete"] {
		d := decide({"effects": [e], "risk": "destructive", "mode": "write"})
		d.allow == false
		d.reasons[_] == data.kubectl_chat.config.denied_effects[e]
	}
}

test_input_without_effects_denied if {
	d := kubectl_chat.decision with input as object.remove(base, ["effects"])
	d.allow == false
	has_reason(d, "lacks the command's effects")
	d2 := kubectl_chat.decision with input as object.remove(base, ["connection_flags"])
	d2.allow == false
	d3 := decide({"effects": "reveals-secrets"})
	d3.allow == false
}

test_delete_cluster_wide_denied if {
	d := decide({"verb": "delete", "resource": "nodes", "resources": ["nodes"], "names": ["n1"], "namespace": "", "risk": "destructive", "mode": "write"})
	d.allow == false
	has_reason(d, "cluster admins")
}

test_bulk_delete_denied if {
	d := decide({"verb": "delete", "flags": ["--all"], "risk": "destructive", "mode": "write"})
	d.allow == false
	has_reason(d, "bulk deletes")
}

# A selector that only excludes (`-l '!x'`) or `delete all` reaches the policy as an effect, with
# no --all flag to match.
test_bulk_delete_by_effect_denied if {
	d := decide({"verb": "delete", "flags": ["--selector"], "effects": ["bulk-delete"], "risk": "destructive", "mode": "write"})
	d.allow == false
	has_reason(d, "bulk deletes")
}

test_confirm_commands_raise_confirmation if {
	d := kubectl_chat.decision with input as with_input({})
		with data.kubectl_chat.config.confirm_commands as [{"verbs": ["get"], "resources": ["pods"], "confirm": "typed"}]
	d.allow == true
	d.confirm == "typed"
}

test_confirm_commands_other_resource_untouched if {
	d := kubectl_chat.decision with input as with_input({})
		with data.kubectl_chat.config.confirm_commands as [{"verbs": ["get"], "resources": ["secrets"], "confirm": "typed"}]
	d.confirm == "none"
}

test_wildcard_rule_matches if {
	d := kubectl_chat.decision with input as with_input({})
		with data.kubectl_chat.config.denied_commands as [{"verbs": ["*"], "namespaces": ["dev"], "reason": "dev is frozen"}]
	d.allow == false
	has_reason(d, "dev is frozen")
}

# --- protected namespaces ----------------------------------------------------------------------

test_protected_namespace_read_allowed if {
	d := decide({"namespace": "kube-system"})
	d.allow == true
	d.confirm == "none"
}

test_protected_namespace_write_needs_typed if {
	d := decide({"verb": "label", "names": ["coredns"], "namespace": "kube-system", "risk": "write", "mode": "write"})
	d.allow == true
	d.confirm == "typed"
	d.confirm_phrase == "coredns"
	has_reason(d, "namespace `kube-system` is protected")
}

test_protected_namespace_destructive_denied if {
	d := decide({"verb": "delete", "names": ["coredns-1"], "namespace": "kube-system", "risk": "destructive", "mode": "write"})
	d.allow == false
	has_reason(d, "protected: destructive")
}

test_protected_namespace_write_denied_when_configured if {
	d := kubectl_chat.decision with input as with_input({"verb": "label", "namespace": "kube-public", "risk": "write", "mode": "write"})
		with data.kubectl_chat.config.protected_namespaces.write as "deny"
	d.allow == false
	has_reason(d, "changes are not allowed")
}

test_protected_namespace_destructive_typed_when_configured if {
	d := kubectl_chat.decision with input as with_input({"verb": "delete", "names": ["x"], "namespace": "kube-public", "risk": "destructive", "mode": "write"})
		with data.kubectl_chat.config.protected_namespaces.destructive as "typed"
	d.allow == true
	d.confirm == "typed"
}

test_labelling_protected_namespace_object_needs_typed if {
	d := decide({"verb": "label", "resource": "namespaces", "resources": ["namespaces"], "names": ["kube-system"], "namespace": "", "risk": "write", "mode": "write"})
	d.allow == true
	d.confirm == "typed"
}

test_all_namespaces_write_touches_protected if {
	d := decide({"verb": "label", "all_namespaces": true, "risk": "write", "mode": "write"})
	d.confirm == "typed"
}

test_cluster_scoped_write_ignores_namespace_flag if {
	d := decide({"verb": "cordon", "resource": "nodes", "resources": ["nodes"], "names": ["n1"], "namespace": "kube-system", "risk": "write", "mode": "write"})
	d.allow == true
	d.confirm == "yes"
}

# --- per-group deny and allow lists ------------------------------------------------------------

test_read_only_group_denies_write if {
	d := decide({"verb": "label", "risk": "write", "mode": "write", "groups": ["kubechat:viewers"]})
	d.allow == false
	has_reason(d, "group `kubechat:viewers` may not run write commands")
}

test_read_only_group_allows_read if {
	d := decide({"groups": ["kubechat:viewers"]})
	d.allow == true
}

test_no_shell_group_denies_exec if {
	d := decide({"verb": "exec", "names": ["web"], "risk": "write", "mode": "write", "groups": ["kubechat:no-shell"]})
	d.allow == false
	has_reason(d, "may not use `exec`")
}

test_exec_needs_yes_for_others if {
	d := decide({"verb": "exec", "names": ["web"], "risk": "write", "mode": "write"})
	d.allow == true
	d.confirm == "yes"
}

test_developers_write_outside_allowed_namespaces_denied if {
	d := decide({"verb": "scale", "namespace": "prod", "risk": "write", "mode": "write", "groups": ["kubechat:developers"]})
	d.allow == false
	has_reason(d, "namespace `prod` is not among")
}

test_developers_write_in_dev_allowed if {
	d := decide({"verb": "scale", "namespace": "dev", "risk": "write", "mode": "write", "groups": ["kubechat:developers"]})
	d.allow == true
}

test_developers_read_anywhere if {
	d := decide({"namespace": "prod", "groups": ["kubechat:developers"]})
	d.allow == true
}

test_developers_all_namespaces_write_denied if {
	d := decide({"verb": "scale", "namespace": "dev", "all_namespaces": true, "risk": "write", "mode": "write", "groups": ["kubechat:developers"]})
	d.allow == false
}

test_operators_allow_list if {
	ok := decide({"verb": "scale", "risk": "write", "mode": "write", "groups": ["kubechat:operators"]})
	ok.allow == true
	no := decide({"verb": "label", "risk": "write", "mode": "write", "groups": ["kubechat:operators"]})
	no.allow == false
	has_reason(no, "not among the verbs allowed")
}

test_allow_lists_union_over_groups if {
	d := kubectl_chat.decision with input as with_input({"verb": "label", "risk": "write", "mode": "write", "groups": ["a", "b"]})
		with data.kubectl_chat.config.group_rules as {"a": {"allow_verbs": ["get"]}, "b": {"allow_verbs": ["label"]}}
	d.allow == true
}

test_group_deny_resources_and_namespaces if {
	rules := {"auditors": {"deny_resources": ["configmaps"], "deny_namespaces": ["prod"]}}
	d1 := kubectl_chat.decision with input as with_input({"resource": "configmaps", "resources": ["configmaps"], "groups": ["auditors"]})
		with data.kubectl_chat.config.group_rules as rules
	d1.allow == false
	has_reason(d1, "may not act on `configmaps`")
	d2 := kubectl_chat.decision with input as with_input({"namespace": "prod", "groups": ["auditors"]})
		with data.kubectl_chat.config.group_rules as rules
	d2.allow == false
	has_reason(d2, "may not act in namespace `prod`")
}

test_group_rules_ignore_other_groups if {
	d := decide({"verb": "label", "risk": "write", "mode": "write", "groups": ["someone-else"]})
	d.allow == true
}

test_denied_reasons_are_sorted_and_complete if {
	d := decide({"verb": "delete", "resource": "namespaces", "resources": ["namespaces"], "names": ["kube-system"], "namespace": "", "risk": "destructive"})
	d.allow == false
	count(d.reasons) == 3
	d.reasons == sort(d.reasons)
}

test_connection_flags_denied if {
	d := decide({"flags": ["--namespace", "--server"], "connection_flags": ["--server"], "effects": ["connection-override"], "risk": "destructive"})
	d.allow == false
	has_reason(d, "connection and identity flags (--server)")
}

test_connection_flags_denied_for_reads_too if {
	d := decide({"flags": ["--user"], "connection_flags": ["--user"]})
	d.allow == false
	has_reason(d, "(--user)")
}

test_raw_denied if {
	d := decide({"verb": "config", "subcommand": "view", "resource": "", "resources": [], "flags": ["--raw"]})
	d.allow == false
	has_reason(d, "raw API paths")
}

test_granting_cluster_permissions_denied if {
	d := decide({"verb": "create", "subcommand": "clusterrolebinding", "resource": "clusterrolebindings", "resources": ["clusterrolebindings"], "names": ["me-admin"], "namespace": "", "risk": "write", "mode": "write"})
	d.allow == false
	has_reason(d, "reserved for cluster admins")
}

test_creating_a_role_in_a_namespace_allowed if {
	d := decide({"verb": "create", "subcommand": "role", "resource": "roles", "resources": ["roles"], "names": ["r"], "risk": "write", "mode": "write"})
	d.allow == true
}

test_certificate_decisions_denied if {
	d := decide({"verb": "certificate", "subcommand": "approve", "resource": "certificatesigningrequests", "names": ["csr-1"], "namespace": "", "risk": "write", "mode": "write"})
	d.allow == false
	has_reason(d, "who gets credentials")
}

# --- audit.require_collector -------------------------------------------------------------------

scale_write := {"verb": "scale", "resource": "deployments", "resources": ["deployments"], "names": ["web"], "risk": "write", "mode": "write"}

require_collector_data := object.union(data.kubectl_chat.config, {"audit": {"require_collector": true, "max_backlog_s": 3600}})

decide_requiring(patch) := d if {
	d := kubectl_chat.decision with input as with_input(patch) with data.kubectl_chat.config as require_collector_data
}

test_require_collector_refuses_writes_when_the_backlog_is_too_old if {
	d := decide_requiring(object.union(scale_write, {"audit_backlog_s": 7200}))
	d.allow == false
	has_reason(d, "have not reached the collector")
}

test_require_collector_allows_writes_within_the_limit if {
	d := decide_requiring(object.union(scale_write, {"audit_backlog_s": 3600}))
	d.allow == true
}

test_require_collector_keeps_reads_working if {
	d := decide_requiring({"audit_backlog_s": 999999})
	d.allow == true
}

test_require_collector_refuses_writes_when_the_backlog_is_unknown if {
	decide_requiring(object.union(scale_write, {"audit_backlog_s": null})).allow == false
	decide_requiring(scale_write).allow == false
}

test_require_collector_also_refuses_destructive if {
	d := decide_requiring({"verb": "delete", "resource": "pods", "resources": ["pods"], "names": ["web-1"], "risk": "destructive", "mode": "write", "audit_backlog_s": 7200})
	d.allow == false
	has_reason(d, "have not reached the collector")
}

test_backlog_ignored_unless_required if {
	d := decide(object.union(scale_write, {"audit_backlog_s": 999999}))
	d.allow == true
}
