"""Which verb a request is about: ordered keyword patterns, each tied to its verb's handler.
The first pattern that matches wins; its words count as explained. A request with a resource type
and no verb word is a read."""

from __future__ import annotations

import re

from .constraints import without_states
from .readers import name_like_token, resources
from .reading import EVENT_AS_TIME, Req, said
from .verbs.api_resources import h_api_resources
from .verbs.apply import h_apply
from .verbs.attach import h_attach
from .verbs.auth import h_auth_can_i
from .verbs.autoscale import h_autoscale
from .verbs.certificate import h_certificate
from .verbs.cluster_info import h_cluster_info
from .verbs.config import h_config
from .verbs.cp import h_cp
from .verbs.create import KICK_OFF, h_create
from .verbs.delete import h_delete
from .verbs.describe import h_describe
from .verbs.edit import h_edit
from .verbs.events import h_events
from .verbs.exec import SHELL_COMMANDS, h_exec
from .verbs.explain import h_explain
from .verbs.expose import h_expose
from .verbs.get import (
    NAMESPACE_EXISTS,
    NODE_STATE,
    POD_STATE,
    h_get,
    h_namespace_exists,
    h_node_state,
    h_pod_state,
)
from .verbs.label import h_annotate, h_label
from .verbs.logs import h_logs
from .verbs.node import h_node
from .verbs.port_forward import h_port_forward
from .verbs.proxy import h_proxy
from .verbs.rollout import h_rollout
from .verbs.run import h_run
from .verbs.scale import h_scale
from .verbs.set import h_set_env, h_set_image, h_set_resources, h_set_sa
from .verbs.simple import h_simple
from .verbs.suspend import SUSPEND, h_suspend
from .verbs.taint import h_taint
from .verbs.top import h_top
from .verbs.wait import h_wait

_LABEL_VERB = (
    r"\btak(?:e|ing)\b(?:[^.]|\.(?=\S))*\b(?:label|annotation)s?\b(?:[^.]|\.(?=\S))*\boff\b|^(label|annotate)\b|\b(add|put|apply|attach|set|update|change|remove|delete|drop|unset|overwrite)\b(?:[^.]|\.(?=\S))*?"
    r"\b(label|labels|annotation|annotations)\b(?! (selector|column))|\bannotate\b|\brelabel\b|^label\b"
    r"|\b(check|list|show|display) the annotations\b"
)


# who a permission question is about, with where an account lives ("the sa x in ns y"), and how
# the question asks it ("can", "is able to", "has permission to")
_SUBJECT = (
    r"(?:(?:the )?(?:user|group|service ?account|sa) \S+|(?:the )?\S+ (?:service ?account|sa))"
    r"(?: (?:in|from|of) (?:the )?(?:ns |namespace )?\S+)?"
)
_MAY = r"(?:can|could|may|(?:(?:is|are) )?(?:allowed|able|permitted) to|ha(?:s|ve) (?:the )?(?:permission|rights?) to)"


def choose(req: Req):
    # "list unhealthy pods": a state said of the objects listed says which ones, never the verb
    low = EVENT_AS_TIME.sub(" ", without_states(req))

    def has(pattern: str) -> bool:
        # a verb word inside a joined name ("delete-me-7", "scale-test") asks for nothing
        return said(low, pattern)

    selector_use = re.search(
        r"\b(with|having|matching|by|that have)\s+(the\s+)?(label|labels)\b", low
    ) and not re.search(r"with the label \S+ and", low)
    table = [
        (
            "apply",
            r"^apply\s+(?:\S+\.(?:ya?ml|json)\b|-[fk]\s|--(?:filename|kustomize)\b|(?:the\s+|this\s+|my\s+)?(?:manifests?|files?|kustomization|yaml)\b)",
            h_apply,
        ),
        (
            "run",
            r"^(start|run|launch|spin up|create) (a |an |one )?(single instance of )?(an? )?[\w./:-]+ pod\b(?!-)|"
            r"^(create|start|run|launch) (a |an )?pod\b(?!-)",
            h_run,
        ),
        ("edit", r"^edit\b", h_edit),
        (
            "auth whoami",
            r"whoami|who am i|subject attributes|my (identity|user ?name)|which user am i",
            h_simple("auth whoami"),
        ),
        (
            "auth can-i",
            r"\bcan-i\b|\bcan i\b|\b(if|whether) i can\b|\ballowed actions\b|\ballowed to\b|\bhave permission|"
            rf"^(?:can|could|may) {_SUBJECT} \S+|\b(?:is|are|if|whether|does|do) {_SUBJECT} {_MAY}\b|"
            r"\b(?:am i|are we|is my (?:user|account)|i am|i'm|we are) (?:allowed|able|permitted) to\b",
            h_auth_can_i,
        ),
        (
            "version",
            r"\b(client|server|kubectl|kubernetes|cluster)( and server)? versions?\b|^versions?$|"
            r"\bversions? of (kubectl|kubernetes|the cluster)|what version",
            h_simple("version"),
        ),
        (
            "config",
            r"\bkubeconfig\b|current[- ]context|\bcontexts?\b|(cert|tls)\w* check|"
            r"\b(set|change|switch)\b (the |my )?(default |current )?namespace\b|"
            r"delete the \S+ (cluster|user)\b",
            h_config,
        ),
        (
            "explain",
            r"\bexplain\b|\bexplanation\b|\bdocumentation\b|\bdocs for\b|\bschema\b|\bfields of\b|all the fields|"
            r"\bwhat fields\b",
            h_explain,
        ),
        (
            "api-resources",
            r"api[- ]resources|api[- ]resource types?\b|resource types|supported (api )?resources|\b(non-)?namespaced resources|"
            r"^all resources (with|that|in)|^all (non-)?namespaced",
            h_api_resources,
        ),
        ("api-versions", r"api[- ]versions", h_simple("api-versions")),
        (
            "cluster-info",
            r"cluster[- ]info|address(es)? of the (control plane|master)|cluster state|"
            r"\bdump (all|the|current)(?![^.]*\b(object|yaml|json|pod|deployment|configmap|secret)s?\b)",
            h_cluster_info,
        ),
        ("kuberc", r"\bkuberc\b", h_simple("kuberc view")),
        ("options", r"global (flags|options)|\binherit", h_simple("options")),
        ("plugin", r"\bplugins?\b", h_simple("plugin list")),
        ("proxy", r"(?<!container )\bproxy\b(?! container)", h_proxy),
        ("certificate", r"\b(approve|deny|reject)\b.*\b(csr-?|certificate signing)|\bcsr-", h_certificate),
        (
            "cp",
            r"(?:^|^how (?:do|can|would|should) (?:i|we|you) |\bplease )(?:copy|cp|download|upload|transfer)\b.*?\b(?:into|out of|from|to|onto|off)\s+(?:the\s+)?pod\b",
            h_cp,
        ),
        ("wait", r"^wait\b|\bwait (?:for|until|till)\b|\bblock (?:until|till)\b", h_wait),
        (
            "port-forward",
            r"port[- ]forward|^forward \d+|\bforward (local )?(port|traffic|\d+)|listen on (local )?port|tunnel",
            h_port_forward,
        ),
        (
            "autoscale",
            # "hpa" alone is the type (get/describe/delete hpa); an autoscaler is made with limits
            r"auto[- ]?scal|\b(create|add|make|set up|configure)\b[^.]*\bhpa\b|\bhpa\b[^.]*\b(min|max|between)\b",
            h_autoscale,
        ),
        (
            "set resources",
            r"\b(cpu|memory) (limits?|requests?)\b|\b(limits?|requests?) (for|on|of) (cpu|memory)|"
            r"\b(limits?|requests?)\b[^.]*?\b(cpu|mem(ory)?)\s*(=|of|to|:)?\s*\d|"
            r"\b(limits?|requests?)\b[^.]*?\b\d+(\.\d+)?(m|[kmgtpe]i?)?\s+(of\s+)?(cpu|mem(ory)?)\b",  # "250m cpu"
            h_set_resources,
        ),
        (
            "top",
            r"\bmetrics\b(?![-\s]+(?:server|api)\b|-)|\bcpu/memory|\butili[sz]ation\b|resource usage|\btop (pods?|nodes?)\b|^top\b|"
            r"using the most|most (cpu|memory)|\bcpu/mem\b|\busage (per|by|of each) (node|pod)\b|\b(cpu|memory|resource|per[- ]container) (usage|consumption)|\bcpu and memory\b|\bmemory and cpu\b",
            h_top,
        ),
        (
            "logs",
            r"(?<![\w-])logs?(?![\w-])|\blines of output\b|\b\d+ lines\b|\b(print(ed|s)?|output|said|wrote)\b[^.]*\b(crash|restart|died)",
            h_logs,
        ),
        (
            "exec",
            r"\bexec\b|\bexecute\b|\bshell (in|into|on|to)\b|\bopen a shell|\bget a shell|\bssh into|"
            r"\bopen (a )?(bash|sh)\b|\b(bash|sh) (in|into|on)\b|"
            r"\b(running|run) (the )?'q+' (command )?(in|on|inside)|\bcommand\b.*\b(in|on|inside) (the )?pod\b|"
            r"\boutput (of|from) (running )?(the )?\S+ command\b|"
            r"^(run|execute)\s+(?:[^.]|\.(?=\S))+?\s+(in|inside)\s+(the\s+)?(container|pod)\s|"
            # "ls /srv inside pod x", "cat /etc/hosts in pod y": a shell command, then where it runs
            rf"^(?:{SHELL_COMMANDS})\s(?:[^.]|\.(?=\S))*?\b(?:in|inside|on)\s+(?:the\s+)?(?:pod|container)\b",
            h_exec,
        ),
        (
            "attach",
            r"\battach\b|\bstdin\b|\b(connect|hook) (up )?to\b.*\b(terminal|console|output)\b|"
            r"\boutput (of|from) (the )?(running )?(pod|container)\b",
            h_attach,
        ),
        (
            "set serviceaccount",
            r"service ?account to\b|\b(?:set|change|switch|update)\b[^.]*\bservice ?account\b[^.]*\bto\b"
            r"|\b(?:should|must|to) (?:use|run as|run under) (?:the )?service ?account\b",
            h_set_sa,
        ),
        # an object asked for by its kind and how it is made: "need a service account x",
        # "bind role x to …", "quota for x: pods=…", "configmap x from file f"
        (
            "create",
            r"\b(?:kick off|trigger|fire off) (?:a |an |one )?(?:new )?job\b|"
            rf"{KICK_OFF}[^.]*\bcron ?job\b|"
            # a kind and its name opening the request, then what only a create carries: literals,
            # a budget, a role's verbs, a role given to someone
            r"^(?:a |new )?(?:generic secret|secret generic)\s+\S+[^.]*\b[\w.-]+=|"
            r"^(?:a |new )?(?:pdb|pod ?disruption ?budget)\s+\S+[^.]*\b(?:min|max)(?:imum)?[- ]?(?:available|unavailable)\b|"
            r"^(?:a |new )?(?:cluster ?)?role\s+\S+\s+(?:with|allowing|that can)\s+(?:get|list|watch|create|update|patch|delete)\b|"
            r"^(?:a |new )?(?:cluster ?)?role ?binding\s+\S+[^.]*\b(?:give|grant)s?\b|"
            r"\b(?:i|we) (?:need|want) (?:a|an|a new) (?:service ?account|role|role ?binding|cluster ?role|"
            r"(?:resource )?quota|config ?map|secret|namespace|cron ?job)\b|^(?:need|want) (?:a|an|a new) "
            r"(?:service ?account|role ?binding|role|(?:resource )?quota|config ?map|secret|namespace)\b|"
            r"^bind\b|\bbind (?:the )?(?:cluster ?)?role\b|^(?:give|grant) (?:the )?(?:user|group|service ?account|sa) \S+ (?:the )?\S+ (?:cluster ?)?role\b|"
            r"^(?:a |new )?(?:resource ?)?quota\b[^.]*\b[a-z.]+\s*=\s*\d|"
            r"^(?:a |new )?(?:generic )?(?:config ?map|secret)\b[^.]*\bfrom[- ](?:the |an? )?(?:env[- ])?file\b",
            h_create,
        ),
        ("patch", SUSPEND, h_suspend),
        (
            "rollout",
            r"\brollout\b|roll out|\broll ?back\b|\bundo\b|rolling (restart|update)|\brestart\b|"
            r"\b(rollout|deployment|revision) history\b|\bhistory of\b|\bpaused?\b|\bresumed?\b|\bunpause\b|"
            r"\bbounce\b|\bredeploy\b|\brolled out\b|\brevert\b.*\b(rev|revision)\b|"
            r"\broll\s+\S+\s+back\b|\b(details?|info|contents?) (of|for|on|about) (rev|revision) \d+|\brevision \d+ of\b",
            h_rollout,
        ),
        (
            "cordon",
            r"\buncordon\b|\bmark .* as schedulable\b|\bschedulable again|\bback (in|into) rotation\b|"
            r"\b(allow|resume|re-?enable) scheduling\b",
            h_node("uncordon"),
        ),
        (
            "cordon",
            r"\bcordon\b|unschedulable|\bout of rotation\b|\b(stop|no more|disable|prevent) (new )?(scheduling|pods)\b|"
            r"\bstop getting new pods\b",
            h_node("cordon"),
        ),
        ("drain", r"\bdrain\b", h_node("drain")),
        ("taint", r"\btaint|\buntaint", h_taint),
        (
            "set env",
            r"environment variables?|\benv(ironment)? var(iable)?s?\b|\bset env\b|(?<![.\w])env\b(?![=-]|\s+file|\s+labels?\b)"
            r"|^unset\s+[a-z_][a-z0-9_]*\s+(?:on|from|in)\b",
            h_set_env,
        ),
        (
            "set image",
            r"\b(set|update|change|upgrade|bump|switch)\b[^.]*\bimages?\b|\bimages? of all containers|"
            r"\bwrong image|\bnew image|"
            # "update web container app to app:1.2": an image reference given to a container
            r"\b(set|update|change|upgrade|bump|switch|move)\b[^.]*\bcontainer\s+\S+\s+to\s+[\w./-]+[:@]\S+|"
            # "bump web to ghcr.io/acme/web:2.1": a registry path with a tag is an image
            r"^(update|upgrade|bump|switch|move|roll)\s+(the\s+)?\S+\s+to\s+[\w.-]+(/[\w.-]+)+[:@]\S+",
            h_set_image,
        ),
        ("annotate", r"annotat|\brecord\b[^.]*\bchange[- ]cause\b", h_annotate),
        ("label", _LABEL_VERB, h_label),
        (
            "scale",
            r"\bscale\b|\bscaled (?:up |down )?to \d|\bresize\b|\b\d+ (replicas|instances|copies)\b|\breplicas? (of|for)\b.*\bto \d+"
            r"|\b(?:set|change|update|make)\s+(?:the\s+)?replicas?\s*(?:=|to)\s*\d+",
            h_scale,
        ),
        ("expose", r"\bexpose\b(?! (port|traffic))|(create|make) a service for", h_expose),
        ("edit", r"^edit\b|\bedit (the|a|an|deployment|service|svc|pod|configmap)\b", h_edit),
        ("events", r"\bevents\b", h_events),
        (
            "create",
            r"^(create|make|generate|add|set up|spin up|deploy(?!\s*$|\s+(?:in|from|across|for|-n)\b)|new|request)\b|without creating|yaml for a new|\b(create|make|generate)\b|"
            r"start a single instance|^start (a|an|one) \S+$",
            h_create,
        ),
        ("run", r"^(run|start|launch|spin up)\b|\b(run|start|launch) (a|an|one) ", h_run),
        (
            "delete",
            # "rm" asks for a delete only at a verb's place: elsewhere it is a name ("describe hpa rm")
            r"\b(delete|remove|kill|destroy|erase|terminate|get rid of|evict|wipe|nuke|purge|clean ?up|drop)\b"
            r"|(?:^|[,;.]\s*|\b(?:then|and|please|pls)\s+)rm\b",
            h_delete,
        ),
        (
            "describe",
            r"\bdescribe\b|(?<!more )(?<!with )(?<!additional )\bdetails?\b|\bdetailed\b|\binspect\b|tell me (more )?about|what('?s| is) wrong|\bbroken\b|\bunhealthy\b|not working|"
            r"why is",
            h_describe,
        ),
        # "any warnings in shop?", "errors in qa today": the namespace's Warning events
        ("events", r"(?<!with )(?<!having )(?<!have )(?<!has )\b(?:warnings|errors)\b", h_events),
        ("get", NAMESPACE_EXISTS, h_namespace_exists),
        (
            "get",
            # (a verb inside a name is no verb: "log-watch-0")
            r"(?<![\w-])(get|list|show|display|print|view|see|fetch|find|which|what|whats|check|watch|are there|how many|"
            r"give me|all|ls|enumerate|output)(?![\w-])|\bimages running\b",
            h_get,
        ),
    ]
    if (
        re.search(r"^(update|set|change|give)\b", low)
        and re.search(r"(?<![\w-])[A-Z][A-Z0-9_]*=\S", req.text)
        and not re.search(r"label|annotat|taint|image", low)
    ):
        return "set env", h_set_env, 0.9
    removed = re.search(
        r"\b(?:delete|remove|drop|kill|destroy|evict|purge)\s+(?:(?:all|the|every|any)\s+)*([a-z]+)", low
    )
    removes_objects = bool(removed and req.table.get(removed.group(1)))
    for name, pattern, handler in table:
        if name in ("label", "annotate") and removes_objects:
            continue  # "remove all pods with label x=y": the pods go, the label is how they are chosen
        if (
            name in ("label", "annotate")
            and selector_use
            and not re.search(r"\b(add|put|set|update|change|remove|drop|overwrite)\b", low)
        ):
            continue
        if (
            name == "label"
            and re.search(r"\b(show|display|print|list|get)\b[^.]*\blabels?\b", low)
            and not re.search(r"\b(add|update|change|remove|set)\b", low)
        ):
            continue
        if name == "taint" and re.search(
            r"\b(view|show|list|display|existing|see|get|print)\b[^.]*\btaints\b|^(?:is|are|was|were)\b[^.]*\btainted\b",
            low,
        ):
            continue  # "is node n1 tainted?" asks about the node
        if name == "set resources" and re.search(r"\bquota|\b(?:create|new|make)\b", low):
            continue  # "a new quota with hard limits: 2 cpu": the hard limits of a quota being made
        if name == "scale" and re.search(r"^(create|make|run|start|launch|deploy|new|generate)\b", low):
            continue
        if name == "rollout" and re.search(
            r"sort(ed)? by restart|\bby restart|restart count|\brestarts? (?:the )?most\b|\bmost restarts\b",
            low,
        ):
            continue
        if (
            name == "rollout"
            and re.search(r"^(create|make|run|start)\b", low)
            and not re.search(r"(?<![-=])\brestart\b(?!=)", low)  # "--restart=Never" is a flag
        ):
            continue
        if name == "create" and re.search(r"\bservice for\b", low):
            return "expose", h_expose, 0.9
        if has(pattern):
            req.cues = pattern
            return name, handler, 0.9
    if resources(req):
        return "get", h_get, 0.6
    if re.match(r"(?:is|are|was|has|did|does)\b", low) and re.search(POD_STATE, low) and name_like_token(req):
        return "get", h_pod_state, 0.8
    if re.match(r"(?:is|are|was|has)\b", low) and re.search(NODE_STATE, low) and name_like_token(req):
        return "get", h_node_state, 0.8
    return "none", None, 0.0
