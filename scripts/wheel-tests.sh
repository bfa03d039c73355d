#!/usr/bin/env bash
# The packaging suite, Tests/wheel: the wheel `pip wheel bindings/python` builds (platform tag,
# contents, RECORD, the stripped library), docs/python.md's install commands run as written in fresh
# virtual environments without network, calls against ivs-local from each, and scripts/python-wheel.sh
# (auditwheel's report, the repaired manylinux wheel, the sdist). Uses .build/release/libivs.so (the
# build backend builds it when missing or stale) and .venv (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
exec .venv/bin/python -m pytest -q -p no:cacheprovider --timeout 900 Tests/wheel "$@"
