# BSN PEM of MMAction2 fd993ca for the demo: the pinned config (batch 16, 20 epochs) on the PGM
# features of the demo's 48 training videos (3 iterations per epoch: 60), no loader workers,
# every iteration logged.
_base_ = ['../configs/localization/bsn/bsn_pem_400x100_1x16_20e_activitynet_feature.py']
data = dict(workers_per_gpu=0)
log_config = dict(interval=1)
checkpoint_config = dict(interval=20, filename_tmpl='pem_epoch_{}.pth')   # one, at the end
