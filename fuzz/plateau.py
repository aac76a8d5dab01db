#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# plateau.py -- summarise libFuzzer logs (docs/hardening.md): executions, final coverage
# (cov = edges, ft = features), corpus size, and coverage at half and three quarters of the
# executions, so a plateau is visible. Usage: fuzz/plateau.py LOG...
import re
import sys

LINE = re.compile(r"^#(\d+)\s+(\w+)\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\d+)(\w*)")


def at(points, n):
    """(cov, ft) of the last report at or before execution n."""
    best = points[0]
    for p in points:
        if p[0] <= n:
            best = p
    return best[1], best[2]


for path in sys.argv[1:]:
    points, runs, rate, crash = [], None, None, False
    for line in open(path, errors="replace"):
        m = LINE.match(line)
        if m:
            points.append((int(m.group(1)), int(m.group(3)), int(m.group(4)), int(m.group(5))))
        m = re.match(r"Done (\d+) runs in (\d+) second", line)
        if m:
            runs, secs = int(m.group(1)), int(m.group(2))
            rate = runs / max(secs, 1)
        if "ERROR: AddressSanitizer" in line or "ERROR: libFuzzer" in line or "runtime error" in line \
                or "ERROR: LeakSanitizer" in line:
            crash = True
    if not points:
        print("%s: no coverage lines" % path)
        continue
    last = points[-1]
    runs = runs or last[0]
    c50, f50 = at(points, runs // 2)
    c75, f75 = at(points, runs * 3 // 4)
    last_new, best = 0, points[0][1]
    for p in points:
        if p[1] > best:
            best, last_new = p[1], p[0]
    print("%-28s runs %10d  %7.0f/s  cov %5d ft %6d corpus %5d | at 1/2: cov %5d ft %6d | "
          "at 3/4: cov %5d ft %6d | last new edge at run %d (%.0f%%)  %s"
          % (path.split("/")[-1], runs, rate or 0, last[1], last[2], last[3], c50, f50, c75, f75,
             last_new, 100.0 * last_new / max(runs, 1), "CRASH/LEAK" if crash else "no crash"))
