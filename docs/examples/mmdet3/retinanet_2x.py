_base_ = ['./_base_/coco.py', './_base_/schedule_1x.py']

# 2x: 24 epochs, decays at 16 and 22, a constant warmup instead of the linear one.
max_epochs = 24
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='ConstantLR', factor=1.0 / 3, by_epoch=False, begin=0, end=1000),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=max_epochs,
         milestones=[16, 22], gamma=0.1),
]
optim_wrapper = dict(optimizer=dict(lr=0.01))
train_dataloader = dict(batch_size=4)
