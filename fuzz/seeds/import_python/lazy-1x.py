from ..common.optim import SGD as optimizer
from ..common.coco_schedule import lr_multiplier_1x as lr_multiplier
from ..common.models import model
from ..common.train import train

model.backbone = "R-50"
train.init_checkpoint = "detectron2://ImageNetPretrained/MSRA/R-50.pkl"
