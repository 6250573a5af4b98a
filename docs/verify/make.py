#!/usr/bin/env python3
"""Writes the example logs of docs/verify.md, each in its framework's own format.

The lr values come from the golden curves (tests/golden/<dialect>/seed.runs: the reference
schedule, computed by the frameworks themselves); logs of mistakes are made with
maskrcnn-benchmark's formula, checked here to reproduce its golden curve bit for bit.
Run from the repository root: python3 docs/verify/make.py
"""
import bisect
import json
import os
import struct

OUT = "docs/verify"


def golden(dialect):
    lrs = []
    for line in open(f"tests/golden/{dialect}/seed.runs"):
        start, count, lr = line.strip().split(",")
        lrs.extend([float(lr)] * int(count))
    return lrs


def maskrcnn(t, base_lr=0.01, milestones=(50, 100), gamma=0.1, f=0.1, w=10):
    """maskrcnn-benchmark WarmupMultiStepLR.get_lr, linear warmup."""
    warmup_factor = 1
    if t < w:
        alpha = float(t) / w
        warmup_factor = f * (1 - alpha) + alpha
    return base_lr * warmup_factor * gamma ** bisect.bisect_right(milestones, t)


assert [maskrcnn(t) for t in range(150)] == golden("maskrcnn")


def write(name, text, mode="w"):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode, **({} if "b" in mode else {"newline": ""})) as f:
        f.write(text)


def detectron2(lr_of, iterations):
    lines = []
    for t in iterations:
        lines.append(json.dumps({"data_time": 0.0021, "eta_seconds": 120.5, "iteration": t,
                                 "lr": lr_of(t), "time": 0.41, "total_loss": 1.25}))
    return "\n".join(lines) + "\n"


every5 = range(4, 150, 5)
d2 = golden("detectron2")
write("detectron2/metrics.json", detectron2(lambda t: d2[t], every5))

mm = golden("mmengine")
write("mmengine/vis_data/scalars.json", "".join(
    json.dumps({"base_lr": 0.01, "lr": mm[k - 1], "data_time": 0.003, "loss": 1.25,
                "time": 0.4, "iter": k, "memory": 2810, "step": k}) + "\n"
    for k in range(5, 151, 5)))
write("mmengine/20240101_120000.log", "".join(
    f"2024/01/01 12:00:{k % 60:02d} - mmengine - INFO - Iter(train) [{k:>3}/150]  "
    f"base_lr: {0.01:.4e} lr: {mm[k - 1]:.4e}  eta: 0:00:10  time: 0.4000  loss: 1.2500\n"
    for k in range(5, 151, 5)))

tc = golden("torch-chained")
rows = ["epoch,lr-SGD,step,train_loss"]
for t in range(0, 150, 5):
    rows.append(f",{tc[t]!r},{t},")
    rows.append(f"{t // 50},,{t},1.25")
write("lightning/metrics.csv", "\r\n".join(rows) + "\r\n")


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data):
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked(length)) + data + struct.pack("<I", masked(data))


def varint(v):
    out = b""
    while v >= 0x80:
        out += bytes([(v & 0x7F) | 0x80])
        v >>= 7
    return out + bytes([v])


def field(number, data):
    return varint(number << 3 | 2) + varint(len(data)) + data


def event(step, tag, value):
    value = field(1, tag.encode()) + varint(2 << 3 | 5) + struct.pack("<f", value)
    return (varint(1 << 3 | 1) + struct.pack("<d", 1.7e9 + step) + varint(2 << 3) + varint(step)
            + field(5, field(1, value)))


version = varint(1 << 3 | 1) + struct.pack("<d", 1.7e9) + field(3, b"brain.Event:2")
write("tensorboard/events.out.tfevents.1700000000.host.1.0",
      record(version) + b"".join(record(event(t, "lr", d2[t])) for t in every5), "wb")
# A resume without the scheduler's state: the second file restarts at 70, the scheduler at 0.
restarted = [maskrcnn(t) if t < 70 else maskrcnn(t - 70) for t in range(150)]
write("resumed/events.out.tfevents.1700000000.host.1.0",
      record(version) + b"".join(record(event(t, "lr", d2[t])) for t in range(4, 90, 5)), "wb")
write("resumed/events.out.tfevents.1700003600.host.1.0",
      record(version) + b"".join(record(event(t, "lr", restarted[t])) for t in range(74, 150, 5)),
      "wb")

f32 = lambda x: struct.unpack("<f", struct.pack("<f", x))[0]
write("tensorboard-csv/run-lr.csv", "Wall time,Step,Value\n" + "".join(
    f"{1.7e9 + t!r},{t},{f32(d2[t])!r}\n" for t in every5))

# Keras: one row per epoch of 10 iterations, the lr LearningRateScheduler set at its start.
write("keras/training.csv", "epoch,accuracy,learning_rate,loss\n" + "".join(
    f"{e},0.5,{f32(maskrcnn(e * 10))!r},1.25\n" for e in range(15)))

write("table/lr.csv", "iteration,lr\n" + "".join(f"{t},{maskrcnn(t)!r}\n" for t in range(150)))

# Mistakes, each logged as detectron2 logs.
write("mistakes/restarted.json", detectron2(lambda t: restarted[t], every5))
write("mistakes/epochs.json", detectron2(lambda t: maskrcnn(t, milestones=(5, 10)), every5))
tseq = golden("torch-sequential")
write("mistakes/torch-sequential.json", detectron2(lambda t: tseq[t], range(150)))
write("mistakes/shifted.json",
      detectron2(lambda t: maskrcnn(t, milestones=(51, 101)), range(150)))
write("mistakes/scaled-twice.json", detectron2(lambda t: maskrcnn(t, base_lr=0.08), every5))
write("mistakes/one-step-ahead.json", detectron2(lambda t: maskrcnn(t + 1), every5))
