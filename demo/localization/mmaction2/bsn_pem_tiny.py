# BSN PEM of MMAction2 fd993ca for the demo: the pinned config (batch 16) on the PGM features of
# the demo's 48 training videos, no loader workers, every iteration logged: 60 iterations, as 5
# epochs of the 48 videos repeated 4 times (12 iterations each) instead of 20 epochs of 3, for
# the reason bsn_tem_tiny.py gives (mmcv 1.0.5's 2 s sleep at every epoch start); one checkpoint,
# at the end. The train set is restated because a RepeatDataset wraps it.
_base_ = ['../configs/localization/bsn/bsn_pem_400x100_1x16_20e_activitynet_feature.py']
pgm_work_dir = 'work_dirs/bsn_400x100_20e_1x16_activitynet_feature/'   # the pinned work_dir
train_pipeline = [   # the pinned train_pipeline, unchanged
    dict(type='LoadProposals', top_k=500, pgm_proposals_dir=f'{pgm_work_dir}/pgm_proposals/',
         pgm_features_dir=f'{pgm_work_dir}/pgm_features/'),
    dict(type='Collect', keys=['bsp_feature', 'reference_temporal_iou'], meta_name='video_meta',
         meta_keys=[]),
    dict(type='ToTensor', keys=['bsp_feature', 'reference_temporal_iou']),
    dict(type='ToDataContainer',
         fields=(dict(key='bsp_feature', stack=False),
                 dict(key='reference_temporal_iou', stack=False)))
]
data = dict(
    workers_per_gpu=0,
    train=dict(_delete_=True, type='RepeatDataset', times=4,
               dataset=dict(type='ActivityNetDataset',
                            ann_file='data/ActivityNet/anet_anno_train.json',
                            pipeline=train_pipeline,
                            data_prefix='data/ActivityNet/activitynet_feature_cuhk/csv_mean_100/')))
total_epochs = 5
log_config = dict(interval=1)
checkpoint_config = dict(interval=5, filename_tmpl='pem_epoch_{}.pth')   # one, at the end
