"""Remake tests/suite_seconds.json, the seconds the workers' order is made from.

Run the workers' phase with every duration printed, then read that output:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -n 2 --dist loadfile \\
        --no-loadscope-reorder -m "not serial" --durations=0 --durations-min=0 > out.txt
    .venv/bin/python tests/suite_seconds.py out.txt --note "idle, 2026-11-27"

Each file gets the sum of its tests' setup, call and teardown. Only the order matters
(tests/conftest.py sorts by it), so a run on a loaded machine serves as long as the load was
about even over the run.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
LINE = re.compile(r"^\s*([\d.]+)s (?:setup|call|teardown)\s+tests/(\S+?)(::\S.*)?$")


def read(paths: list[str]) -> dict[str, float]:
    seconds: dict[str, float] = defaultdict(float)
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
            match = LINE.match(line)
            if not match:
                continue
            seconds[match[2]] += float(match[1])
    return {key: round(value, 1) for key, value in sorted(seconds.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outputs", nargs="+", help="pytest output with --durations=0")
    parser.add_argument("--note", default="", help="when and how loaded, kept in the file")
    args = parser.parse_args(argv)
    seconds = read(args.outputs)
    if not seconds:
        print("no durations found: run pytest with --durations=0 --durations-min=0")
        return 1
    table = {"_measured": args.note, **seconds} if args.note else seconds
    target = HERE / "suite_seconds.json"
    target.write_text(json.dumps(table, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{target}: {len(seconds)} files, {sum(seconds.values()):.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
