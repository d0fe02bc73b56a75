# Shared input of the demo's 3D models: one clip of rawframes, 56x56, batch 2, CPU.
_base_ = ['./_tiny_runtime.py']
clip_len = 4
train_pipeline = [
    dict(type='SampleFrames', clip_len=4, frame_interval=2, num_clips=1),
    dict(type='RawFrameDecode'),
    dict(type='MultiScaleCrop', input_size=56, scales=(1, 0.8), random_crop=False,
         max_wh_scale_gap=0),
    dict(type='Resize', scale=(56, 56), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='RawframeDataset', ann_file='data/demo/train_rawframes.txt',
                 data_prefix=dict(img='data/demo/rawframes'), pipeline=train_pipeline))
data_preprocessor = dict(type='ActionDataPreprocessor', mean=[123.675, 116.28, 103.53],
                         std=[58.395, 57.12, 57.375], format_shape='NCTHW')
