"""Run every script of an example bank or task file in a fresh real tool session.

    python tools/verify_examples.py adapters/opensta/examples.jsonl
    python tools/verify_examples.py tests/eval/opensta_dev_tasks.jsonl --field reference

Each record's script must run with no Tcl error and no tool warning or error, and print
something; records that fail are listed with the reason, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--field", default="script", help="record field holding the script")
    parser.add_argument("--tool", default="opensta")
    parser.add_argument("--setup", type=Path, help="default: the tool's demo setup")
    parser.add_argument("--show", action="store_true", help="print each script's output")
    args = parser.parse_args(argv)

    from copilot.evaluation.judge import normalise_output, run_fresh
    from copilot.shells.profile import load_profile

    profile = load_profile(args.tool)
    setup = args.setup or profile.demo_setup_path()
    bad = 0
    lines = args.file.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        record = json.loads(line)
        script = record[args.field]
        result = run_fresh(profile, setup, script)
        ok = result.clean and normalise_output(result.output)
        if not ok:
            bad += 1
            why = "; ".join(str(d) for d in result.diagnostics) or result.status or "no output"
            print(f"FAIL {args.file}:{number} {record.get('id', '')}: {why or 'printed nothing'}")
        if args.show:
            print(f"--- {record.get('id', number)}: {record.get('request', '')}\n{result.output}")
    print(f"{len([l for l in lines if l.strip()]) - bad} ok, {bad} failed", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
