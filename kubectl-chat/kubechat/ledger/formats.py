"""Exports for SIEMs and spreadsheets: JSON lines, CSV, ArcSight CEF and IBM QRadar LEEF 2.0.

CEF: header fields escape `\\` and `|`; extension values escape `\\`, `=`, and newlines (`\\n`,
`\\r`); a header may not contain a newline, so newlines there become spaces.
LEEF 2.0: `LEEF:2.0|Vendor|Product|Version|EventID|x09|` then tab-delimited key=value pairs;
header `|` and `\\` are escaped with a backslash; in values `\\`, tab and newlines are escaped so the
delimiter never appears inside a value.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime

from .. import __version__
from .record import Record

VENDOR = "kubectl-chat"
PRODUCT = "kubectl chat"
FORMATS = ("json", "csv", "cef", "leef")
_SEVERITY = {"read": 1, "write": 5, "destructive": 8, "unknown": 3}

CSV_COLUMNS = [
    "auditID",
    "requestReceivedTimestamp",
    "stage",
    "username",
    "groups",
    "cluster",
    "context",
    "namespace",
    "verb",
    "resource",
    "name",
    "request",
    "argv",
    "risk",
    "decision",
    "reasons",
    "rbac",
    "confirmation",
    "exitCode",
    "durationMs",
    "outputDigest",
    "seq",
    "keyID",
]


def flat(record: Record) -> dict[str, str]:
    """One flat row per record (CSV, tables)."""
    rbac = "n/a" if record.rbac.allowed is None else ("allowed" if record.rbac.allowed else "denied")
    return {
        "auditID": record.auditID,
        "requestReceivedTimestamp": record.requestReceivedTimestamp,
        "stage": record.stage,
        "username": record.user.username,
        "groups": ";".join(record.user.groups),
        "cluster": record.cluster.name or record.cluster.server or "",
        "context": record.context or "",
        "namespace": record.objectRef.namespace or "",
        "verb": record.verb or "",
        "resource": record.objectRef.resource or "",
        "name": record.objectRef.name or "",
        "request": record.request,
        "argv": " ".join(record.argv),
        "risk": record.risk,
        "decision": record.policy.decision,
        "reasons": "; ".join(record.policy.reasons),
        "rbac": rbac,
        "confirmation": record.confirmation,
        "exitCode": "" if record.responseStatus.code is None else str(record.responseStatus.code),
        "durationMs": str(record.durationMs),
        "outputDigest": record.outputDigest or "",
        "seq": str(record.seq),
        "keyID": record.keyID,
    }


def _epoch_ms(ts: str) -> int:
    return int(datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1000)


# -- escaping --------------------------------------------------------------------------------------
def _header_escape(value: str) -> str:
    """CEF and LEEF headers: backslash and pipe escaped; no newlines allowed, so they become spaces."""
    value = value.replace("\\", "\\\\").replace("|", "\\|")
    return value.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def _value_escape(value: str, special: str, escaped: str) -> str:
    """Backslash first, then the format's one special character, then newlines as \\n / \\r."""
    value = value.replace("\\", "\\\\").replace(special, escaped)
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r")


def cef_header_escape(value: str) -> str:
    return _header_escape(value)


def cef_ext_escape(value: str) -> str:
    return _value_escape(value, "=", "\\=")


def leef_header_escape(value: str) -> str:
    return _header_escape(value)


def leef_value_escape(value: str) -> str:
    return _value_escape(value, "\t", "\\t")


# -- CEF -------------------------------------------------------------------------------------------
def cef_line(
    vendor: str, product: str, version: str, event_class: str, name: str, severity: int, ext: dict[str, str]
) -> str:
    header = "|".join(cef_header_escape(v) for v in (vendor, product, version, event_class, name))
    extension = " ".join(f"{k}={cef_ext_escape(v)}" for k, v in ext.items() if v not in (None, ""))
    return f"CEF:0|{header}|{severity}|{extension}"


def to_cef(record: Record) -> str:
    f = flat(record)
    ext = {
        "rt": str(_epoch_ms(record.requestReceivedTimestamp)),
        "externalId": record.auditID,
        "suser": f["username"],
        "act": f["decision"],
        "outcome": record.stage,
        "msg": record.request,
        "cs1Label": "argv",
        "cs1": f["argv"],
        "cs2Label": "risk",
        "cs2": f["risk"],
        "cs3Label": "namespace",
        "cs3": f["namespace"],
        "cs4Label": "policyReasons",
        "cs4": f["reasons"],
        "cs5Label": "cluster",
        "cs5": f["cluster"],
        "cs6Label": "confirmation",
        "cs6": f["confirmation"],
        "cn1Label": "exitCode",
        "cn1": f["exitCode"],
        "cn2Label": "durationMs",
        "cn2": f["durationMs"],
        "fileHash": f["outputDigest"],
    }
    name = f"{record.verb or 'request'} {record.objectRef.resource or ''}".strip()
    return cef_line(VENDOR, PRODUCT, __version__, record.stage, name, _SEVERITY.get(record.risk, 3), ext)


# -- LEEF 2.0 --------------------------------------------------------------------------------------
def leef_line(vendor: str, product: str, version: str, event_id: str, attrs: dict[str, str]) -> str:
    header = "|".join(leef_header_escape(v) for v in (vendor, product, version, event_id))
    body = "\t".join(f"{k}={leef_value_escape(v)}" for k, v in attrs.items() if v not in (None, ""))
    return f"LEEF:2.0|{header}|x09|{body}"


def to_leef(record: Record) -> str:
    f = flat(record)
    attrs = {
        "devTime": str(_epoch_ms(record.requestReceivedTimestamp)),
        "usrName": f["username"],
        "identGrpName": f["groups"],
        "cat": f["risk"],
        "sev": str(_SEVERITY.get(record.risk, 3)),
        "policy": f["decision"],
        "reason": f["reasons"],
        "resource": f["resource"],
        "namespace": f["namespace"],
        "verb": f["verb"],
        "request": record.request,
        "argv": f["argv"],
        "rbac": f["rbac"],
        "confirmation": f["confirmation"],
        "exitCode": f["exitCode"],
        "durationMs": f["durationMs"],
        "outputDigest": f["outputDigest"],
        "auditID": record.auditID,
        "cluster": f["cluster"],
    }
    return leef_line(VENDOR, PRODUCT, __version__, record.stage, attrs)


def csv_cell(value: str) -> str:
    """A spreadsheet would run a cell starting with = + - @ as a formula: the request text is
    user input, so such cells get a leading apostrophe (OWASP's CSV injection advice)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# -- whole exports ---------------------------------------------------------------------------------
def export_pieces(records: Iterable[Record], fmt: str) -> Iterator[str]:
    """The export of `records` in `fmt`, one record's text at a time (CSV: its header first), so
    that an export of any size is written as it is read and never held whole."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({k: csv_cell(v) for k, v in flat(record).items()})
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()  # the header alone when there were no records
        return
    line = {"json": lambda r: json.dumps(r.body(), sort_keys=True), "cef": to_cef, "leef": to_leef}.get(fmt)
    if line is None:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    for record in records:
        yield line(record) + "\n"


def export(records: Iterable[Record], fmt: str, out: io.TextIOBase) -> int:
    """Write records to `out` in `fmt` as they are read; returns how many were written."""
    n = 0

    def counted() -> Iterator[Record]:
        nonlocal n
        for record in records:
            n += 1
            yield record

    for piece in export_pieces(counted(), fmt):
        out.write(piece)
    return n
