# Temporal-Shift-Module at 8d53d6f. Sourced in the checkout before each stage (see _common.sh).
# Environment: envs/recipes/tsm-8d53d6f.yaml (torch 1.4.0 + torchvision 0.5.0, tensorboardX 2.1,
# tqdm, scikit-learn; README.md:44-47), which command.sh activates (or your own:
# VIDBENCH_ACTIVATE / VIDBENCH_CONDA_ENV). No compiled extensions, no setup.py.
# The checkout has no .gitignore: no .pyc may be written into it (the tree must stay clean).
# main.py's check_rootfolders (:368-374) makes only the last level of --root_log/--root_model
# (os.mkdir): VIDBENCH_TSM_WORK_DIR (the folder holding both, set per job in jobs/*.yaml) is made
# here.
# Data: ops/dataset_config.py:8 hard-codes ROOT_DATASET = '/ssd/video/' (kinetics/images,
# kinetics/labels/{train,val}_videofolder.txt), read at call time. With
# VIDBENCH_TSM_ROOT_DATASET=/your/root in CPU compatibility mode (the demo) the injected layer
# points it there (orchestrator/probe/inject/_vidbench_compat_tsm.py). Otherwise that path must
# exist on the node (a link made by an admin, or a container bind mount:
#   singularity exec --bind $TSM_ROOT_DATASET:/ssd/video ...); this script only checks it.
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
vidbench_env
export PYTHONDONTWRITEBYTECODE=1
[ -z "${VIDBENCH_TSM_WORK_DIR:-}" ] || mkdir -p "${VIDBENCH_TSM_WORK_DIR}"
if [ -n "${VIDBENCH_TSM_ROOT_DATASET:-}" ]; then
  if [ ! -d "${VIDBENCH_TSM_ROOT_DATASET}/kinetics" ]; then
    echo "vidbench: VIDBENCH_TSM_ROOT_DATASET=${VIDBENCH_TSM_ROOT_DATASET} has no kinetics/ folder" >&2
    return 1
  fi
  if [ "${VIDBENCH_CPU_COMPAT:-0}" = 0 ]; then
    echo "vidbench: VIDBENCH_TSM_ROOT_DATASET acts in CPU compatibility mode only; TSM reads /ssd/video" >&2
  fi
elif [ ! -d /ssd/video/kinetics ]; then
  echo "vidbench: TSM reads /ssd/video/kinetics (ops/dataset_config.py:8); bind or link ${TSM_ROOT_DATASET:-your data} there" >&2
fi
