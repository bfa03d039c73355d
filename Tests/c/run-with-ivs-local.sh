#!/usr/bin/env bash
# Runs one test program against a fresh ivs-local: starts `tools/ivs-local --port 0`, exports its base
# URL as IVS_LOCAL_URL, runs the command, and stops ivs-local whatever happens. ctest runs every C test
# through this script, so each test owns its emulator (tests may run in parallel and reset freely).
#
#   run-with-ivs-local.sh [--valgrind SUPPRESSIONS] COMMAND [ARGS...]
#
# The interpreter is $IVS_PYTHON, else the repository's .venv/bin/python, else python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

valgrind=()
if [ "${1:-}" = "--valgrind" ]; then
  # definite leaks and memory errors fail the test; "possibly lost" and "still reachable" blocks are
  # the process-lifetime caches of the Swift runtime, OpenSSL and libcurl (see valgrind.supp).
  # Extra options (e.g. --track-origins=yes, which doubles the run time) come from $IVS_VALGRIND_OPTIONS.
  # shellcheck disable=SC2206
  valgrind=(valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
            --show-leak-kinds=definite --num-callers=30 --suppressions="$2" ${IVS_VALGRIND_OPTIONS:-})
  shift 2
fi

py="${IVS_PYTHON:-}"
if [ -z "$py" ]; then
  if [ -x "$root/.venv/bin/python" ]; then py="$root/.venv/bin/python"; else py=python3; fi
fi

tmp="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$py" "$root/tools/ivs-local" --port 0 > "$tmp/url" 2> "$tmp/stderr" &
server=$!
url=""
for _ in $(seq 1 300); do
  if [ -s "$tmp/url" ]; then url="$(head -n 1 "$tmp/url")"; break; fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.05
done
case "$url" in
  http://*) ;;
  *) echo "run-with-ivs-local: ivs-local did not start:" >&2; cat "$tmp/stderr" >&2; exit 1 ;;
esac

export IVS_LOCAL_URL="$url"
status=0
if [ ${#valgrind[@]} -gt 0 ]; then
  # valgrind 3.19 cannot read the DWARF 5 debug info of the Swift runtime linked into libivs.so and says
  # so in 8 lines per run; its report is shown without them (symbols still come from the symbol table).
  "${valgrind[@]}" --log-file="$tmp/valgrind.log" "$@" || status=$?
  grep -Ev 'unhandled dwarf2 abbrev form code|get_Form_szB: unhandled|Serious error when reading debug info|When reading debug info from|get_Form_contents: unhandled' \
    "$tmp/valgrind.log" >&2 || true
else
  "$@" || status=$?
fi
if [ "$status" -ne 0 ] && [ -s "$tmp/stderr" ]; then
  echo "--- ivs-local stderr ---" >&2; tail -n 20 "$tmp/stderr" >&2
fi
exit "$status"
