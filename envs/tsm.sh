# Temporal-Shift-Module at 8d53d6f. Sourced in the checkout before the command (see _common.sh).
# Needs (README.md:44-47): PyTorch 1.0+ (1.4 on the page) with CUDA (main.py:74 .cuda()),
# torchvision, TensorboardX, tqdm, scikit-learn, Pillow. No compiled extensions, no setup.py.
#   pip install torch==1.4.0 torchvision==0.5.0 tensorboardX==2.0 tqdm scikit-learn
# Data: ops/dataset_config.py:8 hard-codes ROOT_DATASET = '/ssd/video/' (kinetics/images,
# kinetics/labels/{train,val}_videofolder.txt). The pinned tree must stay unmodified, so make
# that path exist on the node (a link made by an admin, or a container bind mount:
#   singularity exec --bind $TSM_ROOT_DATASET:/ssd/video ...). This script only checks it.
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
vidbench_env
if [ ! -d /ssd/video/kinetics ]; then
  echo "vidbench: TSM reads /ssd/video/kinetics (ops/dataset_config.py:8); bind or link ${TSM_ROOT_DATASET:-your data} there" >&2
fi
