# TSN R18 at MMAction2 fd993ca: the pinned TSN config (inherited, unmodified) shrunk to the demo:
# ResNet-18 without pretrained weights (the pinned one downloads torchvision://resnet50), 2
# classes, 3 segments of 56x56 rawframes of data/demo, batch 2, no workers. tools/train.py has no
# --cfg-options at this pin, so the length is set here: the 8 clips repeated 15 times (60
# iterations per epoch, the fewest that leave 10 after the 50-iteration warm-up; mmcv 1.0.5 sleeps
# 2 s at every epoch start) for DEMO_EPOCHS epochs (environment variable, default 1), logged every
# 10 iterations.
_base_ = ['../configs/recognition/tsn/tsn_r50_1x1x3_100e_kinetics400_rgb.py']
model = dict(backbone=dict(pretrained=None, depth=18),
             cls_head=dict(num_classes=2, in_channels=512))
data_root = 'data/demo/rawframes'
ann_file_train = 'data/demo/train_rawframes.txt'
img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_bgr=False)
train_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=3),
    dict(type='FrameSelector'),
    dict(type='MultiScaleCrop', input_size=56, scales=(1, 0.875, 0.75), random_crop=False,
         max_wh_scale_gap=1),
    dict(type='Resize', scale=(56, 56), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='Collect', keys=['imgs', 'label'], meta_keys=[]),
    dict(type='ToTensor', keys=['imgs', 'label'])
]
data = dict(
    videos_per_gpu=2, workers_per_gpu=0,
    train=dict(_delete_=True, type='RepeatDataset', times=15,
               dataset=dict(type='RawframeDataset', ann_file=ann_file_train,
                            data_prefix=data_root, pipeline=train_pipeline)))
# the pinned learning rate is for 8 GPUs x 8-32 clips; batch 2 takes the TSN one
optimizer = dict(lr=0.01)
lr_config = dict(_delete_=True, policy='step', step=[2])
# no gradient clipping (the pinned configs clip the norm at 40, TSM's at 20): torch 1.4 computes the norm on the
# CPU at about 60 M values/s, 0.2 s per iteration of a ResNet-18 and 0.4 s of a ResNet-50 (a GPU
# does it in about a millisecond), and PySlowFast 8299c98 does not clip: on the CPU the clip would
# be most of what the figures compare
optimizer_config = dict(grad_clip=None)
total_epochs = int(__import__('os').environ.get('DEMO_EPOCHS', '1'))
checkpoint_config = None
log_config = dict(interval=10, hooks=[dict(type='TextLoggerHook')])
dist_params = dict(backend='gloo')
work_dir = 'work_dirs/demo_tsn_r18_rawframes'
