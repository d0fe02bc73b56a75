# I3D R50 for MMAction (v1) at 7f3490d, modelled on the pin's
# configs/I3D_RGB/i3d_kinetics400_3d_rgb_r50_c3d_inflate3x1x1_seg1_f32s2.py: one clip of 8
# consecutive 32x32 rawframes (40 px scale; time is halved by conv1, pool1 and pool2, so the
# head sees 1 x 1 x 1), batch 2, no pretrained weights. Depth 50, as the stock config: ResNet_I3D
# at the pin cannot build depth 18 (resnet_i3d.py:272 passes `if_nonlocal` to BasicBlock).
# Data, repetition, epochs (DEMO_EPOCHS) and logging as ./tsn_r18_rawframes.py.
model = dict(
    type='TSN3D',
    backbone=dict(
        type='ResNet_I3D', pretrained=None, depth=50, num_stages=4, out_indices=[3],
        frozen_stages=-1, inflate_freq=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0)),
        inflate_style='3x1x1', conv1_kernel_t=5, conv1_stride_t=2, pool1_kernel_t=1,
        pool1_stride_t=2, bn_eval=False, partial_bn=False, style='pytorch'),
    spatial_temporal_module=dict(type='SimpleSpatialTemporalModule', spatial_type='avg',
                                 temporal_size=1, spatial_size=1),
    segmental_consensus=dict(type='SimpleConsensus', consensus_type='avg'),
    cls_head=dict(type='ClsHead', with_avg_pool=False, temporal_feature_size=1,
                  spatial_feature_size=1, dropout_ratio=0.5, in_channels=2048, num_classes=2))
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
        input_format='NCTHW',
        num_segments=1,
        new_length=8,
        new_step=1,
        random_shift=True,
        modality='RGB',
        image_tmpl='img_{:05d}.jpg',
        img_scale=40,
        input_size=32,
        div_255=False,
        flip_ratio=0.5,
        resize_keep_ratio=True,
        oversample=None,
        random_crop=False,
        more_fix_crop=False,
        multiscale_crop=True,
        scales=[1, 0.8],
        max_distort=0,
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
work_dir = './work_dirs/mmaction_i3d_r50_rawframes'
load_from = None
resume_from = None
