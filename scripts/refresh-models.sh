#!/usr/bin/env bash
# Copy the models of the services models/services.json lists from the installed botocore into models/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
data=$("$PY" -c 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data"))')
echo "botocore $("$PY" -c 'import botocore; print(botocore.__version__)') at $data"
for s in $(python3 tools/codegen/services.py); do
  v=$(python3 -c "import json,sys; print(next(x['apiVersion'] for x in json.load(open('models/services.json'))['services'] if x['name'] == sys.argv[1]))" "$s")
  mkdir -p "models/$s/$v"
  for f in service-2 endpoint-rule-set-1; do
    gunzip -c "$data/$s/$v/$f.json.gz" > "models/$s/$v/$f.json"
  done
  cp "$data/$s/$v/paginators-1.json" "models/$s/$v/"
done
# The partitions table (DNS suffixes, FIPS/dual-stack support) the endpoint rule sets evaluate against.
cp "$data/partitions.json" models/partitions.json
