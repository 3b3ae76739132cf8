"""Median wall time of `copilot --help` over 10 runs (target: under 0.5 s).

    python tools/bench_help.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time


def main() -> int:
    exe = shutil.which("copilot") or str((__import__("pathlib").Path(sys.executable).parent / "copilot"))
    times = []
    for _ in range(10):
        began = time.perf_counter()
        subprocess.run([exe, "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    median = statistics.median(times)
    print(f"copilot --help: median {median * 1000:.0f} ms over 10 runs "
          f"(min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms); target < 500 ms")
    return 0 if median < 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
