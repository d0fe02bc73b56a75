# I3D R50 at MMAction2 fd993ca (the pinned I3D video config), beside PySlowFast's I3D_8x8_R50:
# no pretrained weights, 2 classes, 32x32 crops (MultiScaleCrop of the 64 px frames) of the demo's .mp4 videos (read by OpenCV; the
# pinned video configs use decord, not in the environment), batch 2; length as
# tsn_r18_rawframes.py. ResNet-50, as PySlowFast's pinned models (depth 50 or 101 only).
_base_ = ['../configs/recognition/i3d/i3d_r50_video_32x2x1_100e_kinetics400_rgb.py']
# A quarter of ResNet-50's width (base channels 16 instead of 64, the head's input with it), as
# PySlowFast's RESNET.WIDTH_PER_GROUP 16 beside it: at full width one iteration of these 32 px
# clips costs 1-2 s on one CPU core, mostly in the weights (fewer pixels do not help), which would
# make the demo's PySlowFast rows alone longer than its budget.
model = dict(backbone=dict(pretrained2d=False, pretrained=None, base_channels=16),
             cls_head=dict(num_classes=2, in_channels=512))
img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_bgr=False)
train_pipeline = [
    dict(type='OpenCVInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=2, num_clips=1, start_index=0),
    dict(type='OpenCVDecode'),
    dict(type='MultiScaleCrop', input_size=32, scales=(1, 0.8), random_crop=False,
         max_wh_scale_gap=0),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='Collect', keys=['imgs', 'label'], meta_keys=[]),
    dict(type='ToTensor', keys=['imgs', 'label'])
]
data = dict(
    videos_per_gpu=2, workers_per_gpu=0,
    train=dict(_delete_=True, type='RepeatDataset', times=15,
               dataset=dict(type='VideoDataset', ann_file='data/demo/train_videos.txt',
                            data_prefix='data/demo/videos', pipeline=train_pipeline)))
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
work_dir = 'work_dirs/demo_i3d_r50_video'
