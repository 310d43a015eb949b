"""The SQL for record filters, shared by the local spool and the collector store (same columns)."""

from __future__ import annotations

EQUAL_COLUMNS = ("username", "verb", "namespace", "risk", "decision", "stage")


def where(filters: dict, text_clause: str, text_arg) -> tuple[list[str], list]:
    """Clauses (with `?` placeholders) and arguments; `text_clause` takes `text_arg(text)`."""
    clauses, args = [], []
    for column in EQUAL_COLUMNS:
        if filters.get(column):
            clauses.append(f"{column} = ?")
            args.append(filters[column])
    if filters.get("since"):
        clauses.append("ts >= ?")
        args.append(filters["since"])
    if filters.get("until"):
        clauses.append("ts < ?")
        args.append(filters["until"])
    if filters.get("text"):
        clauses.append(text_clause)
        args.append(text_arg(filters["text"]))
    return clauses, args
