# BSN TEM of MMAction2 fd993ca, shrunk only where a CPU demo needs it (jobs/demo-localization.yaml):
# the pinned config as is (400x100 features, batch 16, 20 epochs, the page's row) on the demo's
# 48 training videos (3 iterations per epoch: 60), no loader workers, every iteration logged.
# `_base_` is resolved from this file's path inside the checkout (vidbench-demo-configs/).
_base_ = ['../configs/localization/bsn/bsn_tem_400x100_1x16_20e_activitynet_feature.py']
data = dict(workers_per_gpu=0)
log_config = dict(interval=1)
