# TSN R18 as tsn_r18_rawframes.py, reading the .mp4 videos (OpenCV decoding) instead of JPEGs.
_base_ = ['./tsn_r18_rawframes.py']
train_pipeline = [
    dict(type='OpenCVInit', io_backend='disk'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=3),
    dict(type='OpenCVDecode'),
    dict(type='MultiScaleCrop', input_size=56, scales=(1, 0.875, 0.75), random_crop=False,
         max_wh_scale_gap=1),
    dict(type='Resize', scale=(56, 56), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    dataset=dict(_delete_=True, type='VideoDataset', ann_file='data/demo/train_videos.txt',
                 data_prefix=dict(video='data/demo/videos'), pipeline=train_pipeline))
