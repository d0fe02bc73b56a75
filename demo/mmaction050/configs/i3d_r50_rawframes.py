# I3D R50 (inflated ResNet3d-50, no pretrained weights) for MMAction2 0.5.0: one 8-frame clip.
_base_ = ['./_tiny_3d.py']
model = dict(
    _delete_=True,
    type='Recognizer3D',
    backbone=dict(type='ResNet3d', pretrained2d=False, pretrained=None, depth=50,
                  conv_cfg=dict(type='Conv3d'), norm_eval=False,
                  inflate=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0)),
                  zero_init_residual=False),
    cls_head=dict(type='I3DHead', num_classes=2, in_channels=2048, spatial_type='avg',
                  dropout_ratio=0.5, init_std=0.01))
train_pipeline = [
    dict(type='SampleFrames', clip_len=8, frame_interval=2, num_clips=1),
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
