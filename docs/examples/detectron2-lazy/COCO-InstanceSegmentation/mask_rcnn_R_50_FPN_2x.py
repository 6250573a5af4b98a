from ..common.optim import SGD as optimizer
from ..common.coco_schedule import lr_multiplier_2x as lr_multiplier
from ..common.models import model
from ..common.train import train

train.max_iter = 180000
