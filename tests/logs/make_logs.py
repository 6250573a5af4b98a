#!/usr/bin/env python3
"""Regenerate the training logs under tests/logs/ by running the frameworks on a tiny model.

Every run trains the same tiny regression model (nn.Linear(8, 1) or keras Dense(1) on fixed
random data) for a few hundred to a few thousand iterations, with the framework's own scheduler
and the framework's own logger, and keeps exactly the files that logger writes. See README.md
(the table of runs) and make_logs.sh (the pinned packages).

    python make_logs.py            # every run, each in its own process
    python make_logs.py RUN...     # only these runs (directory names)

Each run's directory is wiped first. Wall times, timestamps in file names and measured
durations differ from one regeneration to the next; learning rates, steps and losses do not.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRATCH = "/tmp/lrsched-logs-scratch"  # checkpoints: never committed


def out_dir(name):
    return os.path.join(HERE, name)


def fresh_dir(name):
    d = out_dir(name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def scratch_dir(name):
    d = os.path.join(SCRATCH, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


# --------------------------------------------------------------------------------------------
# The tiny model and data, shared by the torch runs
# --------------------------------------------------------------------------------------------


def torch_problem(seed=0):
    import torch

    torch.manual_seed(seed)
    x = torch.randn(256, 8)
    w = torch.randn(8, 1)
    y = x @ w + 0.1 * torch.randn(256, 1)
    model = torch.nn.Linear(8, 1)
    return model, x, y


def torch_batch(x, y, i, batch=16):
    j = (i * batch) % x.shape[0]
    return x[j : j + batch], y[j : j + batch]


# --------------------------------------------------------------------------------------------
# detectron2: metrics.json
#
# detectron2 is not on PyPI. What follows is our own minimal re-implementation (not a copy) of
# the parts of detectron2 that decide what metrics.json holds, read from detectron2's sources
# (detectron2/utils/events.py: EventStorage, JSONWriter; detectron2/engine/train_loop.py:
# TrainerBase.train, SimpleTrainer.run_step/_write_metrics; detectron2/engine/hooks.py:
# IterationTimer, LRScheduler, EvalHook, PeriodicWriter; detectron2/solver/build.py:
# build_lr_scheduler; detectron2/solver/lr_scheduler.py: WarmupParamScheduler, LRMultiplier;
# tools/plain_train_net.py: do_train). The schedule arithmetic is fvcore's own
# MultiStepParamScheduler / CompositeParamScheduler / LinearParamScheduler, and the scheduler
# is a torch LRScheduler, exactly as detectron2 composes them.
# --------------------------------------------------------------------------------------------


class D2EventStorage:
    """detectron2.utils.events.EventStorage, the scalar part."""

    def __init__(self, start_iter=0):
        from collections import defaultdict

        from fvcore.common.history_buffer import HistoryBuffer

        self._history = defaultdict(HistoryBuffer)
        self._smoothing_hints = {}
        self._latest_scalars = {}
        self.iter = start_iter

    def put_scalar(self, name, value, smoothing_hint=True, cur_iter=None):
        cur_iter = self.iter if cur_iter is None else cur_iter
        value = float(value)
        self._history[name].update(value, cur_iter)
        self._latest_scalars[name] = (value, cur_iter)
        hint = self._smoothing_hints.setdefault(name, smoothing_hint)
        assert hint == smoothing_hint, name

    def put_scalars(self, *, smoothing_hint=True, cur_iter=None, **kwargs):
        for k, v in kwargs.items():
            self.put_scalar(k, v, smoothing_hint=smoothing_hint, cur_iter=cur_iter)

    def history(self, name):
        return self._history[name]

    def count_samples(self, name, window_size=20):
        samples = 0
        data = self._history[name].values()
        for _, iter_ in reversed(data):
            if iter_ > data[-1][1] - window_size:
                samples += 1
            else:
                break
        return samples

    def latest_with_smoothing_hint(self, window_size=20):
        result = {}
        for k, (v, itr) in self._latest_scalars.items():
            smoothed = self._history[k].median(self.count_samples(k, window_size))
            result[k] = (smoothed if self._smoothing_hints[k] else v, itr)
        return result


class D2JSONWriter:
    """detectron2.utils.events.JSONWriter: one JSON object per line, appended."""

    def __init__(self, json_file, window_size=20):
        self._file_handle = open(json_file, "a")
        self._window_size = window_size
        self._last_write = -1

    def write(self, storage):
        from collections import defaultdict

        to_save = defaultdict(dict)
        for k, (v, itr) in storage.latest_with_smoothing_hint(self._window_size).items():
            if itr <= self._last_write:  # keep scalars that have not been written
                continue
            to_save[itr][k] = v
        if len(to_save):
            self._last_write = max(sorted(to_save.keys()))
        for itr, scalars_per_iter in to_save.items():
            scalars_per_iter["iteration"] = itr
            self._file_handle.write(json.dumps(scalars_per_iter, sort_keys=True) + "\n")
        self._file_handle.flush()
        os.fsync(self._file_handle.fileno())

    def close(self):
        self._file_handle.close()


def d2_build_lr_scheduler(optimizer, base_steps, gamma, max_iter, warmup_factor, warmup_iters,
                          warmup_method="linear"):
    """detectron2.solver.build_lr_scheduler for SOLVER.LR_SCHEDULER_NAME = WarmupMultiStepLR."""
    import torch
    from fvcore.common.param_scheduler import (
        CompositeParamScheduler,
        ConstantParamScheduler,
        LinearParamScheduler,
        MultiStepParamScheduler,
    )

    steps = [x for x in base_steps if x <= max_iter]
    sched = MultiStepParamScheduler(
        values=[gamma**k for k in range(len(steps) + 1)], milestones=steps, num_updates=max_iter
    )
    # WarmupParamScheduler(sched, warmup_factor, warmup_length, warmup_method,
    # rescale_interval=False)
    warmup_length = min(warmup_iters / max_iter, 1.0)
    end_value = sched(warmup_length)
    start_value = warmup_factor * sched(0.0)
    if warmup_method == "constant":
        warmup = ConstantParamScheduler(start_value)
    else:
        warmup = LinearParamScheduler(start_value, end_value)
    multiplier = CompositeParamScheduler(
        [warmup, sched], interval_scaling=["rescaled", "fixed"],
        lengths=[warmup_length, 1 - warmup_length],
    )

    class LRMultiplier(torch.optim.lr_scheduler.LRScheduler):
        # every step: lr = initial lr * multiplier(last_epoch / max_iter)
        def __init__(self, optimizer, multiplier, max_iter, last_iter=-1):
            self._multiplier = multiplier
            self._max_iter = max_iter
            super().__init__(optimizer, last_epoch=last_iter)

        def state_dict(self):
            return {"base_lrs": self.base_lrs, "last_epoch": self.last_epoch}

        def get_lr(self):
            m = self._multiplier(self.last_epoch / self._max_iter)
            return [base_lr * m for base_lr in self.base_lrs]

    return LRMultiplier(optimizer, multiplier, max_iter)


D2_SOLVER = dict(base_lr=0.02, steps=(1200, 1600), gamma=0.1, max_iter=2000,
                 warmup_factor=0.001, warmup_iters=100)


def d2_loss_dict(model, x, y):
    import torch

    pred = model(x)
    return {
        "loss_mse": torch.nn.functional.mse_loss(pred, y),
        "loss_reg": 1e-4 * (model.weight**2).sum(),
    }


def run_detectron2_correct():
    """DefaultTrainer's hooks: IterationTimer, LRScheduler, EvalHook(500), PeriodicWriter(20)."""
    import numpy as np
    import torch

    d = fresh_dir("detectron2-correct")
    s = D2_SOLVER
    model, x, y = torch_problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=s["base_lr"], momentum=0.9)
    scheduler = d2_build_lr_scheduler(optimizer, s["steps"], s["gamma"], s["max_iter"],
                                      s["warmup_factor"], s["warmup_iters"])
    writer = D2JSONWriter(os.path.join(d, "metrics.json"))
    max_iter, start_iter, period, eval_period = s["max_iter"], 0, 20, 500
    storage = D2EventStorage(start_iter)

    def do_eval():
        with torch.no_grad():
            val = torch.nn.functional.mse_loss(model(x), y).item()
        storage.put_scalars(**{"validation/mse": val}, smoothing_hint=False)

    def eta(it):
        # CommonMetricPrinter.write puts eta_seconds before JSONWriter writes
        if it == max_iter:
            return
        eta_seconds = storage.history("time").median(1000) * (max_iter - it - 1)
        storage.put_scalar("eta_seconds", eta_seconds, smoothing_hint=False)

    it = start_iter
    for it in range(start_iter, max_iter):
        storage.iter = it
        step_start = time.perf_counter()
        # SimpleTrainer.run_step
        data_start = time.perf_counter()
        xb, yb = torch_batch(x, y, it)
        data_time = time.perf_counter() - data_start
        loss_dict = d2_loss_dict(model, xb, yb)
        losses = sum(loss_dict.values())
        optimizer.zero_grad()
        losses.backward()
        metrics = {k: v.detach().cpu().item() for k, v in loss_dict.items()}
        storage.put_scalar("rank_data_time", data_time, cur_iter=it)
        storage.put_scalar("data_time", np.max([data_time]), cur_iter=it)
        storage.put_scalar("total_loss", sum(metrics.values()), cur_iter=it)
        storage.put_scalars(cur_iter=it, **metrics)
        optimizer.step()
        # hooks.IterationTimer.after_step (warmup_iter=3)
        if it - start_iter + 1 >= 3:
            storage.put_scalars(time=time.perf_counter() - step_start)
        # hooks.LRScheduler.after_step
        storage.put_scalar("lr", optimizer.param_groups[0]["lr"], smoothing_hint=False)
        scheduler.step()
        # hooks.EvalHook.after_step
        next_iter = it + 1
        if next_iter % eval_period == 0 and next_iter != max_iter:
            do_eval()
        # hooks.PeriodicWriter.after_step: [CommonMetricPrinter, JSONWriter]
        if (it + 1) % period == 0 or it == max_iter - 1:
            eta(it)
            writer.write(storage)
    # TrainerBase.train: self.iter += 1 after the loop; after_train sets storage.iter
    storage.iter = it + 1
    do_eval()  # EvalHook.after_train: the final evaluation, at iteration max_iter
    writer.write(storage)  # PeriodicWriter.after_train
    writer.close()


def run_detectron2_resume_no_scheduler_state(phase=None):
    """tools/plain_train_net.py do_train, with a checkpointer that was not given the scheduler.

    Process 1 trains from scratch, saves a checkpoint every 500 iterations (model, optimizer,
    iteration), and dies during iteration 746. Process 2 resumes from the last checkpoint
    (iteration 499, so start_iter 500): the model and the optimizer (whose param_groups carry
    the lr of the moment) are restored, the scheduler is new.
    """
    if phase is None:
        fresh_dir("detectron2-resume-no-scheduler-state")
        scratch_dir("detectron2-resume-no-scheduler-state")
        for p in ("1", "2"):
            subprocess.run([sys.executable, __file__, "--phase", p,
                            "detectron2-resume-no-scheduler-state"], check=True)
        return
    import torch

    d = out_dir("detectron2-resume-no-scheduler-state")
    ckpt_dir = os.path.join(SCRATCH, "detectron2-resume-no-scheduler-state")
    s = D2_SOLVER
    model, x, y = torch_problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=s["base_lr"], momentum=0.9)
    scheduler = d2_build_lr_scheduler(optimizer, s["steps"], s["gamma"], s["max_iter"],
                                      s["warmup_factor"], s["warmup_iters"])
    # DetectionCheckpointer(model, cfg.OUTPUT_DIR, optimizer=optimizer): scheduler forgotten
    last = os.path.join(ckpt_dir, "last_checkpoint")
    start_iter = 0
    if phase == "2":
        with open(last) as f:
            ckpt = torch.load(os.path.join(ckpt_dir, f.read().strip()))
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        start_iter = ckpt["iteration"] + 1
    max_iter = s["max_iter"]
    writer = D2JSONWriter(os.path.join(d, "metrics.json"))
    storage = D2EventStorage(start_iter)
    for iteration in range(start_iter, max_iter):
        if phase == "1" and iteration == 746:
            break  # the job is killed here: nothing of iteration 746 is recorded
        storage.iter = iteration
        xb, yb = torch_batch(x, y, iteration)
        loss_dict = d2_loss_dict(model, xb, yb)
        losses = sum(loss_dict.values())
        reduced = {k: v.item() for k, v in loss_dict.items()}
        storage.put_scalars(total_loss=sum(loss for loss in reduced.values()), **reduced)
        optimizer.zero_grad()
        losses.backward()
        optimizer.step()
        storage.put_scalar("lr", optimizer.param_groups[0]["lr"], smoothing_hint=False)
        scheduler.step()
        if iteration - start_iter > 5 and ((iteration + 1) % 20 == 0
                                           or iteration == max_iter - 1):
            writer.write(storage)
        # PeriodicCheckpointer(checkpointer, 500, max_iter).step(iteration)
        if (iteration + 1) % 500 == 0 and iteration < max_iter - 1:
            name = "model_{:07d}.pth".format(iteration)
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                        "iteration": iteration}, os.path.join(ckpt_dir, name))
            with open(last, "w") as f:
                f.write(name)
    writer.close()


# --------------------------------------------------------------------------------------------
# mmengine: <work_dir>/<timestamp>/vis_data/scalars.json, <timestamp>.json, <timestamp>.log
# --------------------------------------------------------------------------------------------


def mmengine_run(name, loop, param_scheduler, base_lr=0.02, by_epoch=True):
    import torch
    from mmengine.model import BaseModel
    from mmengine.runner import Runner

    d = fresh_dir(name)
    _, x, y = torch_problem()

    class TinyModel(BaseModel):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.linear = torch.nn.Linear(8, 1)

        def forward(self, inputs, targets, mode="tensor"):
            pred = self.linear(inputs)
            if mode == "loss":
                return {"loss": torch.nn.functional.mse_loss(pred, targets)}
            return pred

    class Pairs(torch.utils.data.Dataset):
        def __len__(self):
            return 800  # 50 iterations per epoch at batch size 16

        def __getitem__(self, i):
            return {"inputs": x[i % 256], "targets": y[i % 256]}

    loader = dict(dataset=Pairs(), batch_size=16, num_workers=0,
                  sampler=dict(type="DefaultSampler", shuffle=False),
                  collate_fn=dict(type="default_collate"))
    runner = Runner(
        model=TinyModel(),
        work_dir=d,
        train_dataloader=loader,
        train_cfg=loop,
        optim_wrapper=dict(optimizer=dict(type="SGD", lr=base_lr, momentum=0.9)),
        param_scheduler=param_scheduler,
        default_hooks=dict(checkpoint=None),  # no checkpoints: only the logs are kept
        log_processor=dict(by_epoch=by_epoch),
        randomness=dict(seed=0),
        default_scope="mmengine",
    )
    runner.train()


def run_mmengine_iter_correct():
    mmengine_run(
        "mmengine-iter-correct",
        dict(type="IterBasedTrainLoop", max_iters=1000),
        [dict(type="LinearLR", start_factor=0.001, by_epoch=False, begin=0, end=100),
         dict(type="MultiStepLR", by_epoch=False, milestones=[600, 800], gamma=0.1)],
        by_epoch=False,  # an iteration-based log, as mmengine's docs set up IterBasedTrainLoop
    )


def run_mmengine_epoch_correct():
    # mmdetection's 1x schedule (configs/_base_/schedules/schedule_1x.py), shortened warmup
    mmengine_run(
        "mmengine-epoch-correct",
        dict(type="EpochBasedTrainLoop", max_epochs=12, val_interval=100),
        [dict(type="LinearLR", start_factor=0.001, by_epoch=False, begin=0, end=100),
         dict(type="MultiStepLR", begin=0, end=12, by_epoch=True, milestones=[8, 11],
              gamma=0.1)],
    )


def run_mmengine_epoch_milestones_per_iter():
    # the same config with by_epoch=False on the MultiStepLR: [8, 11] are now iterations,
    # and end=12 ends the scheduler at iteration 12
    mmengine_run(
        "mmengine-epoch-milestones-per-iter",
        dict(type="EpochBasedTrainLoop", max_epochs=12, val_interval=100),
        [dict(type="LinearLR", start_factor=0.001, by_epoch=False, begin=0, end=100),
         dict(type="MultiStepLR", begin=0, end=12, by_epoch=False, milestones=[8, 11],
              gamma=0.1)],
    )


# --------------------------------------------------------------------------------------------
# PyTorch Lightning: CSVLogger <save_dir>/lightning_logs/version_0/metrics.csv
# --------------------------------------------------------------------------------------------


def lightning_run(name, base_lr, batch_size):
    import lightning as L
    import torch
    from lightning.pytorch.callbacks import LearningRateMonitor
    from lightning.pytorch.loggers import CSVLogger

    d = fresh_dir(name)
    L.seed_everything(0)
    _, x, y = torch_problem()
    xs, ys = x.repeat(4, 1)[:800], y.repeat(4, 1)[:800]

    class LitTiny(L.LightningModule):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.linear = torch.nn.Linear(8, 1)

        def training_step(self, batch, batch_idx):
            loss = torch.nn.functional.mse_loss(self.linear(batch[0]), batch[1])
            self.log("train_loss", loss)
            return loss

        def validation_step(self, batch, batch_idx):
            self.log("val_loss", torch.nn.functional.mse_loss(self.linear(batch[0]), batch[1]))

        def configure_optimizers(self):
            opt = torch.optim.SGD(self.parameters(), lr=base_lr, momentum=0.9)
            sched = torch.optim.lr_scheduler.SequentialLR(opt, schedulers=[
                torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.001, end_factor=1.0,
                                                  total_iters=100),
                torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[600, 800], gamma=0.1),
            ], milestones=[100])
            return {"optimizer": opt,
                    "lr_scheduler": {"scheduler": sched, "interval": "step"}}

    ds = torch.utils.data.TensorDataset(xs, ys)
    train = torch.utils.data.DataLoader(ds, batch_size=batch_size, shuffle=False)
    val = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x[:64], y[:64]),
                                      batch_size=64)
    trainer = L.Trainer(
        max_steps=1000, accelerator="cpu", devices=1, deterministic=True,
        logger=CSVLogger(d), callbacks=[LearningRateMonitor(logging_interval="step")],
        log_every_n_steps=10, enable_checkpointing=False, enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(LitTiny(), train, val)


def run_lightning_correct():
    lightning_run("lightning-correct", base_lr=0.02, batch_size=16)


def run_lightning_lr_scaled_twice():
    # the reference recipe is lr 0.02 at batch 16; at batch 32 the linear scaling rule gives
    # 0.04, and the config already said 0.04 when the training script scaled it once more
    lightning_run("lightning-lr-scaled-twice", base_lr=0.02 * 32 / 16 * 32 / 16, batch_size=32)


# --------------------------------------------------------------------------------------------
# torch.utils.tensorboard SummaryWriter: events.out.tfevents.* (simple_value, float32)
# --------------------------------------------------------------------------------------------


def torch_chained(opt, milestones=(1200, 1600)):
    import torch

    return torch.optim.lr_scheduler.ChainedScheduler([
        torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.001, end_factor=1.0,
                                          total_iters=100),
        torch.optim.lr_scheduler.MultiStepLR(opt, milestones=list(milestones), gamma=0.1),
    ])


def torch_tb_train(logdir, start_iter, stop_iter, ckpt=None, resume_from=None):
    """A plain torch loop: lr logged every iteration, loss every 10, checkpoint every 1000."""
    import types

    # TensorBoard's own switch to its TensorFlow stub (TensorFlow and torch loaded in one
    # process abort on a clash of their LLVM copies)
    sys.modules["tensorboard.compat.notf"] = types.ModuleType("tensorboard.compat.notf")
    import torch
    from torch.utils.tensorboard import SummaryWriter

    model, x, y = torch_problem()
    opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    sched = torch_chained(opt)
    if resume_from is not None:
        state = torch.load(resume_from)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        start_iter = state["iteration"] + 1
    writer = SummaryWriter(logdir)
    for it in range(start_iter, stop_iter):
        xb, yb = torch_batch(x, y, it)
        loss = torch.nn.functional.mse_loss(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        writer.add_scalar("train/lr", opt.param_groups[0]["lr"], it)
        if (it + 1) % 10 == 0:
            writer.add_scalar("train/loss", loss.item(), it)
        sched.step()
        if ckpt is not None and (it + 1) % 1000 == 0:
            torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                        "scheduler": sched.state_dict(), "iteration": it}, ckpt)
    writer.close()


def run_tensorboard_torch(phase=None):
    d = fresh_dir("tensorboard-torch")
    torch_tb_train(d, 0, 2000)


def run_tensorboard_torch_restart(phase=None):
    """Process 1 dies during iteration 1500; process 2 resumes from the checkpoint of iteration
    999 (model, optimizer and scheduler state) and writes a second event file in the same
    directory, whose steps 1000.. replace those of the first file."""
    name = "tensorboard-torch-restart"
    ckpt = os.path.join(SCRATCH, name, "checkpoint.pth")
    if phase is None:
        fresh_dir(name)
        scratch_dir(name)
        for p in ("1", "2"):
            subprocess.run([sys.executable, __file__, "--phase", p, name], check=True)
            time.sleep(1.1)  # event file names carry the time in seconds
        return
    if phase == "1":
        torch_tb_train(out_dir(name), 0, 1500, ckpt=ckpt)
    else:
        torch_tb_train(out_dir(name), None, 2000, ckpt=ckpt, resume_from=ckpt)


def tensorboard_csv_export(src, dst, run, tag):
    """Download a scalar as CSV exactly as TensorBoard's UI does: a TensorBoard server on the
    loopback, GET /data/plugin/scalars/scalars?tag=..&run=..&format=csv (default downsampling
    to 1000 points)."""
    import socket
    import urllib.parse
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tb = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "tensorboard"), "--logdir", src,
         "--host", "127.0.0.1", "--port", str(port), "--load_fast", "false"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = (f"http://127.0.0.1:{port}/data/plugin/scalars/scalars?"
               + urllib.parse.urlencode({"tag": tag, "run": run, "format": "csv"}))
        for _ in range(120):
            time.sleep(1)
            try:
                with urllib.request.urlopen(url, timeout=10) as r:
                    body = r.read()
                break
            except Exception:
                continue
        else:
            raise RuntimeError(f"TensorBoard did not answer {url}")
    finally:
        tb.terminate()
        tb.wait()
    with open(dst, "wb") as f:
        f.write(body)


def run_tensorboard_csv_export(phase=None):
    """The CSV that TensorBoard's 'download CSV' link gives for train/lr of
    tensorboard-torch-restart (run it first)."""
    d = fresh_dir("tensorboard-csv-export")
    tensorboard_csv_export(out_dir("tensorboard-torch-restart"),
                           os.path.join(d, "run-.-tag-train_lr.csv"), ".", "train/lr")


# --------------------------------------------------------------------------------------------
# Keras 3 (TensorFlow backend): CSVLogger training.csv, TensorBoard callback event files
# (tensor summaries)
# --------------------------------------------------------------------------------------------


def keras_fit(callbacks, learning_rate, epochs=12):
    import numpy as np

    import keras

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((640, 8)).astype("float32")
    y = (x @ rng.standard_normal((8, 1)) + 0.1 * rng.standard_normal((640, 1))).astype(
        "float32")
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9),
                  loss="mse")
    # 640 samples at batch 32: 20 iterations per epoch, 240 in all
    model.fit(x, y, batch_size=32, epochs=epochs, shuffle=False, verbose=0,
              validation_data=(x[:64], y[:64]), callbacks=callbacks)


def run_keras_csvlogger(phase=None):
    import keras

    d = fresh_dir("keras-csvlogger")

    def step_decay(epoch):  # 0.02, divided by 10 at epochs 8 and 11
        return 0.02 * 0.1 ** sum(epoch >= m for m in (8, 11))

    keras_fit([keras.callbacks.LearningRateScheduler(step_decay),
               keras.callbacks.CSVLogger(os.path.join(d, "training.csv"))], 0.02)


def run_keras_tensorboard(phase=None):
    import keras

    d = fresh_dir("keras-tensorboard")
    sched = keras.optimizers.schedules.PiecewiseConstantDecay(
        boundaries=[160, 220], values=[0.02, 0.002, 0.0002])
    keras_fit([keras.callbacks.TensorBoard(log_dir=d)], sched)


def run_keras_tensorboard_epoch_boundaries(phase=None):
    import keras

    d = fresh_dir("keras-tensorboard-epoch-boundaries")
    # boundaries meant as epochs 8 and 11; PiecewiseConstantDecay counts iterations
    sched = keras.optimizers.schedules.PiecewiseConstantDecay(
        boundaries=[8, 11], values=[0.02, 0.002, 0.0002])
    keras_fit([keras.callbacks.TensorBoard(log_dir=d)], sched)


# --------------------------------------------------------------------------------------------
# What each run was supposed to do, as an lrsched schedule (written to <run>/schedule.toml)
# --------------------------------------------------------------------------------------------


def schedule(comment, dialect, base_lr, milestones, iters, warmup_iters, warmup_factor=0.001,
             iters_per_epoch=None, unit=None):
    lines = [f"# {line}" for line in comment.strip().splitlines()] + [
        f"base_lr = {base_lr!r}",
        f"milestones = {list(milestones)!r}",
        "gamma = 0.1",
        f"warmup_iters = {warmup_iters}",
        f"warmup_factor = {warmup_factor!r}",
        'warmup_method = "linear"',
        f"iters = {iters}",
    ]
    if iters_per_epoch is not None:
        lines.append(f"iters_per_epoch = {iters_per_epoch}")
    if unit is not None:
        lines.append(f'unit = "{unit}"')
    lines.append(f'dialect = "{dialect}"')
    return "\n".join(lines) + "\n"


D2 = dict(dialect="detectron2", base_lr=0.02, milestones=[1200, 1600], iters=2000,
          warmup_iters=100)
MMENGINE_1X = dict(dialect="mmengine", base_lr=0.02, milestones=[400, 550], iters=600,
                   warmup_iters=100, iters_per_epoch=50)
TORCH_SEQ = dict(dialect="torch-sequential", milestones=[600, 800], iters=1000,
                 warmup_iters=100)
TORCH_CHAINED = dict(dialect="torch-chained", base_lr=0.02, milestones=[1200, 1600],
                     iters=2000, warmup_iters=100)
KERAS_PIECEWISE = dict(dialect="keras", base_lr=0.02, milestones=[160, 220], iters=240,
                       warmup_iters=0, warmup_factor=1.0, iters_per_epoch=20)

SCHEDULES = {
    "detectron2-correct": schedule(
        "detectron2 SOLVER: BASE_LR 0.02, STEPS (1200, 1600), MAX_ITER 2000,\n"
        "WARMUP_FACTOR 0.001, WARMUP_ITERS 100, WARMUP_METHOD linear.", **D2),
    "detectron2-resume-no-scheduler-state": schedule(
        "The same SOLVER as detectron2-correct: what the resumed run should have continued.",
        **D2),
    "mmengine-iter-correct": schedule(
        "mmengine: SGD lr 0.02; LinearLR(start_factor=0.001, by_epoch=False, begin=0, end=100),\n"
        "MultiStepLR(milestones=[600, 800], gamma=0.1, by_epoch=False); 1000 iterations.",
        dialect="mmengine", base_lr=0.02, milestones=[600, 800], iters=1000, warmup_iters=100),
    "mmengine-epoch-correct": schedule(
        "mmdetection 1x: 12 epochs of 50 iterations, LinearLR warmup over 100 iterations,\n"
        "MultiStepLR(by_epoch=True, milestones=[8, 11]): decays at iterations 400 and 550.",
        **MMENGINE_1X),
    "mmengine-epoch-milestones-per-iter": schedule(
        "Meant: the mmdetection 1x schedule of mmengine-epoch-correct (epochs 8 and 11 =\n"
        "iterations 400 and 550). The run's MultiStepLR said by_epoch=False.", **MMENGINE_1X),
    "lightning-correct": schedule(
        "SGD lr 0.02; SequentialLR([LinearLR(0.001, total_iters=100), MultiStepLR([600, 800])],\n"
        "milestones=[100]) stepped every iteration; 1000 iterations.", base_lr=0.02,
        **TORCH_SEQ),
    "lightning-lr-scaled-twice": schedule(
        "Meant: lr 0.02 at batch 16, scaled once by the linear scaling rule to batch 32: 0.04.\n"
        "The run used 0.08 (scaled twice). Otherwise as lightning-correct.", base_lr=0.04,
        **TORCH_SEQ),
    "tensorboard-torch": schedule(
        "SGD lr 0.02; ChainedScheduler([LinearLR(0.001, total_iters=100),\n"
        "MultiStepLR([1200, 1600])]) stepped every iteration; 2000 iterations.",
        **TORCH_CHAINED),
    "tensorboard-torch-restart": schedule(
        "As tensorboard-torch, resumed at iteration 1000 with the scheduler's state.",
        **TORCH_CHAINED),
    "tensorboard-csv-export": schedule(
        "The schedule of tensorboard-torch-restart, whose train/lr this CSV exports.",
        **TORCH_CHAINED),
    "keras-csvlogger": schedule(
        "Keras LearningRateScheduler, per epoch: 0.02, x0.1 at epochs 8 and 11, 12 epochs of\n"
        "20 iterations. In epochs: lr(epoch e) = lr(iteration 20 e).", dialect="maskrcnn",
        base_lr=0.02, milestones=[8, 11], iters=12, warmup_iters=0, warmup_factor=1.0,
        iters_per_epoch=20, unit="epoch"),
    "keras-tensorboard": schedule(
        "Keras PiecewiseConstantDecay(boundaries=[160, 220], values=[0.02, 0.002, 0.0002])\n"
        "(per iteration); 12 epochs of 20 iterations.", **KERAS_PIECEWISE),
    "keras-tensorboard-epoch-boundaries": schedule(
        "Meant: boundaries at epochs 8 and 11 = iterations 160 and 220 (keras-tensorboard).\n"
        "The run gave PiecewiseConstantDecay boundaries=[8, 11], which count iterations.",
        **KERAS_PIECEWISE),
}


def write_schedule(name):
    with open(os.path.join(out_dir(name), "schedule.toml"), "w") as f:
        f.write(SCHEDULES[name])


RUNS = {name[4:].replace("_", "-"): fn for name, fn in list(globals().items())
        if name.startswith("run_")}


def main(argv):
    phase = None
    if argv[:1] == ["--phase"]:
        phase, argv = argv[1], argv[2:]
    names = argv or list(RUNS)
    for name in names:
        if name not in RUNS:
            sys.exit(f"unknown run {name!r}; runs: {', '.join(RUNS)}")
    if phase is not None:
        RUNS[names[0]](phase)
    elif len(names) == 1:
        RUNS[names[0]]()
        write_schedule(names[0])
    else:
        for name in names:  # each run in a process of its own
            print(f"== {name}", flush=True)
            subprocess.run([sys.executable, __file__, name], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
