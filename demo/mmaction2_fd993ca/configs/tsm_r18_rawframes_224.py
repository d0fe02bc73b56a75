# TSM R18 at 224 px for MMAction2 fd993ca (beside TSM 8d53d6f's --shift --shift_div=8
# --shift_place=blockres --num_segments 2 --batch-size 1): the pinned tsm_r50_1x1x8_50e_kinetics400_rgb.py
# (inherited, unmodified) shrunk as ./tsn_r18_rawframes.py: ResNet-18 without pretrained weights,
# 2 segments (shift 1/8 in the residual blocks, the pinned default), 2 classes, batch 1 (224 px is
# TSM's only size: fewer images per iteration keep the demo in its budget), the 8 clips repeated
# 8 times (64 iterations per epoch at batch 1, as TSM's own run) for DEMO_EPOCHS epochs, logged every 10.
_base_ = ['../configs/recognition/tsm/tsm_r50_1x1x8_50e_kinetics400_rgb.py']
model = dict(backbone=dict(pretrained=None, depth=18, num_segments=2),
             cls_head=dict(num_classes=2, in_channels=512))
data_root = 'data/demo/rawframes'
ann_file_train = 'data/demo/train_rawframes.txt'
img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_bgr=False)
train_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=2),
    dict(type='FrameSelector'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='MultiScaleCrop', input_size=224, scales=(1, 0.875, 0.75, 0.66), random_crop=False,
         max_wh_scale_gap=1, num_fixed_crops=13),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='Collect', keys=['imgs', 'label'], meta_keys=[]),
    dict(type='ToTensor', keys=['imgs', 'label'])
]
data = dict(
    videos_per_gpu=1, workers_per_gpu=0,
    train=dict(_delete_=True, type='RepeatDataset', times=8,
               dataset=dict(type='RawframeDataset', ann_file=ann_file_train,
                            data_prefix=data_root, pipeline=train_pipeline)))
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
work_dir = 'work_dirs/demo_tsm_r18_rawframes_224'
