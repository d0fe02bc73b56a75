# TSN R18 for MMAction2 0.5.0 (mmcv 1.x config), the same model and input as
# ../tsn_r18_rawframes.py: 3 segments of 56x56 rawframes, batch 2, no pretrained weights, CPU.
# mmcv 1.x sleeps 2 s at every epoch start, so the 8 clips are repeated 10 times: 40 iterations
# per epoch, `total_epochs` 3 = 120 iterations (`--cfg-options total_epochs=N` to change).
# Logged every 10 iterations: `time` is the mean of those 10 iterations.
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNet', pretrained=None, depth=18, norm_eval=False),
    cls_head=dict(type='TSNHead', num_classes=2, in_channels=512, spatial_type='avg',
                  consensus=dict(type='AvgConsensus', dim=1), dropout_ratio=0.4, init_std=0.01))
train_cfg = None
test_cfg = dict(average_clips=None)
dataset_type = 'RawframeDataset'
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
    videos_per_gpu=2,
    workers_per_gpu=0,
    train=dict(type='RepeatDataset', times=10,
               dataset=dict(type=dataset_type, ann_file=ann_file_train, data_prefix=data_root,
                            pipeline=train_pipeline)))
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001)
optimizer_config = dict(grad_clip=dict(max_norm=40, norm_type=2))
lr_config = dict(policy='step', step=[2])
total_epochs = 3
checkpoint_config = None
log_config = dict(interval=10, hooks=[dict(type='TextLoggerHook')])
dist_params = dict(backend='gloo')
log_level = 'INFO'
work_dir = 'work_dirs/mmaction050_tsn_r18_rawframes'
load_from = None
resume_from = None
workflow = [('train', 1)]
