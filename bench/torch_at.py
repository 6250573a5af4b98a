#!/usr/bin/env python3
"""`lrsched at -` against PyTorch's schedulers over the same iterations.

The iterations 0 .. N-1 (N = 10^6 by default) are written to a file, one per line. lrsched
reads them from stdin (`lrsched at - < FILE`, the whole process timed: start-up, parsing,
output to /dev/null). PyTorch reads the same file and evaluates each iteration the way a
PyTorch scheduler can be evaluated: it is stateful, so it is stepped from construction up to
each requested iteration and `optimizer.param_groups[0]["lr"]` is read there. Only that loop is
timed (not Python's start-up, not `import torch`), which favours PyTorch.

Two PyTorch schedulers, both on `SGD([p], lr=base_lr)`:
- maskrcnn-benchmark's `WarmupMultiStepLR` (an `LRScheduler` subclass, copied below from
  maskrcnn_benchmark/solver/lr_scheduler.py, MIT licence): exactly lrsched's default schedule,
  so its values are also checked bit for bit against lrsched's output;
- torch's own `ChainedScheduler([LinearLR, MultiStepLR])` (lrsched's `torch-chained` dialect;
  timed only, its recursive arithmetic differs in the last bits from the default dialect).

Skips with a message (exit 0) when torch is not installed. Not run by CI: it takes a minute.

usage: torch_at.py [--iters N] [--rounds R] [--torch-rounds R] LRSCHED
"""

import argparse
import bisect
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

BASE_LR, MILESTONES, GAMMA, WARMUP_FACTOR, WARMUP_ITERS = 0.02, [210000, 250000], 0.1, 0.001, 1000
SCHEDULE_FLAGS = [
    "--base-lr", "0.02", "--milestones", "210000,250000", "--gamma", "0.1",
    "--warmup-factor", "0.001", "--warmup-iters", "1000",
]


def maskrcnn_scheduler(torch, optimizer):
    """maskrcnn-benchmark's WarmupMultiStepLR, as published (linear warmup branch kept)."""
    base = getattr(torch.optim.lr_scheduler, "LRScheduler", None) or \
        torch.optim.lr_scheduler._LRScheduler

    class WarmupMultiStepLR(base):
        def __init__(self, optimizer, milestones, gamma=0.1, warmup_factor=1.0 / 3,
                     warmup_iters=500, warmup_method="linear", last_epoch=-1):
            if not list(milestones) == sorted(milestones):
                raise ValueError(
                    "Milestones should be a list of" " increasing integers. Got {}", milestones)
            self.milestones = milestones
            self.gamma = gamma
            self.warmup_factor = warmup_factor
            self.warmup_iters = warmup_iters
            self.warmup_method = warmup_method
            super().__init__(optimizer, last_epoch)

        def get_lr(self):
            warmup_factor = 1
            if self.last_epoch < self.warmup_iters:
                if self.warmup_method == "constant":
                    warmup_factor = self.warmup_factor
                elif self.warmup_method == "linear":
                    alpha = float(self.last_epoch) / self.warmup_iters
                    warmup_factor = self.warmup_factor * (1 - alpha) + alpha
            return [
                base_lr * warmup_factor * self.gamma ** bisect.bisect_right(
                    self.milestones, self.last_epoch)
                for base_lr in self.base_lrs
            ]

    return WarmupMultiStepLR(optimizer, MILESTONES, GAMMA, WARMUP_FACTOR, WARMUP_ITERS, "linear")


def chained_scheduler(torch, optimizer):
    lr_scheduler = torch.optim.lr_scheduler
    return lr_scheduler.ChainedScheduler([
        lr_scheduler.LinearLR(optimizer, start_factor=WARMUP_FACTOR, end_factor=1.0,
                              total_iters=WARMUP_ITERS),
        lr_scheduler.MultiStepLR(optimizer, MILESTONES, GAMMA),
    ])


def torch_values(torch, make_scheduler, path):
    """Seconds spent and the lr at every iteration listed in `path` (ascending)."""
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=BASE_LR)
    start = time.perf_counter()
    scheduler = make_scheduler(torch, optimizer)
    group = optimizer.param_groups[0]
    values = []
    steps = 0
    with open(path) as lines:
        for line in lines:
            target = int(line)
            while steps < target:
                scheduler.step()
                steps += 1
            values.append(group["lr"])
    return time.perf_counter() - start, values


def lrsched_run(lrsched, path, iters):
    """Seconds for the whole `lrsched at - < path` process, and its output."""
    with open(path, "rb") as stdin:
        start = time.perf_counter()
        done = subprocess.run([lrsched, "at", "-", *SCHEDULE_FLAGS, "--iters", str(max(iters, 270000))],
                              stdin=stdin, stdout=subprocess.PIPE, check=True)
        return time.perf_counter() - start, done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lrsched", help="path to the lrsched binary")
    parser.add_argument("--iters", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=11, help="lrsched repetitions")
    parser.add_argument("--torch-rounds", type=int, default=3, help="PyTorch repetitions")
    args = parser.parse_args()
    # step() before optimizer.step(), numpy missing: irrelevant here.
    warnings.filterwarnings("ignore")
    try:
        import torch
    except ImportError:
        print("torch_at.py: skipped: PyTorch is not installed (pip install torch)")
        return 0

    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "iterations.txt")
        with open(path, "w") as out:
            out.write("".join(f"{t}\n" for t in range(args.iters)))
        lrsched_times = []
        for _ in range(args.rounds):
            elapsed, output = lrsched_run(args.lrsched, path, args.iters)
            lrsched_times.append(elapsed)
        ours = [float(text) for text in output.split()]

        rows = []
        for name, make in [("maskrcnn-benchmark WarmupMultiStepLR", maskrcnn_scheduler),
                           ("torch ChainedScheduler(LinearLR, MultiStepLR)", chained_scheduler)]:
            times = []
            for _ in range(args.torch_rounds):
                elapsed, values = torch_values(torch, make, path)
                times.append(elapsed)
            if make is maskrcnn_scheduler:
                mismatches = sum(a.hex() != b.hex() for a, b in zip(values, ours))
                if mismatches or len(values) != len(ours):
                    sys.exit(f"torch_at.py: {mismatches} values differ from lrsched's")
            rows.append((name, statistics.median(times)))

    lrsched_median = statistics.median(lrsched_times)
    print(f"torch {torch.__version__}, {args.iters} iterations from stdin "
          f"(maskrcnn values identical to lrsched's, bit for bit)")
    print()
    print("| run | median | time against lrsched |")
    print("|---|---|---|")
    print(f"| `lrsched at -` (whole process, from Python) | {lrsched_median * 1000:.1f} ms | 1 |")
    for name, median in rows:
        print(f"| {name} (stepping loop only) | {median * 1000:.0f} ms | "
              f"{median / lrsched_median:.0f}x slower |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
