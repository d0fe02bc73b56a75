# BMN of MMAction2 fd993ca, shrunk as the original BMN 45d0514 is in jobs/demo-localization.yaml
# (its --temporal_scale 16 --num_sample 8 --batch_size 2 --train_epochs 3), so that the pair
# stays comparable: 16 snippets (the demo's csv_mean_16 features), 8 samples per proposal,
# batch 2 on one process, 3 epochs of 24 iterations, no loader workers, every iteration logged.
_base_ = ['../configs/localization/bmn/bmn_400x100_2x8_9e_activitynet_feature.py']
model = dict(temporal_dim=16, num_samples=8)
features = 'data/ActivityNet/activitynet_feature_cuhk/csv_mean_16/'
data = dict(
    videos_per_gpu=2,
    workers_per_gpu=0,
    train=dict(data_prefix=features),
    val=dict(data_prefix=features),
    test=dict(data_prefix=features))
total_epochs = 3
log_config = dict(interval=1)
