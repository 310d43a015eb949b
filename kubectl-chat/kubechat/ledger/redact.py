"""Remove secrets from what gets stored: argv values, the plain-language request, kept output.

Runs before signing, so no secret ever reaches the spool, the collector or a SIEM. The redaction
is visible (`***REDACTED***`) so an auditor knows a value was given without learning it.

The argv is read with the safety layer's kubectl parser, so the subcommand and flag values are the
ones kubectl sees (`create -n prod secret …` is still `create secret`), never guessed from word
positions. What follows `--` is another program's command line (`exec … -- mysql -p…`); it is
scrubbed with the password flags of common clients, secret-named `KEY=value` words and URL
credentials.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from ..safety.command import Command, ParseError, interpretations
from ..safety.effects import Effect, effects

MASK = "***REDACTED***"

# Flags whose value is always a secret, wherever they appear.
_SECRET_FLAGS = {
    "--token",
    "--password",
    "--pass",
    "--docker-password",
    "--client-secret",
    "--client-key-data",
    "--secret",
}
# Any flag whose name contains one of these words is treated as secret too.
_SECRET_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "token",
    "secret",
    "apikey",
    "api-key",
    "private-key",
    "credential",
    "creds",
    "pass",
    "bearer",
)
# Unambiguous prefixes of --password that option parsers in the mysql family accept (`--pas`,
# `--passw`; the longer ones contain "pass" above).
_PASSWORD_PREFIX_MIN = 3
# kubectl flags whose values are documents (JSON/YAML): read as text for secret-named fields and
# environment entries (`{"name": "DB_PASS", "value": "…"}`).
_DOCUMENT_FLAGS = {"--patch", "--overrides"}
# kubectl flags whose values are KEY=VALUE items; a secret-named KEY hides its VALUE.
_KV_FLAGS = {"--from-literal", "--auth-provider-arg", "--exec-env", "--env", "--set"}
# Words of a name (split at non-alphanumerics and camelCase) that mark its value as secret:
# DB_PASSWORD, apiToken, client-secret, AWS_SECRET_ACCESS_KEY, STRIPE_KEY, AUTH, PGPASS.
_NAME_WORDS_CONTAINING = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "apikey",
    "privatekey",
)
# sk: secret keys (STRIPE_SK, AWS_SK); pat: personal access tokens (GITHUB_PAT); psk: pre-shared keys.
_NAME_WORDS_EXACT = {
    "pass",
    "pgpass",
    "pwd",
    "pw",
    "key",
    "auth",
    "creds",
    "dsn",
    "sas",
    "jwt",
    "sk",
    "pat",
    "psk",
    "passcode",
    "otp",
    "hmac",
    "cookie",
}
# URL userinfo anywhere: `scheme://user:pass@` keeps the user, `scheme://token@` hides it all.
# The lookbehind starts a scheme only at the beginning of a word: linear time on long output.
_URL_USERINFO = re.compile(r"(?<![a-z0-9+.-])(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<info>[^/@\s]+)@", re.I)
# `NAME=value`, `NAME: value`, `"name": "value"` where NAME is secret-named (checked in code).
_NAMED_VALUE = re.compile(
    r"(?<![\w.-])(?P<key>[A-Za-z_][\w.-]*)(?P<sep>[\"']?\s*[=:]\s*[\"']?)(?P<val>[^\s,;'\"&}]+)"
)
# Free text: "password hunter2", "token is abc", "set the db password to X", "Bearer abc".
_SPOKEN_SECRET = re.compile(
    r"\b(?P<key>pass(?:word|wd|phrase)?|pwd|token|api[-_ ]?key|bearer)"
    r"(?P<sep>\s+(?:(?:is|to|as|becomes|should\s+be|will\s+be)\s+)?)"
    r"(?P<val>[^\s,;'\"]+)",
    re.I,
)
# HTTP credentials in a header, whatever the scheme: `Authorization: Basic …`, `Bearer …`,
# `Authorization:Bearer …`. A scheme word is never the value itself.
_AUTH_SCHEMES = r"(?:basic|bearer|digest|token|negotiate|apikey)"
_AUTH_HEADER = re.compile(
    r"(?P<key>\b(?:proxy-)?authorization\b|\bx-api-key\b)(?P<sep>\s*[:=]\s*)"
    rf"(?P<scheme>{_AUTH_SCHEMES}(?:\s+|$))?(?P<val>(?!{_AUTH_SCHEMES}\b)[^\s'\",;]+)",
    re.I,
)
# A word that ends where a credential's value should start, so the value is the next word of
# the command line: `-H Authorization:Bearer TOKEN`, `Authorization: TOKEN`, `Bearer TOKEN`.
_AUTH_HEAD_ONLY = re.compile(
    rf"^(?:(?:proxy-)?authorization\s*[:=]\s*{_AUTH_SCHEMES}?|x-api-key\s*[:=]|bearer|basic)$", re.I
)
# A quoted secret after its keyword, as SQL and config languages write it: `PASSWORD 'x'`,
# `PASSWORD E'x'` (Postgres escape string), `PASSWORD $$x$$`, `IDENTIFIED BY "x"`,
# `IDENTIFIED WITH plugin BY 'x'` (or `AS 'hash'`), `SET PASSWORD FOR 'u'@'%' = 'x'`,
# `PASSWORD('x')`, backquotes, `secret: 'x'`. Quotes inside the value (`''`, `\'`) do not end it.
_SQL_STRING = (
    r"(?:[EeNnBbXx]|[Uu]&)?(?P<q>['\"`])(?P<val>(?:\\.|(?!(?P=q)).|(?P=q)(?P=q))*)(?P=q)"
    r"|(?P<dq>\$[A-Za-z_]*\$)(?P<dval>.*?)(?P=dq)"
)
_QUOTED_SECRET = re.compile(
    r"\b(?P<key>set\s+password\s+for\s+[^=]{1,200}?|identified\s+(?:with\s+\S+\s+)?(?:by|as)"
    r"|pass(?:word|wd|phrase)?|pwd|secret|token|api[-_ ]?key)"
    rf"(?P<sep>\s*[:=(]\s*|\s+)(?:{_SQL_STRING})",
    re.I | re.S,
)
# A container's environment entry in a patch or manifest: `{"name": "DB_PASS", "value": "x"}`
# (either order); the value is secret when the name is.
_ENV_ENTRY = re.compile(
    r"\{[^{}]*?[\"']name[\"']\s*:\s*[\"'](?P<name>[^\"']+)[\"'][^{}]*?[\"']value[\"']\s*:\s*[\"'](?P<val>(?:\\.|[^\"'\\])*)"
    r"|\{[^{}]*?[\"']value[\"']\s*:\s*[\"'](?P<val2>(?:\\.|[^\"'\\])*)[\"'][^{}]*?[\"']name[\"']\s*:\s*[\"'](?P<name2>[^\"']+)",
)
# A login call in a shell's script: `db.auth('user', 'password')` (mongo), `auth("u","p")`.
_AUTH_CALL = re.compile(
    r"\bauth\s*\(\s*(?P<uq>['\"])(?:(?!(?P=uq)).)*(?P=uq)\s*,\s*(?P<q>['\"])(?P<val>(?:\\.|(?!(?P=q)).)*)(?P=q)",
    re.I,
)
_NOT_A_VALUE = {"for", "to", "in", "named", "called", "from", "the", "a", "an", "of", "with", "and", "is"}


@dataclass(frozen=True)
class Client:
    """Where a client program run through `kubectl exec … --` takes a password on its command line.

    attached: options whose value is glued on (`-pSECRET`); separate: options whose value is the
    next word (`-p SECRET`); after: a subcommand or option word (matched case-insensitively) →
    from which plain word after it on the words are secrets (1: the next one on; 0: every word
    after it); after_letter: a short-option cluster holding the letter (`-nb`, `-bc`) → the same,
    one word fewer for each letter of `skip` in the cluster (htpasswd's `-n` takes no file);
    login: the first plain word is `user/password@connect`."""

    attached: tuple[str, ...] = ()
    separate: tuple[str, ...] = ()
    after: dict[str, int] = field(default_factory=dict)
    after_letter: tuple[str, int, str] | None = None  # (letter, plain words ahead, skip letters)
    login: bool = False

    def step(self, word: str) -> int | None:
        """How many plain words ahead the secrets start when `word` announces them; None if not."""
        step = self.after.get(word.lower())
        if step is not None or self.after_letter is None:
            return step
        letter, ahead, skip = self.after_letter
        if re.fullmatch(r"-[A-Za-z]+", word) and letter in word:
            return ahead - sum(c in word for c in skip)
        return None


_MYSQL = Client(attached=("-p",))  # `-p secret` prompts and takes `secret` as the database
_MONGO = Client(attached=("-p",), separate=("-p",))
_LDAP = Client(attached=("-w",), separate=("-w",))
_ORACLE = Client(login=True)
# `AUTH [user] pass`, `CONFIG SET requirepass|masterauth pass`.
_REDIS = Client(attached=("-a",), separate=("-a",), after={"auth": 0, "requirepass": 1, "masterauth": 1})
_REGISTRY = Client(separate=("-p",))  # `docker login -p PASSWORD` (`-p` of `run` is a port: kept hidden too)
_CLIENTS: dict[str, Client] = {
    "mysql": _MYSQL,
    "mariadb": _MYSQL,
    "mysqldump": _MYSQL,
    "mysqladmin": _MYSQL,
    "mariadb-dump": _MYSQL,
    "mongo": _MONGO,
    "mongosh": _MONGO,
    "mongodump": _MONGO,
    "mongorestore": _MONGO,
    "redis-cli": _REDIS,
    "valkey-cli": _REDIS,
    "sqlcmd": Client(attached=("-P",), separate=("-P",)),
    "ldapsearch": _LDAP,
    "ldapmodify": _LDAP,
    "ldapadd": _LDAP,
    "ldapdelete": _LDAP,
    "ldapwhoami": _LDAP,
    "ldappasswd": Client(attached=("-w", "-s"), separate=("-w", "-s")),
    "sshpass": Client(attached=("-p",), separate=("-p",)),
    "openssl": Client(separate=("-k", "-K", "-pass", "-passin", "-passout")),
    "sqlplus": _ORACLE,
    "rman": _ORACLE,
    "expdp": _ORACLE,
    "impdp": _ORACLE,
    "cqlsh": Client(separate=("-p",)),
    "vault": Client(after={"login": 1}),
    "rabbitmqctl": Client(after={"add_user": 2, "change_password": 2, "authenticate_user": 2}),
    "htpasswd": Client(after_letter=("b", 3, "n")),  # -b FILE USER PASSWORD, -nb USER PASSWORD
    "keytool": Client(),  # -storepass, -keypass, -srcstorepass: secret-named single-dash options
    "docker": _REGISTRY,
    "podman": _REGISTRY,
    "nerdctl": _REGISTRY,
    "bcp": Client(attached=("-P",), separate=("-P",)),
    "mc": Client(after={"set": 3}),  # mc alias set NAME URL ACCESSKEY SECRETKEY
    "smbclient": Client(separate=("-U", "--user")),  # user%password
    "influx": Client(separate=("-password",)),
    "psql": Client(),
}
# user:password values: curl/wget/etcdctl `-u`/`--user`, lftp `-u user,password`.
_USER_PASS_FLAGS = {"-u", "--user", "--proxy-user"}


def is_secret_name(name: str) -> bool:
    """Whether a variable, key or flag name says its value is a secret."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    words = [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]
    return any(w in _NAME_WORDS_EXACT or any(s in w for s in _NAME_WORDS_CONTAINING) for w in words)


def _is_secret_flag(flag: str) -> bool:
    name = flag.lower()
    body = name.lstrip("-")
    prefix = len(body) >= _PASSWORD_PREFIX_MIN and "password".startswith(body)
    return name in _SECRET_FLAGS or prefix or any(word in name for word in _SECRET_WORDS)


def _readings(argv: list[str]) -> tuple[list[Command] | None, int]:
    """The parser's readings of argv (None when it cannot parse it) and where kubectl's own words
    start (after a leading "kubectl")."""
    start = 1 if argv and argv[0] == "kubectl" else 0
    try:
        return interpretations([str(a) for a in argv[start:]]), start
    except ParseError:
        return None, start


def _is_create_secret(cmd: Command) -> bool:
    return cmd.verb == "create" and cmd.subcommand in ("secret", "secrets")


def _targets_secrets(cmd: Command) -> bool:
    resource = cmd.targets()[0] if cmd.verb else ""
    named = any(w.lower().split("/", 1)[0].split(".", 1)[0] in ("secret", "secrets") for w in cmd.objects)
    return "secrets" in resource.split(",") or named


def redact_argv(argv: list[str]) -> tuple[list[str], list[str]]:
    """Return (redacted argv, the secret values removed) — the values let callers scrub free text."""
    found: list[str] = []
    readings, start = _readings(argv)
    if readings is None:
        return _redact_unparsed(argv, found), _values(found)
    # What each secret-bearing piece becomes, from every reading kubectl could make of argv.
    replace: dict[str, str] = {}
    for cmd in readings:
        _collect(cmd, replace, found)
    dash = _dash_index(argv, start)
    out = list(argv[:start])
    for arg in argv[start:dash]:
        out.append(_redact_url(_replace_piece(arg, replace), found))
    if dash < len(argv):
        out.append("--")
        out += _redact_client_args(argv[dash + 1 :], found)
    return out, _values(found)


def _values(found: list[str]) -> list[str]:
    return [v for v in dict.fromkeys(found) if v and v != MASK]


def _dash_index(argv: list[str], start: int) -> int:
    return next((i for i in range(start, len(argv)) if argv[i] == "--"), len(argv))


def _collect(cmd: Command, replace: dict[str, str], found: list[str]) -> None:
    """Map every secret flag value and secret KEY=VALUE word of one reading to its redacted form."""
    all_literals = _is_create_secret(cmd)
    on_secret = _targets_secrets(cmd)
    for flag, values in cmd.flags.items():
        for value in values:
            if not value:
                continue
            if _is_secret_flag(flag) or (on_secret and flag == "--patch"):
                replace[value] = _hide(value, found)
            elif flag in _KV_FLAGS:
                replace[value] = _redact_kv(value, all_literals and flag == "--from-literal", found)
            elif flag in _DOCUMENT_FLAGS and (scrubbed := redact_text(value, found=found)) != value:
                replace[value] = scrubbed
    for word in cmd.positionals:
        redacted = _redact_kv(word, False, found)
        if redacted != word:
            replace[word] = redacted
    secret_property = _config_set_secret(cmd)
    if secret_property is not None:
        replace[secret_property] = _hide(secret_property, found)


def _config_set_secret(cmd: Command) -> str | None:
    """The VALUE of `config set PROPERTY VALUE` when the property names a credential:
    `users.NAME.token`, `.password`, `.client-key-data`, `.auth-provider.config.*`."""
    if cmd.verb != "config" or cmd.subcommand != "set" or len(cmd.objects) < 2:
        return None
    prop, value = cmd.objects[0], cmd.objects[1]
    fields = prop.split(".")
    secret = is_secret_name(fields[-1]) or "auth-provider" in fields[1:]
    return value if secret and value else None


def _replace_piece(arg: str, replace: dict[str, str]) -> str:
    """`arg` with the value it carries redacted: the whole word, `--flag=value` or `-xvalue`."""
    if arg in replace:
        return replace[arg]
    for value, new in replace.items():
        if arg.startswith("-") and arg.endswith(value) and len(arg) > len(value):
            head = arg[: -len(value)]
            if head.endswith("=") or not head.startswith("--"):
                return head + new
    return arg


def _redact_unparsed(argv: list[str], found: list[str]) -> list[str]:
    """No parse (a flag without its value, too many unknown flags): hide every value that could be
    a secret rather than guess."""
    out: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            found.append(arg)
            out.append(MASK)
            hide_next = False
            continue
        if arg.startswith("--") and "=" in arg:
            flag, value = arg.split("=", 1)
            if _is_secret_flag(flag):
                found.append(value)
                value = MASK
            # which keys are secret cannot be told without a parse: hide every literal's value
            out.append(f"{flag}={_redact_kv(value, flag in _KV_FLAGS, found)}")
            continue
        hide_next = arg.startswith("--") and _is_secret_flag(arg)
        out.append(_redact_url(_redact_kv(arg, False, found), found))
    return out


def _redact_kv(item: str, always: bool, found: list[str]) -> str:
    if "=" not in item:
        return _redact_url(item, found)
    key, value = item.split("=", 1)
    if always or is_secret_name(key):
        _hide(value, found)
        return f"{key}={MASK}"
    # Whatever the key, the value may carry secrets of its own: a connection string
    # (`CONN=Server=db;Password=…`), a JSON document (`settings.json={"dbPassword": …}`).
    return f"{key}={redact_text(value, found=found)}"


def _redact_url(text: str, found: list[str]) -> str:
    def repl(m: re.Match) -> str:
        user, colon, password = m.group("info").partition(":")
        if colon:
            found.append(password)
            return f"{m.group('scheme')}{user}:{MASK}@"
        found.append(user)
        return f"{m.group('scheme')}{MASK}@"

    return _URL_USERINFO.sub(repl, text)


def _redact_client_args(words: list[str], found: list[str]) -> list[str]:
    """Another program's argv (after `--`): its password options and positions (`_CLIENTS`),
    secret-named KEY=VALUE words, `user:password` values, credential headers split over two
    words, URL credentials and spoken secrets. A word holding a whole script (`sh -c "…"`) is
    read as one more command line."""
    program = ""
    client = Client()
    out: list[str] = []
    plain = 0  # plain words (not options, not KEY=VALUE) after the program
    next_is: str | None = None  # how to hide the next word, when this one announced a secret
    rest_secret = False  # every word from here on is a secret (`redis-cli AUTH user pass`)
    countdown = 0  # the secret is this many plain words ahead (`rabbitmqctl add_user u SECRET`)
    chpasswd = any(w.rsplit("/", 1)[-1] == "chpasswd" for w in words)
    piped_secret = _reads_secret_from_stdin(words)
    for word in words:
        if word in {"|", "&&", "||", ";"}:  # another program starts (a script split into words)
            program, client, plain, next_is, rest_secret, countdown = "", Client(), 0, None, False, 0
            out.append(word)
            continue
        if next_is is not None:
            out.append(_HIDERS[next_is](word, found))
            next_is = None
            continue
        if rest_secret and not word.startswith("-"):
            out.append(_hide(word, found))
            continue
        if any(c.isspace() for c in word):
            out.append(_redact_script(word, found))
            continue
        base = word.rsplit("/", 1)[-1]
        if not program and "=" not in word and not word.startswith("-") and base not in ("env", "sudo"):
            program, client = base, _CLIENTS.get(base, Client())
            out.append(word)
            continue
        flag, eq, value = word.partition("=")
        step = client.step(word)
        if step is not None:  # the secret is `step` plain words ahead (0: all of them)
            rest_secret, countdown = step == 0, step
            out.append(word)
            continue
        if not word.startswith("-") and not eq:
            plain += 1
            if piped_secret and program in _PRINTERS:  # `echo PASSWORD | passwd --stdin user`
                out.append(_hide(word, found))
                continue
            if countdown:
                countdown -= 1
                if countdown == 0:  # this word and every plain word after it
                    rest_secret = True
                    out.append(_hide(word, found))
                    continue
            if client.login and plain == 1:
                out.append(_hide_login(word, found))
                continue
        if word.startswith("-") and eq and flag in _USER_PASS_FLAGS:
            out.append(f"{flag}={_hide_user_pass(value, found)}")
        elif word.startswith("-") and eq and (_is_secret_flag(flag) or flag in client.separate):
            out.append(f"{flag}={_hide(value, found)}")
        elif word in _USER_PASS_FLAGS:
            next_is = "user:pass"
            out.append(word)
        elif word in client.separate or (word.startswith("-") and len(flag) > 2 and _is_secret_flag(word)):
            next_is = "secret"
            out.append(word)
        elif word[:2] in client.attached and len(word) > 2:
            out.append(word[:2] + _hide(word[2:].removeprefix("="), found))
        elif chpasswd and re.fullmatch(r"[^:\s]+:[^:\s]+", word):  # `echo user:password | chpasswd`
            out.append(_hide_user_pass(word, found))
        elif _AUTH_HEAD_ONLY.match(word):  # `-H Authorization:Bearer TOKEN`: the value is next
            next_is = "secret"
            out.append(redact_text(word, found=found))
        else:
            out.append(redact_text(_redact_kv(word, False, found), found=found))
    return out


# Programs that print their words, and what reads a password from their output.
_PRINTERS = {"echo", "printf"}
_STDIN_PASSWORD_OPTIONS = {"--password-stdin", "--passphrase-stdin"}


def _reads_secret_from_stdin(words: list[str]) -> bool:
    """A program of this command line reads a password from its input: `passwd --stdin`,
    `docker login --password-stdin` (`chpasswd` reads `user:password`, handled on its own)."""
    bases = {w.rsplit("/", 1)[-1] for w in words}
    return bool(_STDIN_PASSWORD_OPTIONS & bases) or ("passwd" in bases and "--stdin" in bases)


def _hide_login(word: str, found: list[str]) -> str:
    """`user/password@connect` (Oracle tools): the password hidden, user and connect kept."""
    user, _, rest = word.partition("/")
    password, at, connect = rest.partition("@")
    if not user or not password:  # `/nolog`, `/ as sysdba`: no password given
        return word
    found.append(password)
    return f"{user}/{MASK}{at}{connect}"


def _hide(value: str, found: list[str]) -> str:
    """MASK for `value`. The value goes to `found`, and so do the secrets inside it (a URL's
    password, a patch's `"password": "…"`), which may reappear alone in the request or output."""
    found.append(value)
    redact_text(value, found=found)
    return MASK


def _hide_user_pass(value: str, found: list[str]) -> str:
    """`user:password` (curl, chpasswd), `user%password` (smbclient) or `user,password` (lftp):
    the password hidden. The first separator splits: the password may hold the others."""
    at = [i for i in (value.find(c) for c in ":%,") if i >= 0]
    if not at:
        return value
    sep = value[min(at)]
    user, _, password = value.partition(sep)
    found.append(password)
    return f"{user}{sep}{MASK}"


_HIDERS = {"secret": _hide, "user:pass": _hide_user_pass}


def _redact_script(script: str, found: list[str]) -> str:
    """A shell script in one word: redact it as a command line, keeping its text as written."""
    try:
        words = shlex.split(script)
    except ValueError:
        words = script.split()
    before = len(found)
    if len(words) > 1:  # each word is shorter than the script, so nested scripts end
        _redact_client_args(words, found)
    text = script
    for value in sorted(set(found[before:]), key=len, reverse=True):
        if value and value != MASK:
            text = text.replace(value, MASK)
    return redact_text(text, found=found)


def redact_text(text: str, known_secrets: list[str] = (), found: list[str] | None = None) -> str:
    """Scrub free text: exact secret values taken from argv, then URL credentials, secret-named
    `NAME=value` pairs and `password xyz`-style phrases (their values are added to `found`)."""
    found = [] if found is None else found
    for secret in sorted(set(known_secrets), key=len, reverse=True):
        if len(secret) >= 3:  # a one- or two-letter value would mangle ordinary words
            text = text.replace(secret, MASK)
    text = _redact_url(text, found)

    def named(m: re.Match) -> str:
        if not is_secret_name(m.group("key")) or m.group("val") == MASK:
            return m.group(0)
        found.append(m.group("val"))
        return f"{m.group('key')}{m.group('sep')}{MASK}"

    def spoken(m: re.Match) -> str:
        if m.group("val").lower() in _NOT_A_VALUE or m.group("val") == MASK:
            return m.group(0)
        found.append(m.group("val"))
        return f"{m.group('key')}{m.group('sep')}{MASK}"

    def header(m: re.Match) -> str:
        if m.group("val") == MASK:
            return m.group(0)
        found.append(m.group("val"))
        return f"{m.group('key')}{m.group('sep')}{m.group('scheme') or ''}{MASK}"

    def quoted(m: re.Match) -> str:
        return _mask_group(m, "val" if m.group("q") else "dval", found)

    def env_entry(m: re.Match) -> str:
        name, group = (m.group("name"), "val") if m.group("name") is not None else (m.group("name2"), "val2")
        return _mask_group(m, group, found) if is_secret_name(name) else m.group(0)

    text = _QUOTED_SECRET.sub(quoted, _AUTH_HEADER.sub(header, _ENV_ENTRY.sub(env_entry, text)))
    text = _AUTH_CALL.sub(lambda m: _mask_group(m, "val", found), text)
    return _SPOKEN_SECRET.sub(spoken, _NAMED_VALUE.sub(named, text))


def _mask_group(m: re.Match, group: str, found: list[str]) -> str:
    """The match with one group's text replaced by MASK (kept when it is empty or masked)."""
    value = m.group(group)
    if not value or value == MASK:
        return m.group(0)
    found.append(value)
    start, end = m.span(group)
    return m.group(0)[: start - m.start()] + MASK + m.group(0)[end - m.start() :]


def search_text(request: str, argv: list[str], reasons: list[str]) -> str:
    """The plain-text search column of a record: redacted again from the record itself, so a
    client that skipped or weakened redaction cannot put a secret into a clear column."""
    clean_argv, found = redact_argv(argv)
    parts = [redact_text(request, found), " ".join(clean_argv), *(redact_text(r, found) for r in reasons)]
    return " ".join(parts).lower()


def output_is_secret(argv: list[str]) -> bool:
    """Output that must never be kept (audit record, session history) even when output keeping is
    on; it is still digested. The safety layer's `reveals-secrets` effect decides (one definition:
    secret data in any format but a table, `config view`, `get --raw`), plus what prints
    credentials by design: `create token` and whatever a container prints (`exec`, `attach`,
    `debug`). Fails closed: a command that cannot be parsed counts as revealing."""
    readings, _start = _readings(argv)
    if readings is None:
        return True
    return any(_reveals(cmd) for cmd in readings)


def _reveals(cmd: Command) -> bool:
    if Effect.REVEALS_SECRETS in effects(cmd):
        return True
    if cmd.verb == "create" and cmd.subcommand == "token":
        return True
    return cmd.verb in ("exec", "attach", "debug")  # env, mounted tokens, files: anything
