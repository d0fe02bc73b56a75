# MMAction2 fd993ca's localizers on the demo's data: envs/mmaction2.sh with data/ActivityNet ->
# the demo's data (its layout is MMAction2's), and ./vidbench-demo-configs: the tiny configs of
# demo/localization/mmaction2, which inherit the pinned ones through
# `_base_ = ['../configs/localization/...']`, resolved from the checkout.
# PEM of BSN trains on PGM features made from the TEM results: they are made first, every time,
# with MMAction2's own steps (configs/localization/bsn/README.md): tools/test.py with the TEM
# checkpoint of the job's TEM stage, then tools/bsn_proposal_generation.py --mode train, into
# the pinned configs' work_dirs/bsn_400x100_20e_1x16_activitynet_feature/ (one MMAction2 BSN
# job at a time per checkout).
. "$(dirname "${BASH_SOURCE[0]}")/env_common.sh" || return 1
export VIDBENCH_DATA_LINK=data/ActivityNet VIDBENCH_DATA="$VIDBENCH_DEMO_ANET"
. "$VIDBENCH_DEMO_ROOT/envs/mmaction2.sh"
ln -sfn "$VIDBENCH_DEMO_ROOT/demo/localization/mmaction2" vidbench-demo-configs
if [ "${VIDBENCH_STAGE:-}" = PEM ] && [ -n "${VIDBENCH_BSN_TEM_WORKDIR:-}" ]; then
  _vb_pgm=work_dirs/bsn_400x100_20e_1x16_activitynet_feature
  rm -rf "$_vb_pgm/tem_results" "$_vb_pgm/pgm_proposals" "$_vb_pgm/pgm_features"
  python tools/test.py vidbench-demo-configs/bsn_tem_tiny.py "$VIDBENCH_BSN_TEM_WORKDIR/latest.pth"
  python tools/bsn_proposal_generation.py vidbench-demo-configs/bsn_pgm_tiny.py --mode train
fi
