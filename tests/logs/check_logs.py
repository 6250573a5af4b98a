#!/usr/bin/env python3
"""Read every run's log under tests/logs/ and compare its learning rates with its schedule.toml.

This is how the numbers in README.md were derived (and cross-checked): the logged points are
read with each format's own rules, mapped to the 0-based iteration whose lr they are, and
compared with `lrsched table` of the run's schedule.toml (`keras` runs: with Keras'
PiecewiseConstantDecay formula, f32(B * g**k), k = #{m : i > m}, until lrsched has that dialect).
Values logged as float32 (TensorBoard simple_value and tensors, Keras variables) are compared
with the expected value rounded to float32.

    python check_logs.py [--lrsched PATH] [RUN...]

Needs the `tensorboard` package (event files); everything else is the standard library.
"""
import argparse
import csv
import glob
import io
import json
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


# ---------------------------------------------------------------------------- readers
# Each returns [(raw_step, lr)], in file order, after the format's own replacement rules.


def read_detectron2(run):
    points = {}
    for line in open(os.path.join(run, "metrics.json")):
        rec = json.loads(line)
        if "lr" in rec:
            points[rec["iteration"]] = rec["lr"]  # a resumed run's later line replaces
    return sorted(points.items())


def read_mmengine(run):
    (path,) = glob.glob(os.path.join(run, "*", "vis_data", "scalars.json"))
    return [(r["step"], r["lr"]) for r in map(json.loads, open(path)) if "lr" in r]


def read_lightning(run):
    (path,) = glob.glob(os.path.join(run, "lightning_logs", "version_*", "metrics.csv"))
    return [(int(r["step"]), float(r["lr-SGD"])) for r in csv.DictReader(open(path))
            if r["lr-SGD"]]


def read_tfevents(run, tag):
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    from tensorboard.util import tensor_util

    points = []
    for path in sorted(glob.glob(os.path.join(run, "events.out.tfevents.*"))):
        for event in EventFileLoader(path).Load():
            for v in event.summary.value:
                if v.tag != tag:
                    continue
                if v.HasField("tensor"):
                    value = float(tensor_util.make_ndarray(v.tensor))
                else:
                    value = float(v.simple_value)
                # TensorBoard's purge of orphaned data: a step at or below one already seen
                # drops every point from that step on
                points = [p for p in points if p[0] < event.step]
                points.append((event.step, value))
    return points


def read_tb_csv(run):
    (path,) = glob.glob(os.path.join(run, "*.csv"))
    rows = list(csv.reader(open(path, newline="")))
    assert rows[0] == ["Wall time", "Step", "Value"], rows[0]
    return [(int(r[1]), float(r[2])) for r in rows[1:]]


def read_keras_csv(run):
    return [(int(r["epoch"]), float(r["learning_rate"]))
            for r in csv.DictReader(open(os.path.join(run, "training.csv")))]


# run -> (format, reader, raw step -> 0-based iteration whose lr it is, float32?)
RUNS = {
    "detectron2-correct": ("detectron2 metrics.json", read_detectron2, lambda s: s, False),
    "detectron2-resume-no-scheduler-state": ("detectron2 metrics.json", read_detectron2,
                                             lambda s: s, False),
    "mmengine-iter-correct": ("mmengine scalars.json", read_mmengine, lambda s: s - 1, False),
    "mmengine-epoch-correct": ("mmengine scalars.json", read_mmengine, lambda s: s - 1, False),
    "mmengine-epoch-milestones-per-iter": ("mmengine scalars.json", read_mmengine,
                                           lambda s: s - 1, False),
    "lightning-correct": ("lightning metrics.csv", read_lightning, lambda s: s, False),
    "lightning-lr-scaled-twice": ("lightning metrics.csv", read_lightning, lambda s: s, False),
    "tensorboard-torch": ("tfevents simple_value", lambda r: read_tfevents(r, "train/lr"),
                          lambda s: s, True),
    "tensorboard-torch-restart": ("tfevents simple_value",
                                  lambda r: read_tfevents(r, "train/lr"), lambda s: s, True),
    "tensorboard-csv-export": ("tensorboard csv", read_tb_csv, lambda s: s, True),
    "keras-csvlogger": ("keras CSVLogger", read_keras_csv, lambda e: 20 * e, True),
    "keras-tensorboard": ("tfevents tensor",
                          lambda r: read_tfevents(os.path.join(r, "train"),
                                                  "epoch_learning_rate"),
                          lambda e: 20 * (e + 1), True),
    "keras-tensorboard-epoch-boundaries": ("tfevents tensor",
                                           lambda r: read_tfevents(os.path.join(r, "train"),
                                                                   "epoch_learning_rate"),
                                           lambda e: 20 * (e + 1), True),
}


# wrong runs: what the logged points equal instead, checked point by point:
# (lrsched flags over the run's schedule.toml, iteration shift r: lr(i) = alt(i - r), first step)
EXPLANATIONS = {
    "detectron2-resume-no-scheduler-state": ([], 500, 519),
    "mmengine-epoch-milestones-per-iter": (["--milestones", "8,11"], 0, 0),
    "lightning-lr-scaled-twice": (["--base-lr", "0.08"], 0, 0),
    "keras-tensorboard-epoch-boundaries": (["--milestones", "8,11"], 0, 0),
}


def parse_toml(path):
    import tomllib

    with open(path, "rb") as f:
        return tomllib.load(f)


def expected_curve(run, lrsched, flags=()):
    toml = os.path.join(run, "schedule.toml")
    sched = parse_toml(toml)
    if sched.get("dialect") == "keras":
        b, g, ms = sched["base_lr"], sched["gamma"], sched["milestones"]
        if "--milestones" in flags:
            ms = [int(m) for m in flags[flags.index("--milestones") + 1].split(",")]
        return lambda i: f32(b * g ** sum(i > m for m in ms)), "keras formula"
    out = subprocess.run([lrsched, "table", toml, *flags],
                         capture_output=True, text=True, check=True).stdout
    rows = list(csv.reader(io.StringIO(out)))[1:]
    table = [float(r[1]) for r in rows]
    return (lambda i: table[i] if i < len(table) else table[-1]), "lrsched table"


def describe(name, lrsched):
    fmt, reader, to_iter, is_f32 = RUNS[name]
    run = os.path.join(HERE, name)
    points = reader(run)
    expected, source = expected_curve(run, lrsched)
    steps = [s for s, _ in points]
    gaps = sorted({b - a for a, b in zip(steps, steps[1:])})
    print(f"== {name} ({fmt}; expected from {source})")
    print(f"   points {len(points)}, steps {steps[0]}..{steps[-1]}, gaps {gaps[:6]}")
    bad = []
    for step, lr in points:
        want = expected(to_iter(step))
        want_cmp = f32(want) if is_f32 else want
        if lr != want_cmp:
            bad.append((step, to_iter(step), lr, want))
    if not bad:
        print("   every point equals the schedule" + (" (as float32)" if is_f32 else ""))
        return
    step, it, lr, want = bad[0]
    print(f"   {len(bad)} of {len(points)} points differ; first at step {step} "
          f"(iteration {it}): logged {lr!r}, expected {want!r}"
          + (f" (float32 {f32(want)!r})" if is_f32 else ""))
    step, it, lr, want = bad[-1]
    print(f"   last at step {step} (iteration {it}): logged {lr!r}, expected {want!r}")
    ratios = sorted({lr / want for _, _, lr, want in bad})
    if len(ratios) <= 3:
        print(f"   logged/expected: {ratios}")
    if name in EXPLANATIONS:
        flags, shift, first = EXPLANATIONS[name]
        alt, _ = expected_curve(run, lrsched, flags)
        # the later points only (a resumed run's earlier points are the correct schedule)
        later = [(s, lr) for s, lr in points if s >= first]
        cmp = (lambda x: f32(x)) if is_f32 else (lambda x: x)
        ok = all(lr == cmp(alt(to_iter(s) - shift)) for s, lr in later)
        print(f"   steps >= {first}: {'every' if ok else 'NOT every'} point equals the "
              f"schedule with {' '.join(flags) or 'no change'}"
              + (f" shifted by {shift} iterations" if shift else ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lrsched", default=os.path.join(HERE, "..", "..", "target", "debug",
                                                      "lrsched"))
    ap.add_argument("runs", nargs="*")
    args = ap.parse_args()
    for name in args.runs or RUNS:
        describe(name, args.lrsched)


if __name__ == "__main__":
    sys.exit(main())
