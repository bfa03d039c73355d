#!/usr/bin/env bash
# Copy the ivs, ivs-realtime and ivschat models from the installed botocore into models/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
data=$("$PY" -c 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data"))')
echo "botocore $("$PY" -c 'import botocore; print(botocore.__version__)') at $data"
for s in ivs ivs-realtime ivschat; do
  mkdir -p "models/$s/2020-07-14"
  for f in service-2 endpoint-rule-set-1; do
    gunzip -c "$data/$s/2020-07-14/$f.json.gz" > "models/$s/2020-07-14/$f.json"
  done
  cp "$data/$s/2020-07-14/paginators-1.json" "models/$s/2020-07-14/"
done
# The partitions table (DNS suffixes, FIPS/dual-stack support) the endpoint rule sets evaluate against.
cp "$data/partitions.json" models/partitions.json
