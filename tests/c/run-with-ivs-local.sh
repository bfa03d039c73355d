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
"${valgrind[@]}" "$@" || status=$?
if [ "$status" -ne 0 ] && [ -s "$tmp/stderr" ]; then
  echo "--- ivs-local stderr ---" >&2; tail -n 20 "$tmp/stderr" >&2
fi
exit "$status"
