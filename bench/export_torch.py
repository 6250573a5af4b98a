#!/usr/bin/env python3
"""Runs `lrsched export --to torch` under PyTorch itself and compares every iteration's lr with
the source curve and with the export's own check line (docs/export.md, "Checked by the
frameworks themselves").

    python3 bench/export_torch.py [path/to/lrsched]     # needs torch importable

For each case: the export's whole output is run as Python (its header lines are comments), the
scheduler is stepped `iters` times after optimizer.step(), the lr read before each step is
compared bit for bit with `lrsched table` of the source, and the count of differing iterations
must equal what the check line claims. Exits 1 on any mismatch.
"""
import re
import subprocess
import sys
import warnings

import torch

LRSCHED = sys.argv[1] if len(sys.argv) > 1 else "target/debug/lrsched"
CASES = [
    [],
    ["schedules/detectron2-1x.toml"],
    ["schedules/mmdet-1x.toml"],
    ["--milestones", "30,40", "--iters", "50"],
    ["--dialect", "torch-sequential"],
    ["--dialect", "torch-chained"],
    ["--warmup-method", "constant"],
    ["--warmup-iters", "0"],
    ["--milestones", "5,50", "--warmup-iters", "20"],
]


def lrsched(*args):
    done = subprocess.run([LRSCHED, *args], capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"lrsched {' '.join(args)}: {done.stderr}")
    return done.stdout


def claimed(text):
    check = re.search(r"^# check: (.*)$", text, re.M).group(1)
    if check.startswith("identical"):
        return 0
    return int(re.match(r"(\d+) iterations? differ", check).group(1))


def main():
    warnings.simplefilter("ignore")
    failures = 0
    print(f"torch {torch.__version__}, lrsched {lrsched('--version').strip()}")
    for case in CASES:
        text = lrsched("export", "--to", "torch", *case)
        scope = {}
        exec(compile(text, "export", "exec"), scope)
        optimizer, scheduler, iters = scope["optimizer"], scope["scheduler"], scope["iters"]
        got = []
        for _ in range(iters):
            got.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
        source = [float(v) for v in lrsched("table", *case, "--columns", "lr").split()[1:]]
        differing = sum(1 for a, b in zip(got, source) if a != b) + abs(len(got) - len(source))
        ok = differing == claimed(text)
        failures += not ok
        construction = re.search(r"\(dialect (torch-\w+)\)", text).group(1)
        print(
            f"{'ok  ' if ok else 'FAIL'} {' '.join(case) or '(reference example)'}: {construction}, "
            f"{differing} of {iters} iterations differ from the source under torch, "
            f"the check says {claimed(text)}"
        )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
