# MMAction2 0.5.0 (PyPI mmaction==0.5.0, mmcv 1.3.9) for the demo (jobs/demo.yaml
# `environment.setup`): its own venv .venv-mmaction050 (`make venv-mmaction050`;
# VIDBENCH_DEMO_VENV050=/path for another), and demo/mmaction050/tools/train.py (the 0.x script,
# which the wheel does not ship), linked into the job's working dir.
. "$(dirname "${BASH_SOURCE[0]}")/../env_common.sh"
vidbench_demo_env "${VIDBENCH_DEMO_VENV050:-$VIDBENCH_DEMO_ROOT/.venv-mmaction050}" \
  "$VIDBENCH_DEMO_ROOT/demo/mmaction050/configs" "$VIDBENCH_DEMO_ROOT/demo/mmaction050/tools"
