# Shared by demo/localization/<framework>.sh, the setup scripts of jobs/demo-localization.yaml:
# the demo's ActivityNet-style data (demo/data_activitynet.py, made by `make demo-data` under
# data/demo/activitynet; VIDBENCH_DEMO_DATA=/path for another dataset folder).
. "$(dirname "${BASH_SOURCE[0]}")/../env_common.sh"
VIDBENCH_DEMO_ANET=${VIDBENCH_DEMO_DATA:-$VIDBENCH_DEMO_ROOT/data/demo}/activitynet
if [ ! -f "$VIDBENCH_DEMO_ANET/activitynet_annotations/video_info_new.csv" ]; then
  echo "vidbench demo: no ActivityNet-style data in $VIDBENCH_DEMO_ANET: run 'make demo-data' in $VIDBENCH_DEMO_ROOT" >&2
  return 1
fi
