"""The learning rates of two per-epoch schedules, computed the frameworks' way in plain Python
floats (no lrsched code), for tests/units.rs. Run once: python3 expected.py > expected.csv

torchvision detection (references/detection, train.py + engine.py): MultiStepLR(milestones=
[16, 22], gamma=0.1) stepped once per epoch; in epoch 0, LinearLR(start_factor=1/1000,
total_iters=min(1000, len(data_loader) - 1)) stepped every iteration. Both are chainable: they
multiply the optimizer's lr in place (torch/optim/lr_scheduler.py, get_lr). coco2017-nonempty,
8 GPUs x 2 images: ceil(117266 / 16) = 7330 iterations per epoch; lr 0.02; 26 epochs.

timm EfficientNet (--sched step --decay-epochs 2.4 --decay-rate .97 --lr .016 --warmup-epochs 3
--warmup-lr 1e-6): train.py builds StepLRScheduler(decay_t=2.4, decay_rate=0.97, warmup_t=3,
warmup_lr_init=1e-6, warmup_prefix=False) stepped per epoch; _get_lr(t) at epoch t is
warmup_lr_init + t * warmup_steps while t < warmup_t, warmup_steps = (base - warmup_lr_init) /
warmup_t, then base * (decay_rate ** (t // decay_t)) on the unshifted t (timm/scheduler/
step_lr.py). imagenet1k, batch 256, drop_last: floor(1281167 / 256) = 5004 iterations per
epoch; 10 epochs.
"""

def torchvision_detection(points):
    per_epoch, base, gamma = 7330, 0.02, 0.1
    start, end, total = 1.0 / 1000, 1.0, min(1000, per_epoch - 1)
    milestones = [16, 22]
    lr = base * start  # LinearLR's construction step (last_epoch 0)
    out, t = {}, 0
    for epoch in range(26):
        for i in range(per_epoch):
            if t in points:
                out[t] = lr
            if epoch == 0:  # LinearLR.step(): last_epoch becomes i + 1
                last = i + 1
                if last <= total:
                    lr = lr * (1.0 + (end - start) / (total * start + (last - 1) * (end - start)))
            t += 1
        # MultiStepLR.step() at the end of the epoch: last_epoch becomes epoch + 1
        if epoch + 1 in milestones:
            lr = lr * gamma ** milestones.count(epoch + 1)
    return out


def timm_efficientnet(points):
    per_epoch, base, rate, decay_t = 5004, 0.016, 0.97, 2.4
    warmup_t, warmup_lr_init = 3, 1e-6
    warmup_steps = (base - warmup_lr_init) / warmup_t

    def get_lr(t):
        if t < warmup_t:
            return warmup_lr_init + t * warmup_steps
        return base * (rate ** (t // decay_t))

    return {t: get_lr(t // per_epoch) for t in points}


TORCHVISION = [0, 1, 999, 1000, 7329, 7330, 117279, 117280, 161259, 161260, 190579]
TIMM = [0, 5003, 5004, 10007, 10008, 15011, 15012, 25019, 25020, 35027, 35028, 40031, 40032, 50039]

print("schedule,iteration,lr")
for t, lr in sorted(torchvision_detection(set(TORCHVISION)).items()):
    print(f"torchvision-detection,{t},{lr!r}")
for t, lr in sorted(timm_efficientnet(TIMM).items()):
    print(f"timm-efficientnet,{t},{lr!r}")
