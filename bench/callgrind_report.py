#!/usr/bin/env python3
"""Summarises the callgrind profiles scripts/bench.sh records (bare, ivs, create) as instructions per call:
totals, the split by shared object, and the inclusive cost of the libivs steps that matter.

Only the bench process is profiled (the server is another process), and only the measured loop
(--collect-atstart=no plus CALLGRIND_TOGGLE_COLLECT in bench.c). Kernel time is not counted.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys

LINE = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S.*)$")

# (label, function name as demangled, match mode): inclusive instructions per ivs_call.
STEPS = [
    ("ivs_call, all of it", "ivs_call(_:_:_:_:_:)", "exact"),
    ("  request from the text (Client.prepare(text:))", "Client.prepare(_:_:text:)", "exact"),
    ("    RequestReader.body", "RequestReader.body(_:shape:in:level:)", "suffix"),
    ("  parse input JSON (the jansson path: json_loads)", "json_loads", "exact"),
    ("  sign into curl's list (signedHeaderList)", "Client.signedHeaderList(_:_:time:)", "exact"),
    ("    SigV4Signer.withSignature", "SigV4Signer.withSignature<A>(method:path:query:headers:host:body:credentials:region:service:time:_:)",
     "suffix"),
    ("  sign to an array (Client.sign: trace log)", "Client.sign(_:_:time:)", "exact"),
    ("  curl list from an array (CurlHeaderList.make)", "CurlHeaderList.make(_:)", "suffix"),
    ("  curl_easy_perform (with libivs's callbacks)", "curl_easy_perform", "exact"),
    ("    response headers (ResponseCollector.header)", "ResponseCollector.header(_:)", "exact"),
    ("  response to output (ResponseParser.outputText)", "ResponseParser.outputText(_:_:metadata:)", "exact"),
    ("    JSONReader.scan", "JSONReader.scan(_:shape:in:)", "suffix"),
    ("    ResponseMetadata.plainMemberLength", "ResponseMetadata.plainMemberLength()", "exact"),
    ("    the jansson path (outputTextByTree)", "ResponseParser.outputTextByTree(_:_:metadata:)", "exact"),
    ("      json_loadb (parse the body)", "json_loadb", "exact"),
    ("json_dumps, all callers", "json_dumps", "exact"),
    ("malloc + free, all callers", None, "alloc"),
]

ALLOC = {"malloc", "free", "_int_malloc", "_int_free", "malloc_consolidate", "realloc", "_int_realloc",
         "calloc", "cfree"}


def annotate(path, inclusive):
    args = ["callgrind_annotate", "--auto=no", "--threshold=100", path]
    if inclusive:
        args.insert(1, "--inclusive=yes")
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    swift = shutil.which("swift-demangle") or shutil.which("swift")
    if swift:
        cmd = [swift] if swift.endswith("swift-demangle") else [swift, "demangle"]
        r = subprocess.run(cmd + ["--simplified"], input=text, capture_output=True, text=True)
        if r.returncode == 0:
            text = r.stdout
    rows = []
    for line in text.splitlines():
        m = LINE.match(line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        cost = int(m.group(1).replace(",", ""))
        rest = m.group(2)
        obj = ""
        if rest.endswith("]") and " [" in rest:
            rest, obj = rest.rsplit(" [", 1)
            obj = obj[:-1]
        file, func = rest.split(":", 1) if ":" in rest else ("", rest)
        func = re.sub(r"'\d+$", "", func)  # recursion levels
        if not obj:  # callgrind_annotate leaves the object out of some lines: tell it by the file
            if file.startswith("./") or file.startswith("/build/glibc"):
                obj = "libc.so"
            elif "<compiler-generated>" in file or "/Sources/" in file or func.startswith("$s"):
                obj = "libivs.so"
        rows.append((cost, func.strip(), os.path.basename(obj)))
    return rows


def collected(log):
    with open(log) as f:
        for line in f:
            m = re.search(r"Collected : (\d+)", line)
            if m:
                return int(m.group(1))
    sys.exit(f"callgrind_report: no 'Collected' line in {log}")


def lib_of(obj):
    for key in ("libivs", "libjansson", "libcrypto", "libssl", "libcurl", "libc.so", "libz", "ld-linux"):
        if key in obj:
            return key.replace(".so", "")
    return obj or "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--calls", type=int, required=True)
    a = ap.parse_args()
    n = a.calls
    path = lambda w, ext: os.path.join(a.dir, f"callgrind.{w}.{ext}")

    total = {w: collected(path(w, "log")) / n for w in ("bare", "ivs", "create")}
    print(f"  {'':40} {'instructions':>14}")
    print(f"  {'bare libcurl call':40} {total['bare']:14,.0f}")
    print(f"  {'ivs_call GetChannel':40} {total['ivs']:14,.0f}   ({total['ivs'] / total['bare']:.2f}x bare)")
    print(f"  {'libivs beyond bare, per call':40} {total['ivs'] - total['bare']:14,.0f}")
    print(f"  {'ivs_client_new + ivs_client_free':40} {total['create']:14,.0f}")

    print("\n  by shared object, exclusive instructions per call")
    by = {}
    for w in ("bare", "ivs"):
        acc = collections.Counter()
        for cost, func, obj in annotate(path(w, "out"), inclusive=False):
            acc[lib_of(obj)] += cost
        by[w] = acc
    libs = sorted(set(by["bare"]) | set(by["ivs"]), key=lambda k: -by["ivs"][k])
    print(f"  {'':16} {'bare':>10} {'ivs':>10} {'ivs - bare':>12}")
    for lib in libs:
        b, i = by["bare"][lib] / n, by["ivs"][lib] / n
        if max(b, i) >= 500:
            print(f"  {lib:16} {b:10,.0f} {i:10,.0f} {i - b:12,.0f}")

    print("\n  ivs_call steps, inclusive instructions per call (share of the ivs_call total)")
    rows = annotate(path("ivs", "out"), inclusive=True)
    excl = annotate(path("ivs", "out"), inclusive=False)
    best = {}
    for cost, func, _ in rows:
        best[func] = max(best.get(func, 0), cost)
    whole = max((c for f, c in best.items() if f == "ivs_call(_:_:_:_:_:)"), default=0) or total["ivs"] * n
    for label, name, mode in STEPS:
        if mode == "alloc":
            cost = sum(c for c, f, o in excl if f in ALLOC and "libc" in o)
        elif mode == "suffix":
            cost = max((c for f, c in best.items() if f.endswith(name)), default=0)
        else:
            cost = best.get(name, 0)
        print(f"  {label:46} {cost / n:10,.0f}  {100 * cost / whole:5.1f}%")


if __name__ == "__main__":
    main()
