"""Checks on a record's canonical bytes for the hot loops (collector ingest, verifying a whole
log): one parse into the model, one canonical serialisation, one hash per record, and the
signed bytes cut out of the canonical bytes instead of serialised again.

Validation stays with the model (pydantic-core, strict: the exact JSON types): measured, it costs
less than checking the same types in Python. What `Record.canonical()` adds on top (every field
written, in sorted order, no whitespace) is checked by comparing the bytes with one
`canonical_bytes` of the parsed JSON and by requiring every field to be present.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import get_args

from pydantic import BaseModel, ValidationError

from .record import OMITTED_WHEN_UNSET, Record, canonical_bytes


class WireError(ValueError):
    """The bytes are not a valid record in canonical form; str() is the one-line reason."""


@dataclass(slots=True)
class Checked:
    record: Record
    data: bytes  # its canonical bytes, as received
    signing: bytes  # what the signature covers: the bytes without the signature member
    hash: str  # sha256 hex of `data` (what the next record's prevHash names)


def check(data: bytes) -> Checked:
    """Parse and check one record; raises WireError."""
    try:
        record = Record.model_validate_json(data, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise WireError(f"not a valid record: {where + ': ' if where else ''}{first['msg']}") from None
    body = json.loads(data)
    if not _complete(body) or canonical_bytes(body) != data:
        raise WireError("record is not in canonical form")
    return Checked(record, data, signing_bytes(data, record.signature), hashlib.sha256(data).hexdigest())


def _field_counts(model: type[BaseModel]) -> dict[str, int]:
    """How many keys each nested object has when every field is written (models nest one deep)."""
    counts = {}
    for name, field in model.model_fields.items():
        for option in (field.annotation, *get_args(field.annotation)):
            if isinstance(option, type) and issubclass(option, BaseModel):
                counts[name] = len(option.model_fields)
    return counts


_NESTED = _field_counts(Record)
_TOP = len(Record.model_fields)


def _complete(body: dict) -> bool:
    """Every field present as canonical() writes it (a default filled in would change the bytes);
    an omittable field is written only when set. Unknown keys were refused by validation, so
    counting keys is enough."""
    omitted = 0
    for name in OMITTED_WHEN_UNSET:
        if name not in body:
            omitted += 1
        elif body[name] is None:
            return False
    if len(body) != _TOP - omitted:
        return False
    return all(len(body[name]) == n for name, n in _NESTED.items() if body.get(name) is not None)


def signing_bytes(data: bytes, signature: str | None) -> bytes:
    """`Record.signing_bytes()` from canonical bytes, without serialising again. Keys are sorted,
    so the top-level signature member is the last `"signature":` key in the document: only `user`
    (fixed fields) and scalars follow it, and a JSON string cannot hold an unescaped quote."""
    member = b',"signature":' + json.dumps(signature).encode()
    at = data.rfind(member)
    if at < 0:
        raise WireError("record is not in canonical form")
    return data[:at] + data[at + len(member) :]
