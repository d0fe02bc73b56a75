# Shared input and schedule of the 0.5.0 3D configs: one clip of 56x56 rawframes, batch 2,
# the 8 clips repeated 10 times (40 iterations per epoch), 3 epochs, log every 10 iterations.
_base_ = ['./tsn_r18_rawframes.py']
model = None
train_pipeline = [
    dict(type='SampleFrames', clip_len=4, frame_interval=2, num_clips=1),
    dict(type='FrameSelector'),
    dict(type='MultiScaleCrop', input_size=56, scales=(1, 0.8), random_crop=False,
         max_wh_scale_gap=0),
    dict(type='Resize', scale=(56, 56), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='Normalize', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
         to_bgr=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='Collect', keys=['imgs', 'label'], meta_keys=[]),
    dict(type='ToTensor', keys=['imgs', 'label'])
]
data = dict(train=dict(dataset=dict(pipeline=train_pipeline)))
