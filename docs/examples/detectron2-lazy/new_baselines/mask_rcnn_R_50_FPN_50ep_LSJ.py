from detectron2.config import LazyCall as L
from detectron2.layers.batch_norm import NaiveSyncBatchNorm
from detectron2.solver import WarmupParamScheduler
from fvcore.common.param_scheduler import MultiStepParamScheduler

from ..common.models import model
from ..common.optim import SGD as optimizer
from ..common.train import train

# train from scratch, larger batch
model.norm = lambda c: NaiveSyncBatchNorm(c, stats_mode="N")
train.max_iter = 92188

lr_multiplier = L(WarmupParamScheduler)(
    scheduler=L(MultiStepParamScheduler)(
        values=[1.0, 0.1, 0.01],
        milestones=[81945, 88773],
        num_updates=train.max_iter,
    ),
    warmup_length=250 / train.max_iter,
    warmup_factor=0.067,
)

optimizer.lr = 0.1
