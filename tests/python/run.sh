#!/usr/bin/env bash
# Runs the Python ctypes test of the C ABI (dlopen from a non-C host) against a sandbox it starts.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/sandbox.sh
. scripts/sandbox.sh
start_sandbox --queue-ms 30 --print-ms 30
python3 -m unittest -v tests/python/test_ctypes.py
