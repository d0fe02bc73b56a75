# BSN PGM of MMAction2 fd993ca for the demo: the pinned config, one process per step (2 cores).
_base_ = ['../configs/localization/bsn/bsn_pgm_400x100_activitynet_feature.py']
pgm_proposals_cfg = dict(pgm_proposals_thread=1)
pgm_features_test_cfg = dict(pgm_features_thread=1)
pgm_features_train_cfg = dict(pgm_features_thread=1)
