# I3D, the stock ResNet3d-50 (inflated, no pretrained weights), one 8-frame clip of 56x56.
# clip_len 8: I3D halves time three times (conv1, pool1, pool2), so 4 frames are too few.
_base_ = ['./_tiny_3d.py']
model = dict(
    type='Recognizer3D',
    backbone=dict(type='ResNet3d', pretrained2d=False, pretrained=None, depth=50,
                  conv1_kernel=(5, 7, 7), conv1_stride_t=2, pool1_stride_t=2,
                  conv_cfg=dict(type='Conv3d'), norm_eval=False,
                  inflate=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0)),
                  zero_init_residual=False),
    cls_head=dict(type='I3DHead', num_classes=2, in_channels=2048, spatial_type='avg',
                  dropout_ratio=0.5, init_std=0.01, average_clips='prob'),
    data_preprocessor={{_base_.data_preprocessor}})
train_pipeline = [
    dict(type='SampleFrames', clip_len=8, frame_interval=2, num_clips=1),
    dict(type='RawFrameDecode'),
    dict(type='MultiScaleCrop', input_size=56, scales=(1, 0.8), random_crop=False,
         max_wh_scale_gap=0),
    dict(type='Resize', scale=(56, 56), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
