# BSN TEM of MMAction2 fd993ca, shrunk only where a CPU demo needs it (jobs/demo-localization.yaml):
# the pinned config as is (400x100 features, batch 16, 20 epochs, the page's row) on the demo's
# 48 training videos (3 iterations per epoch: 60), no loader workers, every iteration logged.
# Two cuts for the demo's budget, neither inside an iteration: no validation epoch after each
# training epoch (the pinned workflow is [train, val]; at 3 iterations per epoch it doubled the
# stage, and the probe's step times counted it) and one checkpoint, at the end (the PEM stage's
# TEM inference reads latest.pth), instead of one per epoch.
# `_base_` is resolved from this file's path inside the checkout (vidbench-demo-configs/).
_base_ = ['../configs/localization/bsn/bsn_tem_400x100_1x16_20e_activitynet_feature.py']
data = dict(workers_per_gpu=0)
log_config = dict(interval=1)
workflow = [('train', 1)]
checkpoint_config = dict(interval=20, filename_tmpl='tem_epoch_{}.pth')
