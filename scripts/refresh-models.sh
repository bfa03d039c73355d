#!/usr/bin/env bash
# Refresh models/ from the newest botocore on PyPI, in one command:
#
#   scripts/refresh-models.sh              # the newest botocore
#   scripts/refresh-models.sh 1.44.8       # a given version
#
# Installs botocore into a throwaway virtual environment in a temporary directory (removed on exit),
# copies the models of the services models/services.json lists (service-2, paginators-1,
# endpoint-rule-set-1) and partitions.json, records the botocore version as "botocore" in
# models/services.json (the generator reads it there) and in the docs that name it, moves the
# boto3/botocore pins of requirements-dev.txt (the reference the differential test and the fixtures
# compare against) to that version, and regenerates the tables. Then run ./scripts/setup.sh, the
# fixture scripts (tools/fixtures/make_vectors.py, Tests/config/make_fixtures.py), the Python stubs
# (bindings/python/gen_stubs.py) and ./scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
want=${1:-}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PY" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir "botocore${want:+==$want}"
data=$("$tmp/venv/bin/python" -c 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data"))')
ver=$("$tmp/venv/bin/python" -c 'import botocore; print(botocore.__version__)')
echo "refresh-models: botocore $ver"

for s in $("$PY" tools/codegen/services.py); do
  v=$("$PY" -c "import json,sys; print(next(x['apiVersion'] for x in json.load(open('models/services.json'))['services'] if x['name'] == sys.argv[1]))" "$s")
  [ -d "$data/$s/$v" ] || { echo "refresh-models: botocore $ver has no $s/$v" >&2; exit 1; }
  mkdir -p "models/$s/$v"
  for f in service-2 endpoint-rule-set-1; do
    gunzip -c "$data/$s/$v/$f.json.gz" > "models/$s/$v/$f.json"
  done
  cp "$data/$s/$v/paginators-1.json" "models/$s/$v/"
done
# The partitions table (DNS suffixes, FIPS/dual-stack support) the endpoint rule sets evaluate against.
cp "$data/partitions.json" models/partitions.json

# Record the version where the generator (tools/codegen/services.py) reads it, and in the docs that
# name it.
old=$("$PY" -c 'import json; print(json.load(open("models/services.json"))["botocore"])')
"$PY" - "$ver" <<'EOF'
import json, re, sys
path = "models/services.json"
text = open(path, encoding="utf-8").read()
new, n = re.subn(r'"botocore": "[^"]*"', f'"botocore": "{sys.argv[1]}"', text, count=1)
if n != 1:
    raise SystemExit('refresh-models: models/services.json has no "botocore" field')
json.loads(new)
open(path, "w", encoding="utf-8").write(new)
EOF

sed -i "s/botocore ${old//./\\.}\\b/botocore $ver/g" README.md models/README.md docs/design.md
# boto3 is released with botocore, version for version.
sed -i -E "s/^(boto3|botocore)==.*/\\1==$ver/" requirements-dev.txt

"$PY" tools/codegen/generate.py
