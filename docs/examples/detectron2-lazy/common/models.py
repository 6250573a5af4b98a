# A model definition lrsched does not need to understand.
from detectron2.config import LazyCall as L
from detectron2.modeling import GeneralizedRCNN

model = L(GeneralizedRCNN)(num_classes=80, layers=[i for i in range(4)])
