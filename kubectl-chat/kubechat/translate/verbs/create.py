"""create: the kinds kubectl makes from flags (deployment, namespace, configmap, secret, job,
cronjob, role, binding, quota, service, ingress, priority class, token, service account)."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import (
    command_after,
    common,
    dry_run,
    image_of,
    images,
    kv_from_words,
    number_after,
    resources,
    selector,
)
from ..reading import KV, Clarify, Q, Req, V, is_keyword, is_name, namespace, ns_match
from ..text import clean
from .expose import h_expose
from .run import h_run

CREATE_KINDS = [
    ("ingress", r"\bingress\b"),
    ("token", r"\btoken\b"),
    ("secret generic", r"\bsecret\b"),
    ("serviceaccount", r"\bservice ?accounts?\b"),
    ("clusterrolebinding", r"cluster ?role ?binding"),
    ("rolebinding", r"\brole ?binding"),
    ("clusterrole", r"cluster ?role"),
    ("role", r"\brole\b"),
    ("configmap", r"config ?maps?\b|\bcm\b"),
    ("cronjob", r"cron ?jobs?\b"),
    ("job", r"\bjobs?\b"),
    ("quota", r"\b(resource ?quota|quota)\b"),
    ("poddisruptionbudget", r"disruption budget|\bpdb\b"),
    ("priorityclass", r"priority ?class"),
    ("service", r"\bservice\b|\bsvc\b"),
    ("namespace", r"\bnamespace\b|\bns\b"),
    ("deployment", r"\bdeployments?\b|\bdeploy\b|single instance|instances? of"),
]


# a cron job run once by hand: "kick off the x cronjob", "trigger cronjob x"
KICK_OFF = r"\b(?:kick(?:s|ed)? off|trigger|fire off)\b"


def _create_kind(req: Req) -> str | None:
    """The kind named first after the verb ('create a deployment … in namespace x' is a deployment);
    the kind right after "create"/"need" wins over a source named before it ("… cronjob x, create a
    job from it")."""
    if req.has(rf"{KICK_OFF}[^.]*\bcron ?job\b"):
        return "job"  # a cron job run once by hand is a job made from it
    if req.has(r"^bind\b|\bbind (?:the )?(?:cluster ?)?role\b|^(?:give|grant)\b[^.]*\b(?:cluster ?)?role\b"):
        return "clusterrolebinding" if req.has(r"cluster ?role ?binding|cluster[- ]wide") else "rolebinding"
    for after in re.finditer(
        rf"\b(?:create|make|add|generate|{_NEEDS})\s+(?:(?:a|an|the|new|one)\s+)*(?=(.*))", req.low
    ):
        for k, p in CREATE_KINDS:
            if re.match(rf"(?:generic\s+)?(?:{p})", after.group(1)):
                return k
    place = ns_match(req)
    best = None
    for k, p in CREATE_KINDS:
        for m in re.finditer(p, req.low):
            if place is not None and place.end <= m.start() < place.cue_end:
                continue  # "the shop namespace needs …": the place, not the kind made
            if best is None or (m.start(), -(m.end() - m.start())) < (best[0], -best[1]):
                best = (m.start(), m.end() - m.start(), k)
            break
    return best[2] if best else None


# "wants a quota", "requires a role": what a place or an object is to get
_NEEDS = r"needs?|wants?|requires?|is missing|lacks?|should (?:have|get)|must (?:have|get)"
_CLUSTER_KINDS = ("namespace", "clusterrole", "clusterrolebinding", "priorityclass")


def _subject_place(req: Req, name: str) -> str | None:
    """'shop wants an account x, make it': the place a request opens with as the subject
    that needs the new object (never the new object's own name, never a type)."""
    m = re.match(
        rf"(?:the\s+)?([a-z0-9][-a-z0-9]*)\s+(?:namespace\s+|ns\s+)?(?:{_NEEDS})\s+"
        r"(?:a|an|another|its own|one|some|the)\b",
        req.low,
    )
    if m is None:
        return None
    v = req.text[m.start(1) : m.end(1)]
    if v != m.group(1) or v == name or not is_name(v) or req.table.get(v) or is_keyword(v):
        return None
    return v


def _participle_of(req: Req, m: re.Match) -> bool:
    """'a token made for …', 'a secret used by …': a participle after the kind describes the new
    object; it does not name it."""
    v = m.group(1)
    return (
        v.isalpha()
        and (v.lower().endswith("ed") or v.lower() in ("bound", "built", "made", "held", "kept", "meant"))
        and re.match(r"\s+(?:to|by|for|with|from|on|in|of|at)\b", req.text[m.end(1) :], re.I) is not None
    )


def _listed_subject(req: Req, it: Intent, said: str) -> None:
    """One subject of a binding's list ("ann", "group ops", "service account tools:robot")."""
    m = re.match(r"(?:the\s+)?(group|user|service ?account|sa)\s+(\S+)$", said, re.I)
    # a bare name that says what it is ("group1") is that kind of subject
    kind, value = (
        (m.group(1).lower(), m.group(2)) if m else ("group" if said.startswith("group") else "user", said)
    )
    if kind == "group" or kind == "user":
        it.set_flag(kind, value, append=True)
        return
    if ":" not in value:
        place = namespace(req)
        if not place:
            raise Clarify("Which namespace is that service account in?")
        value = f"{place}:{value}"
    it.set_flag("serviceaccount", value, append=True)


def _create_name(req: Req, words: str) -> str | None:
    m = req.find(rf"\b(?:named|called|name)\s+({V})")
    if m and is_name(clean(m.group(1))):
        return clean(m.group(1))
    # "call the job run-2", "name it x", "as job run-2": the new object's name after its kind
    m = req.find(rf"\b(?:call|name)\s+(?:it|the\s+(?:new\s+)?(?:{words}))\s+({V})") or req.find(
        rf"\bas\s+(?:the\s+|a\s+)?(?:new\s+)?(?:{words})\s+({V})"
    )
    if m and is_name(clean(m.group(1))) and not is_keyword(clean(m.group(1))):
        return clean(m.group(1))
    m = req.find(rf"(?:{words})s?:?\s+(?:tls\s+|generic\s+|docker-registry\s+)?({V})")
    if m and is_name(clean(m.group(1))) and not is_keyword(clean(m.group(1))) and not _participle_of(req, m):
        return clean(m.group(1))
    m = req.find(rf"(?:for|as)\s+(?:the\s+)?(?:service account\s+)?({Q})")
    if m and is_name(clean(m.group(1))):
        return clean(m.group(1))
    for m in re.finditer(Q, req.text):
        v = clean(m.group(0))
        if is_name(v):
            return v
    return None


def _binding_subjects(req: Req, it: Intent, name: str | None) -> str | None:
    """Who a binding is for ("to user ann", "to service account robot in tools", --user=…) and its
    own name ("call the binding x"); a missing one is asked for, never taken from the role."""
    sa = req.find(rf"\b(?:service[ -]?account|sa)\s+({V})") or req.find(rf"\b({V})\s+service[ -]?account\b")
    user = req.find(rf"\b(?:to|for|give|grant)\s+(?:the\s+)?user\s+({V})") or req.find(r"--user=(\S+)")
    group = req.find(rf"\b(?:to|for|give|grant)\s+(?:the\s+)?group\s+({V})") or req.find(r"--group=(\S+)")
    flag_sa = req.value(r"--serviceaccount=(\S+:\S+)")
    if flag_sa:
        it.set_flag("serviceaccount", flag_sa)
    elif sa and ":" in clean(sa.group(1)):
        # "service account tools:robot" already says the account's namespace
        it.set_flag("serviceaccount", clean(sa.group(1)))
    elif sa:
        # "service account robot in tools", "sa robot (tools ns)"
        m = req.find(
            rf"\b(?:service[ -]?account|sa)\s+{V}\s+(?:(?:in|from|of)\s+(?:the\s+)?(?:namespace\s+)?({V})"
            rf"|\(\s*({V})\s+(?:ns|namespace)\s*\))"
        )
        sa_ns = clean(m.group(1) or m.group(2)) if m else None
        sa_ns = sa_ns or namespace(req)
        if not sa_ns:
            raise Clarify("Which namespace is that service account in?")
        it.set_flag("serviceaccount", f"{sa_ns}:{clean(sa.group(1))}")
    if user:
        it.set_flag("user", clean(user.group(1)))
    if group:
        it.set_flag("group", clean(group.group(1)))
    if not (sa or user or group or flag_sa):
        return name  # a binding without subjects yet: kubectl takes it, named after its role
    m = req.find(rf"\bcall(?:ed)?\s+(?:the\s+)?(?:(?:cluster ?)?role ?binding\s+|binding\s+|it\s+)?({V})")
    if not name and m and is_name(clean(m.group(1))):
        name = clean(m.group(1))
    if not name:
        raise Clarify("What should the new role binding be called?")
    return name


def h_create(req: Req) -> Intent:
    kind = _create_kind(req)
    if kind is None:
        if req.has(r"\bpods?\b"):
            return h_run(req)
        rms = resources(req)
        raise Clarify(
            f"Creating {rms[0].type.plural} needs a manifest; which kind should I create (deployment, "
            "namespace, configmap, secret, job, cronjob, service account)?"
            if rms
            else "What should I create (deployment, namespace, configmap, secret, job, cronjob, service account)?"
        )
    if (
        kind == "service"
        and req.has(r"\b(for|expose)\b")
        and not req.has(r"clusterip|nodeport|loadbalancer|headless")
    ):
        return h_expose(req)
    words = CREATE_KINDS[[k for k, _ in CREATE_KINDS].index(kind)][1]
    words = words.replace(r"\b", "").replace("(?:", "(").replace("(", "(?:")  # no groups of its own
    it = Intent(verb=f"create {kind}")
    name = _create_name(req, words)
    if kind == "deployment":
        imgs = images(req)
        m = req.find(rf"(?:instance|instances) of\s+({V})") or req.find(
            r"\b(?:image\s+(?:is|=|:)|using|from)\s+([\w./-]+:[\w.-]+)"  # "using redis:7", "image is x:1.2"
        )
        if not imgs and m:
            imgs = [clean(m.group(1))]
        if not imgs:
            raise Clarify("Which container image should the deployment run?")
        name = name if name and name not in imgs else (name or image_of(imgs[0]))
        for img in imgs:
            it.set_flag("image", img, append=True)
        n = number_after(req, r"") if False else None
        m = (
            req.find(r"(\d+)\s+replicas")
            or req.find(r"replicas\s*(?:=|of|to)?\s*(\d+)")
            # "…, image x:1.0, 3": a bare count closing the request is how many
            or req.find(r",\s*(\d+)\s*(?:copies|instances|pods)?\s*[.!]*\s*$")
        )
        if m:
            it.set_flag("replicas", m.group(1))
        p = number_after(req, r"\bport")
        if p:
            it.set_flag("port", p)
        cmd = command_after(req)
        if cmd:
            it.command = cmd
        del n
    elif kind == "secret generic" and req.has(r"\btls\b"):
        it.verb = "create secret tls"
        cert = req.value(rf"(?:--)?cert(?:ificate)?(?:=|\s+)(?:file\s+)?({V})")
        key = req.value(rf"(?:--)?key(?:=|\s+)(?:file\s+)?({V})")
        if not cert or not key:
            raise Clarify("Which certificate and key files should the TLS secret use?")
        it.set_flag("cert", cert)
        it.set_flag("key", key)
    elif kind in ("configmap", "secret generic") and req.has(r"from[- ](?:the |an? )?(?:env[- ])?file\b"):
        for m in req.findall(rf"from[- ](?:the |an? )?(env[- ])?file(?:=|\s+)(?:named\s+|called\s+)?({V})"):
            it.set_flag("from-env-file" if m.group(1) else "from-file", clean(m.group(2)), append=True)
        if not it.flags:
            raise Clarify("Which file should it be made from?")
    elif kind in ("configmap", "secret generic"):
        lits = kv_from_words(req, "key")
        if not lits:
            raise Clarify("Which key=value pairs should it hold?")
        for kv in lits:
            it.set_flag("from-literal", kv, append=True)
        if name and any(kv.startswith(name + "=") for kv in lits):
            name = None
        if kind == "secret generic" and req.has(r"\btls\b"):
            it.verb = "create secret tls"
    elif kind in ("job", "cronjob"):
        m = (
            req.find(rf"from (?:a |the )?cron ?job (?:named |called )?({V})")
            or req.find(r"--from=cron ?job/([\w.-]+)")
            or req.find(rf"from (?:the )?({V}) cron ?job\b")
            or req.find(rf"{KICK_OFF}\s+(?:the\s+)?cron ?job\s+({V})")
            or (
                req.find(rf"\b(?:the\s+)?({V})\s+cron ?job\b")
                if req.has(rf"\bfrom (?:it|that|this)\b|\bby hand\b|\bmanually\b|{KICK_OFF}")
                else None
            )
        )
        if m and kind == "job" and is_name(clean(m.group(1))) and not is_keyword(clean(m.group(1))):
            it.set_flag("from", f"cronjob/{clean(m.group(1))}")
            if name == clean(m.group(1)):
                name = None  # that names the cron job; the new job needs its own name
        else:
            imgs = [clean(m.group(1)) for m in req.findall(r"--image=(\S+)")] or images(req)
            if not imgs:
                raise Clarify(f"Which image should the {kind} run?")
            it.set_flag("image", imgs[0])
            if name in imgs:
                name = None
            if kind == "cronjob":
                it.set_flag("schedule", _schedule(req))
            cmd = command_after(req)
            if cmd:
                it.command = cmd
    elif kind in ("role", "clusterrole"):
        m = re.search(
            r"\b(perform|allow(?:s|ing)?|verbs?|permit(?:s|ting)?|grant(?:s|ing)?|can|able to"
            r"|with(?=\s+(?:get|list|watch|create|update|patch|delete)\s*[/,]))\b(.*)",
            req.text.lower(),
        )
        # the verbs of the clause that grants them: a later sentence ("then create it in x") is no right
        # nor what it must not do ("get pods but not delete them")
        seg = (
            re.split(r"[.;!?](?:\s|$)|\bthen\b|\b(?:but|except|not|never|without|no)\b|n't\b", m.group(2))[0]
            if m
            else ""
        )
        verbs = re.findall(r"\b(get|list|watch|create|update|patch|delete|deletecollection)\b", seg)
        rms = [r for r in resources(req) if r.type.plural not in ("roles", "clusterroles")]
        if m:
            # the resources of that same clause ("get pods but not delete secrets" grants pods only)
            end = m.start(2) + len(seg)
            rms = [r for r in rms if r.start < end]
        flag_res = req.value(r"--resources?=(\S+)")
        if flag_res:
            it.set_flag("verb", ",".join(dict.fromkeys(verbs)))
            it.set_flag("resource", flag_res)
            verbs, rms = [], []
        elif not verbs or not rms:
            raise Clarify("Which verbs on which resources should the role allow?")
        if verbs:
            it.set_flag("verb", ",".join(dict.fromkeys(verbs)))
            it.set_flag("resource", ",".join(r.type.plural for r in rms))
    elif kind in ("rolebinding", "clusterrolebinding"):
        m = req.find(
            rf"(?:using|with|to|bind)\s+(?:the\s+)?({V})\s+(cluster ?role|role)\b(?!\s*binding)"
        ) or req.find(
            rf"(?:^|[:;,]\s*)(?:give|grant)\b.*?\bthe\s+({V})\s+(cluster ?role|role)\b(?!\s*binding)"
        )  # "give user ann the view clusterrole"
        role, rkind = (clean(m.group(1)), m.group(2)) if m else (None, "")
        m = req.find(
            rf"\b(?:binds?|binding|grants?|granting|giving|gives|using|with|to)\s+(?:the\s+)?(cluster ?role|role)\s+({V})"
        ) or req.find(r"--(cluster ?role|role)=(\S+)")
        if m and not role:
            role, rkind = clean(m.group(2)), m.group(1)
        if not role or not is_name(role) or role.lower() in ("binding", "that", "to", "the"):
            raise Clarify("Which role should the binding grant?")
        it.set_flag("clusterrole" if "cluster" in rkind.lower() else "role", role)
        m = req.find(r"\bfor\s+(.*?)\s+using")
        subjects = re.split(r"\s*(?:,\s*(?:and\s+)?|\band\b)\s*", m.group(1)) if m else []
        if subjects:
            # "… for ann, bob and group ops using role x": the old, listed form
            name = name if name and name != role else role
            for s in subjects:
                _listed_subject(req, it, clean(s))
        else:
            name = _binding_subjects(req, it, name if name != role else None) or role
    elif kind == "poddisruptionbudget":
        # "for app=x, min available 2": the pods it covers and how many must stay up (or may go)
        sel = selector(req) or req.value(rf"\bfor\s+(?:the\s+)?(?:pods\s+)?({KV})")
        if not sel:
            raise Clarify("Which pods should the budget cover (a label selector such as app=web)?")
        it.selector = sel.replace(" ", "")
        for flag, said in (("min-available", r"min(?:imum)?"), ("max-unavailable", r"max(?:imum)?")):
            m = req.find(rf"\b{said}[- ]?(?:un)?available\s*(?:of\s+|=\s*|:\s*|to\s+)?(\d+%?)")
            if m and (flag == "max-unavailable") == bool(re.search(r"unavailable", m.group(0), re.I)):
                it.set_flag(flag, m.group(1))
        if not it.has_flag("min-available") and not it.has_flag("max-unavailable"):
            raise Clarify(
                "How many pods must stay available (min available) or may be down (max unavailable)?"
            )
    elif kind == "quota":
        hard = [h for m in req.findall(r"--hard=(\S+)") for h in clean(m.group(1)).split(",") if h]
        quota_key = r"(?:(?:requests|limits)\.)?(?:cpu|memory|storage|ephemeral-storage)|pods|services|secrets|configmaps|persistentvolumeclaims|replicationcontrollers|resourcequotas|count/[\w.]+|services\.\w+|requests\.storage"
        if not hard:
            hard = [
                f"{k}={v}"
                for k, v in re.findall(rf"(?<![\w.=-])({quota_key})\s*=\s*(\d[\w.]*)", req.text, re.I)
            ]
        for num, what in (
            []
            if hard
            else re.findall(r"(\d+\w*)\s+(cpus?|memory|pods|services|secrets|configmaps)\b", req.text, re.I)
        ):
            w = what.lower().rstrip("s") if what.lower().startswith("cpu") else what.lower()
            hard.append(f"{w}={num}")
        if not hard:
            raise Clarify("Which limits should the quota set (e.g. pods=10, cpu=4, memory=8Gi)?")
        it.set_flag("hard", ",".join(hard))
        if req.has(r"without creating|dry"):
            dry_run(req, it)
    elif kind == "service":
        stype = (
            "nodeport"
            if req.has(r"node ?port")
            else "loadbalancer"
            if req.has(r"load ?balancer")
            else "clusterip"
        )
        if req.has(r"external ?name"):
            raise Clarify("Which external DNS name should the ExternalName service point to?")
        it.verb = f"create service {stype}"
        if req.has(r"headless"):
            it.set_flag("clusterip", "None")
        m = req.find(r"(\d+):(\d+)") or req.find(r"port\s+(\d+)")
        if m and not req.has(r"headless"):
            it.set_flag("tcp", m.group(0) if ":" in m.group(0) else f"{m.group(1)}:{m.group(1)}")
        elif not req.has(r"headless"):
            raise Clarify("Which port should the service expose (e.g. 80:8080)?")  # kubectl needs one
    elif kind == "ingress":
        m = req.find(r"(?:requests to|from)\s+(\S+?)\s+to\s+(?:svc|service)\s+(\S+)")
        if m:
            rule = f"{m.group(1)}={m.group(2)}"
            tls = req.value(rf"tls secret\s+({V})")
            if tls:
                rule += f",tls={tls}"
            it.set_flag("rule", rule)
    elif kind == "priorityclass":
        n = number_after(req, r"value(?: of)?")
        if not n:
            raise Clarify("What priority value should the class have (e.g. 1000)?")
        it.set_flag("value", n)
    if kind == "token" and not name:
        # a token is made for one account: that account is the command's argument
        m = req.find(rf"\b(?:service ?account|sa)\s+(?:named\s+|called\s+)?({V})") or req.find(
            rf"\b({V})\s+(?:service ?account|sa)\b"
        )
        if m and is_name(clean(m.group(1))) and not is_keyword(clean(m.group(1))):
            name = clean(m.group(1))
    if not name:
        raise Clarify(f"What should the new {kind.split()[-1]} be called?")
    it.names = [name]
    common(req, it, allns=False, sel=False)
    if not it.namespace and kind not in _CLUSTER_KINDS:
        it.namespace = _subject_place(req, name)
    if it.output and not re.search(rf"(?<![\w./-]){it.output}\b", req.low):
        it.output = None  # "--from-file=app.yaml" names a file, it asks for no output format
    dry_run(req, it)
    return it


def _schedule(req: Req) -> str:
    m = (
        req.find(r"""schedule(?:=|\s+(?:of\s+)?)(['"][^'"]+['"])""")
        or req.find(r"""(['"][\d*/,-]+(?: [\d*/,-]+){4}['"])""")
        # five bare cron fields ("*/15 * * * *", "0 3 * * 1-5"): each field digits, * , / -
        or req.find(r"(?<!\S)((?:[\d*][\d*/,-]*\s+){4}[\d*][\d*/,-]*)(?!\S)")
    )
    if m:
        return clean(m.group(1))
    m = req.find(r"every\s+(\d+)\s+minutes?")
    if m:
        return f"*/{m.group(1)} * * * *"
    if req.has(r"every minute"):
        return "*/1 * * * *"
    m = req.find(r"every\s+(\d+)\s+hours?")
    if m:
        return f"0 */{m.group(1)} * * *"
    if req.has(r"every hour|hourly"):
        return "0 * * * *"
    if req.has(r"every day|daily|every night|nightly|midnight"):
        return "0 0 * * *"
    raise Clarify('On what schedule should the cron job run (e.g. "every 5 minutes")?')
