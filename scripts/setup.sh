#!/usr/bin/env bash
# Installs everything the build, the demo and the tests need on a fresh Debian 12 machine with Swift at
# /opt/swift: the C libraries and build tools from apt, and a Python virtual environment at .venv.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

apt_pkgs=(libcurl4-openssl-dev libssl-dev libjansson-dev libexpat1-dev libglib2.0-dev pkg-config binutils cmake ninja-build valgrind python3-venv
          g++ clang nlohmann-json3-dev golang-go)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(sha256sum requirements-dev.txt | cut -d" " -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: pip install -r requirements-dev.txt"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi
# botocore[crt] in a virtual environment of its own: the reference for `aws login` credentials (botocore's
# login provider needs awscrt), kept out of .venv because awscrt changes how every botocore client signs.
crt=.build-botocore-crt
pin=$(sed -n 's/^botocore\(\[[a-z,]*\]\)\{0,1\}==//p' requirements-dev.txt)
if ! "$crt/bin/python" -c "import awscrt, botocore, sys; sys.exit(botocore.__version__ != '$pin')" 2>/dev/null; then
  echo "setup: botocore[crt]==$pin in $crt"
  "$PY" -m venv "$crt"
  "$crt/bin/pip" install -q --disable-pip-version-check "botocore[crt]==$pin"
fi
command -v swift >/dev/null || { echo "setup: swift not found (expected at /opt/swift/usr/bin)" >&2; exit 1; }
echo "setup: ok"
