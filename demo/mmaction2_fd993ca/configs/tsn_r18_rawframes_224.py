# TSN R18 at 224 px for MMAction2 fd993ca, one segment per clip (the demo's budget: 224 px is
# TSM's only size, so fewer images per iteration instead of smaller ones) (h2, beside TSM 8d53d6f, whose input is hard-coded to
# 224 px crops): ./tsn_r18_rawframes.py with the pinned TSN/TSM configs' 224 px pipeline
# (resize the short side to 256, multi-scale crop to 224; the 64 px frames are upscaled).
_base_ = ['./tsn_r18_rawframes.py']
img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_bgr=False)
train_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=1),
    dict(type='FrameSelector'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='MultiScaleCrop', input_size=224, scales=(1, 0.875, 0.75, 0.66), random_crop=False,
         max_wh_scale_gap=1),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='Collect', keys=['imgs', 'label'], meta_keys=[]),
    dict(type='ToTensor', keys=['imgs', 'label'])
]
data = dict(train=dict(dataset=dict(pipeline=train_pipeline)))
work_dir = 'work_dirs/demo_tsn_r18_rawframes_224'
