_base_ = ['config.py']
param_scheduler = [dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500), dict(type='MultiStepLR', begin=0, end=12, by_epoch=True, milestones=[8, 11], gamma=0.1)]
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.02 * 2 ** -1, momentum=0.9))
x = {'a': (1, [2, {3: None}]), **dict(b=True)}
