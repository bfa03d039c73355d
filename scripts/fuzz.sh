#!/usr/bin/env bash
# The fuzz targets (Sources/IVSFuzz; docs/fuzzing.md), built with libFuzzer and AddressSanitizer
# (LeakSanitizer included) into one binary, .build-fuzz/debug/IVSFuzz:
#
#   scripts/fuzz.sh [TARGET...]                  every target (or those named) for IVS_FUZZ_SECONDS (20) each,
#                                                on a copy of its corpus (the tree is not changed); fails on any
#                                                crash, leak, timeout, out-of-memory or sanitizer report and
#                                                prints the reproducer. What CI runs.
#   scripts/fuzz.sh --long SECONDS [TARGET...]   each target for SECONDS, one after another; inputs that add
#                                                coverage are merged into fuzz/corpus/<target>/, findings are
#                                                saved in fuzz/findings/<target>/, and a row per target is added
#                                                to the table of runs at the end of docs/fuzzing.md.
#   scripts/fuzz.sh --runs N [TARGET...]         each target for exactly N inputs, then as --long (merge, rows).
#   scripts/fuzz.sh --repro TARGET FILE...       runs inputs once, printing any report (reproduce a finding).
#   scripts/fuzz.sh --list                       the targets.
#
# The bounded run also replays fuzz/findings/<target>/ first: a finding once fixed must stay fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
root="$PWD"
bin="$root/.build-fuzz/debug/IVSFuzz"
targets_all=(response dates shared-config credential-documents input tokens client-config websocket chat sts reader-diff)

# libFuzzer options of a target beyond the common ones.
target_options() {
  case "$1" in
    # Its bodies are written from a stream of decisions: long inputs make long, deep bodies.
    reader-diff) echo "-max_len=65536" ;;
  esac
}

# What a target prints of its own at exit (its counts), shown after its run.
target_summary() {
  case "$1" in
    reader-diff) grep '^reader-diff:\|^  fallbacks:' "$2" | tail -n 3 || true ;;
  esac
}

# libFuzzer reports crashes itself; Swift's backtracer would run first and hold the output.
export SWIFT_BACKTRACE=enable=no
export ASAN_SYMBOLIZER_PATH=/opt/swift/usr/bin/llvm-symbolizer
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$root/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

build() {
  echo "fuzz: building $bin"
  # Debug configuration (so the targets can @testable import IVSCore) optimised with -O; every
  # Swift module instrumented for coverage and ASan; lld, which keeps the coverage sections.
  # SwiftPM's own --sanitize fuzzer makes libFuzzer the executable's main; the sanitizers themselves
  # go through -Xswiftc (SwiftPM's "--sanitize fuzzer --sanitize address" loses the coverage).
  mkdir -p .build-fuzz
  if ! IVS_FUZZ=1 swift build --scratch-path .build-fuzz --product IVSFuzz --sanitize fuzzer \
      -Xswiftc -sanitize=fuzzer,address -Xswiftc -O -Xswiftc -use-ld=lld > .build-fuzz/build.log 2>&1; then
    cat .build-fuzz/build.log >&2
    echo "fuzz: build failed" >&2
    exit 1
  fi
}

known() {
  local t
  for t in "${targets_all[@]}"; do [ "$t" = "$1" ] && return 0; done
  echo "fuzz: unknown target '$1'; targets: ${targets_all[*]}" >&2
  exit 2
}

# final_stat NAME LOG: a number from libFuzzer's -print_final_stats=1 output (0 if absent).
final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1 | grep . || echo 0; }

# report TARGET LOG ARTIFACT_DIR: what a failed run found, enough to reproduce it from a CI log.
report() {
  local t=$1 log=$2 dir=$3 f
  echo "---- $t: libFuzzer found a problem; the report:" >&2
  grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse|RELOAD)' "$log" | tail -n 80 >&2
  for f in "$dir"/*; do
    [ -f "$f" ] || continue
    echo "---- reproducer $f ($(wc -c < "$f") bytes), base64:" >&2
    base64 -w 76 "$f" | head -n 60 >&2
    echo "---- reproduce: scripts/fuzz.sh --repro $t $f" >&2
  done
}

mode=bounded
runs=
case "${1:-}" in
  --list)
    for t in "${targets_all[@]}"; do echo "$t"; done
    exit 0
    ;;
  --repro)
    shift
    [ $# -ge 2 ] || { echo "usage: scripts/fuzz.sh --repro TARGET FILE..." >&2; exit 2; }
    known "$1"
    build
    t=$1; shift
    # Artifacts (a leak found at exit) go to a temporary directory, not the working directory.
    exec env IVS_FUZZ_TARGET="$t" "$bin" -runs=1 -artifact_prefix="$(mktemp -d /tmp/ivs-fuzz-repro.XXXXXX)/" "$@"
    ;;
  --long)
    mode=long
    shift
    [[ "${1:-}" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh --long SECONDS [TARGET...]" >&2; exit 2; }
    seconds=$1
    shift
    ;;
  --runs)
    mode=long
    shift
    [[ "${1:-}" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh --runs N [TARGET...]" >&2; exit 2; }
    runs=$1
    seconds=0
    shift
    ;;
  -*)
    echo "usage: scripts/fuzz.sh [TARGET...] | --long SECONDS [TARGET...] | --runs N [TARGET...] | --repro TARGET FILE... | --list" >&2
    exit 2
    ;;
  *)
    seconds=${IVS_FUZZ_SECONDS:-20}
    ;;
esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${targets_all[@]}")
for t in "${targets[@]}"; do known "$t"; done

start=$(date +%s)
build
echo "fuzz: built in $(( $(date +%s) - start ))s"
tmp=$(mktemp -d /tmp/ivs-fuzz-run.XXXXXX)
# The targets' scratch files (written per input: in memory), removed however the runs end.
scratch=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo /tmp )/ivs-fuzz-scratch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export IVS_FUZZ_SCRATCH="$scratch"

# Canaries: a run passes only if findings would fail it. Each canary input must be reported (a
# trap, a leak, a heap overflow), and the binary must carry coverage counters for IVSCore (without
# them libFuzzer fuzzes blind and finds nothing).
for c in "trap:deadly signal" "leak:ERROR: LeakSanitizer: detected memory leaks" "overflow:ERROR: AddressSanitizer: heap-buffer-overflow"; do
  printf '%s' "${c%%:*}" > "$tmp/canary-${c%%:*}"
  if IVS_FUZZ_TARGET=canary "$bin" -runs=1 -artifact_prefix="$tmp/" "$tmp/canary-${c%%:*}" > "$tmp/canary.log" 2>&1 \
      || ! grep -q "${c#*:}" "$tmp/canary.log"; then
    cat "$tmp/canary.log" >&2
    echo "fuzz: the ${c%%:*} canary was not reported (\"${c#*:}\"): this build cannot find anything" >&2
    exit 1
  fi
done
counters=$(sed -n 's/.*Loaded 1 modules *(\([0-9]*\) inline 8-bit counters).*/\1/p' "$tmp/canary.log")
if [ "${counters:-0}" -lt 10000 ]; then
  echo "fuzz: the binary has ${counters:-no} coverage counters; IVSCore is not instrumented" >&2
  exit 1
fi
failed=()
rows=()
for t in "${targets[@]}"; do
  work="$tmp/$t"
  mkdir -p "$work/corpus" "$work/artifacts"
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  findings=()
  [ -d "fuzz/findings/$t" ] && findings=("fuzz/findings/$t")
  before=$(find "fuzz/corpus/$t" -type f 2>/dev/null | wc -l)
  if [ "$mode" = bounded ]; then
    # The corpus is copied: new inputs land in the copy, and CI leaves the tree as it was.
    cp -r "fuzz/corpus/$t/." "$work/corpus/" 2>/dev/null || true
    dirs=("$work/corpus" "${findings[@]}")
    artifacts="$work/artifacts/"
  else
    # New inputs go to a directory of their own (the first), merged into the corpus afterwards.
    mkdir -p "fuzz/corpus/$t" "fuzz/findings/$t"
    dirs=("$work/corpus" "fuzz/corpus/$t")
    artifacts="$root/fuzz/findings/$t/"
  fi
  limit=(-max_total_time="$seconds")
  [ -n "$runs" ] && limit=(-runs="$runs")
  read -r -a options <<< "$(target_options "$t")"
  t0=$(date +%s)
  status=0
  IVS_FUZZ_TARGET="$t" "$bin" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${options[@]}" \
    -artifact_prefix="$artifacts" "${dict[@]}" "${dirs[@]}" > "$work/log" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - t0 ))
  execs=$(final_stat number_of_executed_units "$work/log")
  speed=$(final_stat average_exec_per_sec "$work/log")
  finding=none
  if [ $status -ne 0 ]; then
    failed+=("$t")
    if [ "$mode" = bounded ]; then
      finding="FAILED (see above)"
      report "$t" "$work/log" "$work/artifacts"
    else
      found=$(grep -o -E "Test unit written to \S+" "$work/log" | sed 's/.*written to //' | sed "s|^$root/||" | tr '\n' ' ')
      summary=$(grep -m1 -E "^SUMMARY: |ERROR: libFuzzer: |libivs fuzz invariant broken" "$work/log" | cut -c1-160 || true)
      finding="${summary:-exit $status} (${found:-no reproducer written})"
      report "$t" "$work/log" /nonexistent
    fi
  fi
  if [ "$mode" = long ]; then
    # Only inputs that add coverage to the corpus are kept (libFuzzer's merge keeps the smallest).
    IVS_FUZZ_TARGET="$t" "$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 "${options[@]}" "fuzz/corpus/$t" "$work/corpus" \
      > "$work/merge.log" 2>&1 || echo "fuzz: merging the new inputs of $t failed; see $work/merge.log" >&2
    after=$(find "fuzz/corpus/$t" -type f | wc -l)
    rows+=("| $(date -u +%F) | $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift || echo "+changes") | $t | ${elapsed} s | $execs | $speed | $before → $after | $finding |")
  fi
  printf 'fuzz: %-21s %4ss %10s runs %8s/s  %s\n' "$t" "$elapsed" "$execs" "$speed" "$finding"
  target_summary "$t" "$work/log"
done

if [ "$mode" = long ]; then
  printf '%s\n' "${rows[@]}" >> docs/fuzzing.md
  echo "fuzz: rows added to docs/fuzzing.md:"
  printf '%s\n' "${rows[@]}"
fi
echo "fuzz: ${#targets[@]} target(s) in $(( $(date +%s) - start ))s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in: ${failed[*]} (work directory kept: $tmp)" >&2
  exit 1
fi
rm -rf "$tmp"
