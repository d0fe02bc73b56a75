# BMN of MMAction2 fd993ca, shrunk as the original BMN 45d0514 is in jobs/demo-localization.yaml
# (its --temporal_scale 16 --num_sample 8 --batch_size 2 --train_epochs 3), so that the pair
# stays comparable: 16 snippets (the demo's csv_mean_16 features), 8 samples per proposal,
# batch 2 on one process, 3 epochs of 24 iterations, no loader workers, every iteration logged.
# `_base_` is resolved from this file's path inside the checkout (vidbench-demo-configs/).
#
# One fix beyond shrinking: the pinned train_pipeline leaves gt_bbox a numpy array, which
# BMN.generate_labels (bmn.py:289, `start.numpy()`) cannot take, so training fails at its first
# step on any device: open-mmlab/mmaction2#85 (2020-08-06), fixed upstream after this commit by
# what its answer says and MMAction2's own training log shows: gt_bbox in ToTensor's keys.
_base_ = ['../configs/localization/bmn/bmn_400x100_2x8_9e_activitynet_feature.py']
model = dict(temporal_dim=16, num_samples=8)
features = 'data/ActivityNet/activitynet_feature_cuhk/csv_mean_16/'
train_pipeline = [
    dict(type='LoadLocalizationFeature'),
    dict(type='GenerateLocalizationLabels'),
    dict(
        type='Collect',
        keys=['raw_feature', 'gt_bbox'],
        meta_name='video_meta',
        meta_keys=['video_name']),
    dict(type='ToTensor', keys=['raw_feature', 'gt_bbox']),
    dict(
        type='ToDataContainer',
        fields=[dict(key='gt_bbox', stack=False, cpu_only=True)])
]
data = dict(
    videos_per_gpu=2,
    workers_per_gpu=0,
    train=dict(data_prefix=features, pipeline=train_pipeline),
    val=dict(data_prefix=features),
    test=dict(data_prefix=features))
total_epochs = 3
checkpoint_config = dict(interval=3)   # one, at the end
log_config = dict(interval=1)
