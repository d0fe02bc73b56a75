# TSN R18 for MMAction2 0.5.0, as tsn_r18_rawframes.py, reading the .mp4 videos (OpenCV).
_base_ = ['./tsn_r18_rawframes.py']
ann_file_train = 'data/demo/train_videos.txt'
train_pipeline = [
    dict(type='OpenCVInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=3),
    dict(type='OpenCVDecode'),
    dict(type='MultiScaleCrop', input_size=56, scales=(1, 0.875, 0.75), random_crop=False,
         max_wh_scale_gap=1),
    dict(type='Resize', scale=(56, 56), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='Normalize', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
         to_bgr=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='Collect', keys=['imgs', 'label'], meta_keys=[]),
    dict(type='ToTensor', keys=['imgs', 'label'])
]
data = dict(
    train=dict(dataset=dict(_delete_=True, type='VideoDataset', ann_file=ann_file_train,
                            data_prefix='data/demo/videos', pipeline=train_pipeline)))
