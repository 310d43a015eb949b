"""A question the translator asked is a turn of the conversation: the next input answers it.

After "Which deployments should I label?" a bare name fills the missing object; after "…; did
you mean backups?" a yes takes the suggestion and a no drops the request. Anything else is a new
request and replaces the question. The open question is kept with the session (sessions.db), so
a one-shot `kubectl chat api` answers the question the previous run in this terminal asked.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from .translate.validate import K8S_NAME

# The translator's own wording of its two kinds of questions (rules.py, grounding.py, validate.py).
_WHICH = re.compile(r"^Which (?P<what>[a-z][a-z0-9.-]*) should I [a-z-]+\?", re.I)
_DID_YOU_MEAN = re.compile(r"'(?P<word>[^'\s]+)'[^?]*?did you mean (?P<better>[A-Za-z0-9.-]+)\?", re.I)
_YES = {"y", "yes", "yeah", "yep", "sure", "ok", "okay", "right", "correct", "yes please"}
_NO = {"n", "no", "nope", "no thanks", "cancel", "never mind", "nevermind"}
_EXPIRES_S = 600  # an unanswered question is forgotten after ten minutes


@dataclass
class Pending:
    request: str
    question: str


@dataclass
class Answer:
    """What the input does to the open question: `request` to translate instead of the input
    (None: the input is a new request), or `dropped` when the user said no."""

    request: str | None = None
    dropped: bool = False


def answer(pending: Pending | None, text: str) -> Answer:
    if pending is None:
        return Answer()
    said = text.strip().lower().rstrip(".!")
    m = _DID_YOU_MEAN.search(pending.question)
    if m is not None:
        if said in _YES:
            word = re.compile(rf"(?<![\w.-]){re.escape(m.group('word'))}(?![\w.-])", re.I)
            return Answer(word.sub(m.group("better"), pending.request, count=1))
        if said in _NO:
            return Answer(dropped=True)
        return Answer()
    m = _WHICH.match(pending.question)
    names = text.split()
    # One name and nothing else: two words ("delete it") are a request of their own.
    if m is None or len(names) != 1 or not K8S_NAME.match(names[0]) or said in _YES | _NO:
        return Answer()
    from .safety.resources import canonical_resource, info

    if info(names[0]) is not None:  # a type word: a new request, not a name
        return Answer()
    what = canonical_resource(m.group("what"))
    words = pending.request.split(" ")
    for i, w in enumerate(words):
        if canonical_resource(w.strip(",.?!")) == what:
            return Answer(" ".join([*words[: i + 1], *names, *words[i + 1 :]]))
    return Answer(f"{pending.request} {' '.join(names)}")


# -- kept with the session ----------------------------------------------------------------------
def _db(session):
    db = session._db()
    db.execute(
        "create table if not exists pending (session text primary key, request text, question text, ts float)"
    )
    return db


def load(session) -> Pending | None:
    if session is None or getattr(session, "pending_question", None) is not None:
        return getattr(session, "pending_question", None)
    if not getattr(session, "persist", False):
        return None
    row = (
        _db(session)
        .execute(
            "select request, question from pending where session = ? and ts > ?",
            [session.name, time.time() - _EXPIRES_S],
        )
        .fetchone()
    )
    return Pending(row["request"], row["question"]) if row else None


def save(session, pending: Pending | None) -> None:
    """Remember the open question (or forget it, with None)."""
    if session is None:
        return
    session.pending_question = None
    if not getattr(session, "persist", False):
        session.pending_question = pending
        return
    from .ledger.redact import redact_text

    if pending is not None and redact_text(pending.request) != pending.request:
        session.pending_question = pending  # a secret in the request never lands on disk
        return
    db = _db(session)
    with db:
        if pending is None:
            db.execute("delete from pending where session = ?", [session.name])
        else:
            db.execute(
                "insert or replace into pending (session, request, question, ts) values (?, ?, ?, ?)",
                [session.name, pending.request, pending.question, time.time()],
            )
