# A 1x schedule in mmdetection 2.x's layout (written for lrsched's docs and tests).
optimizer = dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001)
lr_config = dict(
    policy='step',
    warmup='linear',
    warmup_iters=500,
    warmup_ratio=0.001,
    step=[8, 11])
runner = dict(type='EpochBasedRunner', max_epochs=12)
auto_scale_lr = dict(enable=False, base_batch_size=16)
