"""exec: a command or a shell in a pod."""

from __future__ import annotations

from ...intent import Intent
from ..readers import common, container_name, resources, target
from ..reading import Clarify, Q, Req
from ..text import clean

# Commands people run inside a container by name ("ls /srv inside pod x"): a request that opens
# with one of them and says the pod is an exec.
SHELL_COMMANDS = (
    r"ls|cat|env|printenv|ps|df|du|curl|wget|nslookup|dig|ping|whoami|id|date|hostname|uname|echo|"
    r"head|tail|grep|find|mount|netstat|ss|free|nc|telnet|java|python3?|node|psql|mysql|redis-cli"
)


def _command_words(req: Req) -> list[str] | None:
    m = (
        req.find(rf"(?:running|run|execute|exec|executing)\s+(?:the\s+)?({Q})\s+command")
        or req.find(rf"command\s+({Q})")
        or req.find(rf"(?:run|running|execute|exec)\s+({Q})")
        or req.find(r"(?:^|\s)--\s+(.+)$")
        or req.find(r"\b(?:and|then)\s+(?:run|execute)\s+(.+)$")
        or req.find(r"\bthe\s+([\w./-]+)\s+command\b")
        or req.find(r"^(?:run|execute)\s+(.+?)\s+(?:in|inside)\s+(?:the\s+)?(?:container|pod)\s")
        or req.find(rf"^((?:{SHELL_COMMANDS})\s.*?)\s+(?:in|inside|on)\s+(?:the\s+)?(?:pod|container)\b")
    )
    if m:
        import shlex

        try:
            return shlex.split(clean(m.group(1)))
        except ValueError:
            return clean(m.group(1)).split()
    return None


def h_exec(req: Req) -> Intent:
    rms = resources(req)
    it = Intent(verb="exec")
    kind, name = target(req, rms)
    if not name:
        raise Clarify("Run it in which pod? Give the pod's name.")
    it.names = [name]
    if kind:
        it.resource, it.slash = {"service": "svc", "deployment": "deploy"}.get(kind, kind), True
    c = container_name(req, name)
    if c and c != name:
        it.set_flag("container", c)
    cmd = _command_words(req)
    shell = req.has(r"(?<![\w-])(shell|bash|sh|terminal|interactive|ssh)(?![\w-])")  # not "web-sh"
    if shell:
        it.set_flag("stdin")
        it.set_flag("tty")
    if not cmd:
        if not shell:
            raise Clarify("Which command should I run in the pod?")
        cmd = ["/bin/bash"] if req.has(r"(?<![\w-])bash(?![\w-])") else ["sh"]
    it.command = cmd
    common(req, it, allns=False, sel=False, out=False)
    return it
