#!/usr/bin/env bash
# Runs a command with the environment a reader of the documentation would have for ivs-local: the
# endpoint (IVS_LOCAL_URL, from run-with-ivs-local.sh) in AWS_ENDPOINT_URL, the credentials test/test,
# region us-west-2, and no shared config or credentials files (so that ~/.aws never leaks in).
set -euo pipefail
: "${IVS_LOCAL_URL:?run this under Tests/c/run-with-ivs-local.sh}"
export AWS_ENDPOINT_URL="$IVS_LOCAL_URL" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-west-2
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION AWS_ENDPOINT_URL_IVS AWS_ENDPOINT_URL_IVS_REALTIME AWS_ENDPOINT_URL_IVSCHAT
exec "$@"
