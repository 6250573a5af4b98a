#!/bin/sh
# Regenerate tests/logs/ from scratch: a venv with the frameworks at the versions that made the
# committed files, then every run (make_logs.py), then the comparison that README.md quotes
# (check_logs.py, which needs ./target/debug/lrsched: run `cargo build` first).
# CI never runs this: the outputs are committed. Takes about 5 minutes on 2 cores, and about
# 7 GB of disk for the venv (torch from PyPI brings its CUDA libraries).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv=${LOGVENV:-/tmp/logvenv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q \
    torch==2.15.0 fvcore==0.1.5.post20221221 mmengine==0.10.7 lightning==2.6.6 \
    tensorboard==2.21.0 tensorflow-cpu==2.21.0 keras==3.15.1 numpy==2.4.6
"$venv/bin/python" "$here/make_logs.py" "$@"
"$venv/bin/python" "$here/check_logs.py" "$@"
