_base_ = './_base_/schedule_1x.py'

data = dict(samples_per_gpu=2, workers_per_gpu=2)
# Warm up for 1000 iterations at a constant third of the lr.
lr_config = dict(warmup='constant', warmup_iters=1000, warmup_ratio=1.0 / 3)
