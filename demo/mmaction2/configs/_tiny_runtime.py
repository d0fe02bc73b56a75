# Shared schedule and runtime of the demo's MMAction2 1.x configs (mmengine), tiny and CPU-only.
# Iteration-based: `--cfg-options train_cfg.max_iters=N` sets the length (60 in `make demo DEMO_FULL=1`,
# so that the 50-iteration warm-up skip leaves real records). Logged every 10 iterations with a
# 10-iteration window: one record is the mean of exactly the 10 iterations since the previous one.
# The data root is `data/demo` under the working directory; override with
# `--cfg-options train_dataloader.dataset.ann_file=... train_dataloader.dataset.data_prefix...`.
default_scope = 'mmaction'
data_root = 'data/demo'
train_cfg = dict(type='IterBasedTrainLoop', max_iters=100, val_interval=1000000)
val_cfg = None
test_cfg = None
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None
# no gradient clipping, as the fd993ca demo configs beside it (torch 1.4's CPU norm costs 0.2 s per
# iteration of a ResNet-18 there)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001),
                     clip_grad=None)
param_scheduler = [dict(type='MultiStepLR', begin=0, end=1000000, by_epoch=False,
                        milestones=[80], gamma=0.1)]
default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=10, ignore_last=True),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=None,                      # no 90 MB checkpoint per run
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'))
log_processor = dict(type='LogProcessor', window_size=10, by_epoch=False)
env_cfg = dict(cudnn_benchmark=False,
               mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
               dist_cfg=dict(backend='gloo'))
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
