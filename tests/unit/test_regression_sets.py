"""Request sets written by people who never saw the code, kept as regression data once they had
been used to measure and then to improve translation. New figures are reported on newer sets;
these guard what was reached: accuracy floors, and never a wrong write."""

import json
from pathlib import Path

import pytest

from kubechat.safety.risk import Risk, classify
from kubechat.translate import translate
from kubechat.translate.compare import same_command

SETS = Path(__file__).parents[1] / "data" / "regression"
FLOORS = {"requests-2026-11-a.jsonl": 0.95, "requests-2026-11-b.jsonl": 0.89}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_accuracy_floor_and_no_wrong_write(name):
    rows = [json.loads(line) for line in (SETS / name).read_text().splitlines() if line.strip()]
    right, wrong_writes = 0, []
    for row in rows:
        t = translate(row["nl"], offline=True, use_model=False)
        if t.command and same_command(t.command, row["kubectl"]):
            right += 1
        elif t.argv is not None and classify(t.argv) is not Risk.READ:
            wrong_writes.append((row["nl"], t.command))
    assert wrong_writes == []
    assert right / len(rows) >= FLOORS[name], f"{right}/{len(rows)}"
