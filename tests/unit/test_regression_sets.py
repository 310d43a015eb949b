"""Request sets written by people who never saw the code, kept as regression data once they had
been used to measure (and the older ones then to improve) translation. New figures are reported on
newer sets; these guard what was reached: accuracy floors, and wrong writes that only go down."""

import json
from pathlib import Path

import pytest

from kubechat.safety.risk import Risk, classify
from kubechat.translate import translate
from kubechat.translate.compare import same_command

SETS = Path(__file__).parents[1] / "data" / "regression"
# set -> (accuracy floor, wrong writes at most). c and d were measured held out (d after the last
# change to translation); their remaining wrong writes are known defects and may only go down.
FLOORS = {
    "requests-2026-11-a.jsonl": (0.95, 0),
    "requests-2026-11-b.jsonl": (0.925, 0),
    "requests-2026-11-c.jsonl": (0.82, 0),
    "requests-2026-11-d.jsonl": (0.94, 0),
    "requests-2026-11-e.jsonl": (0.605, 4),
    "requests-2026-11-f.jsonl": (0.645, 2),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_accuracy_floor_and_wrong_writes_only_go_down(name):
    rows = [json.loads(line) for line in (SETS / name).read_text().splitlines() if line.strip()]
    right, wrong_writes = 0, []
    for row in rows:
        t = translate(row["nl"], offline=True, use_model=False)
        if t.command and same_command(t.command, row["kubectl"]):
            right += 1
        elif t.argv is not None and classify(t.argv) is not Risk.READ:
            wrong_writes.append((row["nl"], t.command))
    floor, most_wrong_writes = FLOORS[name]
    assert len(wrong_writes) <= most_wrong_writes, wrong_writes
    assert right / len(rows) >= floor, f"{right}/{len(rows)}"
