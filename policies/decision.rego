# kubectl chat policy: may this kubectl command run, and what confirmation does it need?
#
# Input (built from the kubectl argv by the plugin, never from model output):
#   argv, verb, subcommand, resource, resources, namespace, names, output, flags, all_namespaces,
#   ambiguous, violations (why argv is outside kubectl's grammar), effects (what the command does
#   beyond its verb: reveals-secrets, node-access, unseen-manifest, ...), connection_flags (global
#   connection and identity flags in argv), risk (read|write|destructive), user, groups, cluster,
#   context, mode (read-only|write), audit_backlog_s (seconds the oldest audit record not yet at
#   the collector has waited; 0 when none, null when the spool could not be read)
# Output: data.kubectl_chat.decision =
#   {allow, confirm: none|yes|typed, reasons: [...], confirm_phrase (when typed)}
#
# Behaviour lives in data.json (data.kubectl_chat.config); edit data, not this file.
package kubectl_chat

settings := data.kubectl_chat.config

risks := {"read", "write", "destructive"}

# --- deny rules: any message here denies the command -------------------------------------------

# Helper rules, because `not <expr>` over an undefined input field is not reliably true.
risk_known if input.risk in risks

verb_known if input.verb in settings.known_verbs

write_mode if input.mode == "write"

is_read if input.risk == "read"

all_namespaces if input.all_namespaces == true

deny contains msg if {
	not risk_known
	msg := "the command's risk class is missing or unknown; nothing runs without one"
}

deny contains msg if {
	not verb_known
	msg := sprintf("`%v` is not a kubectl command this policy knows", [object.get(input, "verb", "")])
}

deny contains msg if {
	some v in input.violations
	msg := sprintf("not a well-formed kubectl command: %v", [v])
}

# The effects and connection flags are facts the client derives from argv; an input without them
# (an older client) cannot be judged on them, so it is denied.
facts_present if {
	is_array(input.effects)
	is_array(input.connection_flags)
}

deny contains msg if {
	not facts_present
	msg := "the policy input lacks the command's effects; update kubectl chat"
}

deny contains msg if {
	some e in input.effects
	msg := settings.denied_effects[e]
}

# Which server, whose credentials and which identity come from the user's kubeconfig and
# kubectl chat's own options, never from a request.
deny contains msg if {
	count(input.connection_flags) > 0
	msg := sprintf(
		"connection and identity flags (%v) come from your kubeconfig and kubectl chat's own options, not from a request",
		[concat(", ", input.connection_flags)],
	)
}

deny contains msg if {
	input.ambiguous == true
	not is_read
	msg := "the command's flags can be read more than one way; spell it without unknown flags"
}

deny contains msg if {
	settings.write_mode_required
	not is_read
	not write_mode
	msg := sprintf(
		"read-only mode: `%v` is a %v command; turn on write mode with --write or `mode: write` in config.yaml",
		[input.verb, input.risk],
	)
}

deny contains msg if {
	msg := settings.denied_verbs[input.verb]
}

deny contains msg if {
	some rule in settings.denied_commands
	matches(rule)
	msg := rule.reason
}

deny contains msg if {
	input.risk == "destructive"
	some ns in protected_touched
	settings.protected_namespaces.destructive == "deny"
	msg := sprintf("namespace `%v` is protected: destructive commands are not allowed there", [ns])
}

deny contains msg if {
	input.risk == "write"
	some ns in protected_touched
	settings.protected_namespaces.write == "deny"
	msg := sprintf("namespace `%v` is protected: changes are not allowed there", [ns])
}

# Shipping required: with audit.require_collector, writes wait until the audit trail has reached
# the collector (reads keep working, and their records ship too). An unknown backlog is too old.
require_collector if object.get(settings, "audit", {}).require_collector == true

backlog_within_limit if {
	is_number(input.audit_backlog_s)
	input.audit_backlog_s <= object.get(settings.audit, "max_backlog_s", 86400)
}

deny contains msg if {
	require_collector
	not is_read
	not backlog_within_limit
	msg := sprintf(
		"audit records have not reached the collector for longer than %vs (audit.require_collector); changes are refused until they do: see `kubectl chat audit status`",
		[object.get(settings.audit, "max_backlog_s", 86400)],
	)
}

# Per-group deny lists.
deny contains msg if {
	some g, rule in my_group_rules
	input.risk in object.get(rule, "deny_risks", [])
	msg := sprintf("group `%v` may not run %v commands", [g, input.risk])
}

deny contains msg if {
	some g, rule in my_group_rules
	input.verb in object.get(rule, "deny_verbs", [])
	msg := sprintf("group `%v` may not use `%v`", [g, input.verb])
}

deny contains msg if {
	some g, rule in my_group_rules
	some r in input_resources
	r in object.get(rule, "deny_resources", [])
	msg := sprintf("group `%v` may not act on `%v`", [g, r])
}

deny contains msg if {
	some g, rule in my_group_rules
	input.namespace in object.get(rule, "deny_namespaces", [])
	msg := sprintf("group `%v` may not act in namespace `%v`", [g, input.namespace])
}

# Per-group allow lists: when any of the user's groups lists allowed verbs (or namespaces), the
# command must be in the union of those lists.
deny contains msg if {
	restricting := {g | some g, rule in my_group_rules; rule.allow_verbs}
	count(restricting) > 0
	not verb_allowed(restricting)
	msg := sprintf("`%v` is not among the verbs allowed to your groups (%v)", [input.verb, concat(", ", sort(restricting))])
}

deny contains msg if {
	restricting := {g | some g, rule in my_group_rules; rule.allow_namespaces}
	count(restricting) > 0
	not namespace_allowed(restricting)
	msg := sprintf(
		"namespace `%v` is not among the namespaces allowed to your groups (%v)",
		[object.get(input, "namespace", ""), concat(", ", sort(restricting))],
	)
}

verb_allowed(groups) if {
	some g in groups
	input.verb in my_group_rules[g].allow_verbs
}

namespace_allowed(groups) if {
	some g in groups
	input.namespace in my_group_rules[g].allow_namespaces
	not all_namespaces
}

# The user's group rules that apply to this command's risk class.
my_group_rules[g] := rule if {
	some g in input.groups
	rule := settings.group_rules[g]
	input.risk in object.get(rule, "applies_to", risks)
}

# --- confirmation ------------------------------------------------------------------------------

confirm_levels contains object.get(settings.confirm_by_risk, input.risk, "typed")

confirm_levels contains "typed" if not risk_known

confirm_levels contains "typed" if {
	input.risk == "write"
	count(protected_touched) > 0
	settings.protected_namespaces.write == "typed"
}

confirm_levels contains "typed" if {
	input.risk == "destructive"
	count(protected_touched) > 0
	settings.protected_namespaces.destructive == "typed"
}

confirm_levels contains rule.confirm if {
	some rule in settings.confirm_commands
	matches(rule)
}

confirm := "typed" if {
	"typed" in confirm_levels
} else := "yes" if {
	"yes" in confirm_levels
} else := "none"

# What the user types to confirm: the one named object, else the namespace, else the verb; never "".
confirm_phrase := input.names[0] if {
	count(input.names) == 1
	input.names[0] != ""
} else := input.namespace if {
	input.namespace != ""
} else := input.verb if {
	input.verb != ""
} else := "confirm"

# --- protected namespaces ----------------------------------------------------------------------

protected := {ns | some ns in settings.protected_namespaces.namespaces}

protected_touched contains input.namespace if {
	input.namespace in protected
	not cluster_scoped_only
}

protected_touched contains name if {
	"namespaces" in input_resources
	some name in input.names
	name in protected
}

# A change across all namespaces reaches the protected ones too.
protected_touched contains ns if {
	all_namespaces
	some ns in protected
}

cluster_scoped := {
	"nodes", "namespaces", "persistentvolumes", "clusterroles", "clusterrolebindings",
	"customresourcedefinitions", "storageclasses", "certificatesigningrequests", "priorityclasses",
}

cluster_scoped_only if {
	count(input_resources) > 0
	every r in input_resources {
		r in cluster_scoped
	}
}

# --- rule matching: a rule's optional lists must each contain the command's value ---------------

input_resources := {r | some r in object.get(input, "resources", [])} | {r | r := input.resource; r != ""}

input_flags := {f | some f in object.get(input, "flags", [])}

matches(rule) if {
	list_matches(rule, "verbs", {input.verb})
	list_matches(rule, "subcommands", {object.get(input, "subcommand", "")})
	list_matches(rule, "resources", input_resources)
	list_matches(rule, "outputs", {output_format})
	list_matches(rule, "flags", input_flags)
	list_matches(rule, "namespaces", {object.get(input, "namespace", "")})
	list_matches(rule, "risks", {input.risk})
}

list_matches(rule, key, _) if not rule[key]

list_matches(rule, key, values) if {
	some v in values
	v in rule[key]
}

list_matches(rule, key, _) if "*" in rule[key]

# `jsonpath={.data}` → `jsonpath`
output_format := lower(split(object.get(input, "output", ""), "=")[0])

# --- the decision ------------------------------------------------------------------------------

default allow := false

allow if count(deny) == 0

notes contains msg if {
	confirm == "none"
	msg := sprintf("`%v` is a %v command: no confirmation needed", [input.verb, input.risk])
}

notes contains msg if {
	confirm == "yes"
	msg := sprintf("`%v` is a %v command: confirm with yes", [input.verb, input.risk])
}

notes contains msg if {
	confirm == "typed"
	msg := sprintf("`%v` is a %v command: type `%v` to confirm", [input.verb, input.risk, confirm_phrase])
}

notes contains msg if {
	some ns in protected_touched
	msg := sprintf("namespace `%v` is protected", [ns])
}

reasons := sort(deny) if {
	not allow
} else := sort(notes)

base_decision := {"allow": allow, "confirm": confirm, "reasons": reasons}

decision := object.union(base_decision, {"confirm_phrase": confirm_phrase}) if {
	confirm == "typed"
} else := base_decision
