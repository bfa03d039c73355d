#!/usr/bin/env bash
# The differential fuzzer of ivs_call's readers (Sources/IVSDiffFuzz; docs/response-reader.md): response
# bodies and request inputs for every operation's shapes, valid, near-valid and malformed, through the
# readers (JSONReader, RequestReader) and through the jansson path; any difference in output bytes,
# error or request stops the run. Built with libFuzzer and AddressSanitizer (LeakSanitizer included)
# into .build-fuzz/debug/IVSDiffFuzz.
#
#   scripts/fuzz-diff.sh                    bounded: IVS_DIFF_FUZZ_SECONDS (120) on a copy of the corpus (the
#                                           tree is not changed); fails on any difference, crash, leak or
#                                           sanitizer report and prints the reproducer. What CI runs.
#   scripts/fuzz-diff.sh --long SECONDS     a long run, e.g. --long 3600 (millions of inputs); inputs that add
#                                           coverage are merged into fuzz/corpus/reader-diff/ (the seeds are
#                                           committed, what a run adds need not be), findings saved in
#                                           fuzz/findings/reader-diff/; prints the count and the findings.
#   scripts/fuzz-diff.sh --runs N           exactly N bodies (then as --long).
#   scripts/fuzz-diff.sh --repro FILE...    runs inputs once, printing any report.
#
# Every run replays fuzz/findings/reader-diff/ first: a finding once fixed stays fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
root="$PWD"
bin="$root/.build-fuzz/debug/IVSDiffFuzz"
target=reader-diff

export SWIFT_BACKTRACE=enable=no
export ASAN_SYMBOLIZER_PATH=/opt/swift/usr/bin/llvm-symbolizer
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

build() {
  echo "fuzz-diff: building $bin"
  # As scripts/fuzz.sh builds its targets: debug (for @testable import IVSCore) optimised with -O,
  # every module instrumented for coverage and ASan, lld (keeps the coverage sections).
  mkdir -p .build-fuzz
  if ! IVS_FUZZ=1 swift build --scratch-path .build-fuzz --product IVSDiffFuzz --sanitize fuzzer \
      -Xswiftc -sanitize=fuzzer,address -Xswiftc -O -Xswiftc -use-ld=lld > .build-fuzz/diff-build.log 2>&1; then
    cat .build-fuzz/diff-build.log >&2
    echo "fuzz-diff: build failed" >&2
    exit 1
  fi
}

mode=bounded seconds=${IVS_DIFF_FUZZ_SECONDS:-120} runs=-1
case "${1:-}" in
  --repro)
    shift
    [ $# -ge 1 ] || { echo "usage: scripts/fuzz-diff.sh --repro FILE..." >&2; exit 2; }
    build
    exec "$bin" -runs=1 "$@"
    ;;
  --long)
    [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz-diff.sh --long SECONDS" >&2; exit 2; }
    mode=long seconds=$2
    ;;
  --runs)
    [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz-diff.sh --runs N" >&2; exit 2; }
    mode=long seconds=0 runs=$2
    ;;
  "") ;;
  *) echo "usage: scripts/fuzz-diff.sh [--long SECONDS | --runs N | --repro FILE...]" >&2; exit 2 ;;
esac

start=$(date +%s)
built_at=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift || echo "+changes")
build
echo "fuzz-diff: built in $(( $(date +%s) - start ))s"
work=$(mktemp -d /tmp/ivs-fuzz-diff.XXXXXX)
mkdir -p "$work/corpus" "$work/artifacts"
findings=()
[ -d "fuzz/findings/$target" ] && [ -n "$(ls -A "fuzz/findings/$target")" ] && findings=("fuzz/findings/$target")
if [ "$mode" = bounded ]; then
  cp -r "fuzz/corpus/$target/." "$work/corpus/" 2>/dev/null || true
  dirs=("$work/corpus" "${findings[@]}")
  artifacts="$work/artifacts/"
else
  mkdir -p "fuzz/corpus/$target" "fuzz/findings/$target"
  dirs=("$work/corpus" "fuzz/corpus/$target" "${findings[@]}")
  artifacts="$root/fuzz/findings/$target/"
fi
limit=(-max_total_time="$seconds")
[ "$runs" -ge 0 ] && limit=(-runs="$runs")
status=0
"$bin" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -dict=fuzz/reader-diff.dict -artifact_prefix="$artifacts" "${dirs[@]}" > "$work/log" 2>&1 || status=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -n 1)
grep '^reader-diff:\|^  fallbacks:' "$work/log" || true
if [ "$mode" = long ]; then
  "$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 "fuzz/corpus/$target" "$work/corpus" > "$work/merge.log" 2>&1 \
    || echo "fuzz-diff: merging the new inputs failed; see $work/merge.log" >&2
fi
echo "fuzz-diff: $(( $(date +%s) - start ))s, ${execs:-0} inputs, ${speed:-0}/s, built from $built_at"
if [ $status -ne 0 ]; then
  echo "---- fuzz-diff: a finding; the report:" >&2
  grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse|RELOAD|INITED)' "$work/log" | tail -n 60 >&2
  for f in "${artifacts%/}"/*; do
    [ -f "$f" ] || continue
    [ "$mode" = long ] && [ "$f" -ot "$work/log" ] && continue
    echo "---- reproducer $f ($(wc -c < "$f") bytes), base64:" >&2
    base64 -w 76 "$f" | head -n 40 >&2
    echo "---- reproduce: scripts/fuzz-diff.sh --repro $f" >&2
  done
  echo "fuzz-diff: work directory kept: $work" >&2
  exit 1
fi
echo "fuzz-diff: no finding"
rm -rf "$work"
