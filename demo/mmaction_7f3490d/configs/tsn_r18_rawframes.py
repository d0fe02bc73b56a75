# TSN R18 for MMAction (v1) at 7f3490d, modelled on the pin's
# configs/TSN/tsn_kinetics400_2d_rgb_r50_seg3_f1s1.py (mmcv 0.4.4 configs have no `_base_`, so it
# is a whole config): depth 18, 3 segments of 56x56 rawframes (64 px scale), batch 2, no
# pretrained weights (`pretrained=None`: the stock 'modelzoo://resnet50' downloads), the demo's
# synthetic data (data/demo, linked into the checkout by demo/mmaction_7f3490d/env.sh).
# The 8 clips are listed 15 times in data/demo/mmaction/train_rawframes.txt (demo/data_mmaction.py:
# MMAction cannot repeat a dataset at this pin): 60 iterations per epoch. total_epochs comes from
# DEMO_EPOCHS (environment variable, train_recognizer.py has no option for it; default 1).
# Logged every 10 iterations: `time` is the mean of those 10.
model = dict(
    type='TSN2D',
    backbone=dict(type='ResNet', pretrained=None, depth=18, out_indices=(3,),
                  bn_eval=False, partial_bn=False),
    spatial_temporal_module=dict(type='SimpleSpatialModule', spatial_type='avg', spatial_size=2),
    segmental_consensus=dict(type='SimpleConsensus', consensus_type='avg'),
    cls_head=dict(type='ClsHead', with_avg_pool=False, temporal_feature_size=1,
                  spatial_feature_size=1, dropout_ratio=0.4, in_channels=512, num_classes=2))
train_cfg = None
test_cfg = None
dataset_type = 'RawFramesDataset'
data_root = 'data/demo/rawframes'
ann_file_train = 'data/demo/mmaction/train_rawframes.txt'
img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)
data = dict(
    workers_per_gpu=0,
    videos_per_gpu=2,
    train=dict(
        type=dataset_type,
        ann_file=ann_file_train,
        img_prefix=data_root,
        img_norm_cfg=img_norm_cfg,
        num_segments=3,
        new_length=1,
        new_step=1,
        random_shift=True,
        modality='RGB',
        image_tmpl='img_{:05d}.jpg',
        img_scale=64,
        input_size=56,
        div_255=False,
        flip_ratio=0.5,
        resize_keep_ratio=True,
        oversample=None,
        random_crop=False,
        more_fix_crop=False,
        multiscale_crop=True,
        scales=[1, 0.875, 0.75, 0.66],
        max_distort=1,
        test_mode=False))
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001)
# no gradient clipping (the pinned configs clip the norm at 40, TSM's at 20): torch 1.4 computes the norm on the
# CPU at about 60 M values/s, 0.2 s per iteration of a ResNet-18 and 0.4 s of a ResNet-50 (a GPU
# does it in about a millisecond), and PySlowFast 8299c98 does not clip: on the CPU the clip would
# be most of what the figures compare
optimizer_config = dict(grad_clip=None)
lr_config = dict(policy='step', step=[40, 80])
checkpoint_config = None
workflow = [('train', 1)]
log_config = dict(interval=10, hooks=[dict(type='TextLoggerHook')])
total_epochs = int(__import__('os').environ.get('DEMO_EPOCHS', '1'))
dist_params = dict(backend='gloo')
log_level = 'INFO'
work_dir = './work_dirs/mmaction_tsn_r18_rawframes'
load_from = None
resume_from = None
