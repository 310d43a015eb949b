"""run: a single pod from an image."""

from __future__ import annotations

import re

from ...intent import Intent
from ..readers import command_after, common, dry_run, image_of, images, kv_pairs, number_after
from ..reading import Clarify, Req, V, is_keyword, is_name
from ..text import clean


def h_run(req: Req) -> Intent:
    imgs = images(req)
    m = req.find(
        rf"\b(?:start|run|launch|create|spin up)\s+(?:a\s+|an\s+|one\s+)?(?:single instance of\s+)?(?:an?\s+)?({V})\s+pod\b"
    )
    pod_word = clean(m.group(1)) if m else None
    name = None
    m2 = req.find(rf"\b(?:named|called|name)\s+({V})")
    if m2 and is_name(clean(m2.group(1))):
        name = clean(m2.group(1))
    m3 = req.find(rf"\bpod\s+({V})")
    if not name and m3 and is_name(clean(m3.group(1))) and not is_keyword(clean(m3.group(1))):
        name = clean(m3.group(1))  # "run a pod scratch with image …": the type, then its name
    if not imgs:
        # "start a redis pod" names the pod; which image (and registry) it runs is not said
        raise Clarify("Which container image should the pod run?")
    img = imgs[0]
    if not name:
        name = pod_word if pod_word and is_name(pod_word) and pod_word != img else image_of(img)
    full = next((i for i in imgs if "/" in i), None)
    img = full or img
    it = Intent(verb="run", names=[name])
    it.set_flag("image", img)
    p = number_after(req, r"\bport")
    if p:
        it.set_flag("port", p)
    for e in re.findall(r"""["']?([A-Z_][A-Z0-9_]*=[^\s"',]+)["']?""", req.text):
        it.set_flag("env", e, append=True)
    if req.has(r"\blabel(?:s|led|ed)?\b"):
        labs = [kv for kv in kv_pairs(req) if not re.match(r"^[A-Z_][A-Z0-9_]*=", kv)]
        if labs:
            it.set_flag("labels", ",".join(labs))
    # words inside a name ("shell-svc", "a0-it") ask for nothing
    fg = req.has(r"(?<![\w-])(?:foreground|interactive(?:ly)?|shell|attach|-it)(?![\w-])")
    cmd = command_after(req)
    if fg or (cmd and req.has(r"\bthen exits?\b")):
        it.set_flag("stdin")
        it.set_flag("tty")
    if req.has(
        r"don'?t restart|do not restart|never restart|restart=never|\bcreate a\b.*\bpod\b|then exits?|"
        r"\bnot (be )?restart"
    ):
        it.set_flag("restart", "Never")
    if req.has(r"\b(rm|remove it|delete it|temporary|clean up|cleanup) (after|when|once)|--rm\b"):
        it.set_flag("rm")
    if req.has(r"\bexpose (its|the|it)") and p:
        it.set_flag("expose")
    if cmd:
        it.command = cmd
    common(req, it, allns=False, sel=False)
    dry_run(req, it)
    return it
