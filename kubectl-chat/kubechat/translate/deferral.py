"""Changes asked for later: "delete job x when it finishes", "scale web to 0 at midnight".

kubectl runs a command the moment it is given; it has no "when", "once" or "at 02:00". A change
the request makes wait for an event or a time is therefore never run as if it were asked for
now: the answer is a question that says so and offers the read that checks the condition.
"""

from __future__ import annotations

import re

from ..intent import Intent

# An event the change waits for: a conjunction of time or condition, then (within the same
# clause) a predicate that something finishes, becomes ready, or is still in some state.
_WAIT_CONJUNCTION = r"\b(?:when|whenever|once|after|as soon as|the moment|by the time|if|until|till|unless)\b"
_EVENT = (
    r"(?:finish(?:es)?|complet(?:es|e)|succeeds?|ends|passes|drains|exits|terminates|"
    r"(?:is|are|'s|gets?|get|becomes?|has been|have been) (?:all )?"
    r"(?:done|over|finished|complete|completed|ready|through|healthy|up|back|green|available|drained)|"
    r"(?:has|have|'s) (?:finished|completed|succeeded|drained|ended|exited|terminated|run)|"
    r"(?:is|are|'s|'re) still\b|still (?:failing|crashing|broken|down|pending|stuck|running|there)|"
    r"(?:is|are|'s|'re) (?:finishing|completing|done)|stops?|goes (?:green|down|away)|comes? (?:back|up))"
)
_CONDITION = re.compile(rf"{_WAIT_CONJUNCTION}(?:\s+[\w'-]+(?:\.[\w'-]+)*){{0,8}}?\s+{_EVENT}")

# A time said of the change itself: "at midnight", "at 3pm", "tomorrow", "in 10 minutes".
_NUMBER = r"(?:\d+|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|a few|few|several|couple of)"
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_SCHEDULE = re.compile(
    r"\bat (?:midnight|noon|dawn|\d{1,2}(?::\d{2})?\s*(?:am|pm|h|o'?clock|utc)\b|\d{1,2}:\d{2}\b)"
    r"|\b(?:tonight|tomorrow|overnight|later(?: on| today| tonight)?|eod|end of (?:the )?(?:day|week))\b"
    rf"|\b(?:next|this coming) (?:week|month|weekend|morning|{_WEEKDAY})\b|\bon {_WEEKDAY}\b"
    r"|\bthis (?:evening|afternoon|weekend)\b"
    rf"|\b(?:in|after) {_NUMBER} (?:more )?(?:minutes?|mins?|hours?|hrs?|days?|weeks?)\b"
    rf"|\b{_NUMBER} (?:minutes?|mins?|hours?|hrs?|days?) from now\b"
)
# Where a clause stops saying what to do and starts saying why: a time there sets the scene
# ("we have maintenance tonight, so scale web to 0") and does not put the change off.
_REASON = re.compile(r"[.;!?,]|\s-+\s|\s—\s|\b(?:so|because|since|as|cause|coz|then)\b")


# A name joined by hyphens or dots ("nightly-sync", "ip-10.0.3.1") is one word: a time or an
# event inside it is part of the name ("a cron schedule" for a cronjob is its content, not a delay).
_JOINED = re.compile(r"[\w']+(?:[-./][\w']+)+")


def _normalised(request: str) -> str:
    text = " ".join(request.replace("\u2019", "'").lower().split())
    return _JOINED.sub(lambda m: "_" * len(m.group(0)), text)


def deferred(request: str, write_words: str | None) -> str | None:
    """The words that make the change wait for a later event or time, or None when it is asked
    for now. `write_words` (a pattern for the words that ask for the change) finds the clause a
    time belongs to; an event condition counts wherever it stands."""
    text = _normalised(request)
    condition = _CONDITION.search(text)
    if condition:
        return condition.group(0)
    rx = re.compile(write_words) if write_words else None
    for part in _REASON.split(text):
        schedule = _SCHEDULE.search(part)
        if schedule and (rx is None or rx.search(part)):
            return schedule.group(0)
    return None


def question(intent: Intent, when: str) -> str:
    """What to say instead of running a change asked for later: it would run now, and the read
    that checks the condition."""
    command = " ".join(["kubectl", *intent.to_argv()])
    place = ["-n", intent.namespace] if intent.namespace else []
    target = [intent.resource, *intent.names] if intent.resource else []
    check = " ".join(["kubectl", "get", *target, *place]) if target else "kubectl get"
    return (
        f"You asked for this {when!r}, but kubectl runs a command at once: {command} would run now, "
        f"and I do not schedule changes. Check the condition first ({check}, or kubectl wait "
        "--for=condition=…), then ask for the change when it is time."
    )
