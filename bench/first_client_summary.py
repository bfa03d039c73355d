#!/usr/bin/env python3
"""Medians of bench/first_client's RESULT lines (one per process, on stdin): one line for people and one
RESULT line for scripts. Usage: first_client_summary.py MODE (the options first_client ran with)."""
import re
import statistics
import sys

rows = [dict(re.findall(r"(\w+)=([\d.]+)", line)) for line in sys.stdin if line.startswith("RESULT")]
if not rows:
    sys.exit("first_client_summary: no results")


def med(key):
    return statistics.median(float(r[key]) for r in rows)


mode = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else "nothing first"
parts = [f"{k[:-3]} {med(k):.0f} us / {med(k[:-3] + '_faults'):.0f} faults" for k in rows[0] if k.endswith("_us")]
print(f"  {mode:<29} " + ", ".join(parts))
tag = {"nothing first": "first", "--curl-first": "first_curl", "--curl-first --models-first": "first_curl_models"}.get(mode, "first_other")
print("RESULT " + " ".join(f"{tag}_{k}={med(k):.0f}" for k in rows[0] if k.endswith("_us")))
