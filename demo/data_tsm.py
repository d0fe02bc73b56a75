"""The demo dataset in Temporal-Shift-Module's own Kinetics layout (``ops/dataset_config.py``).

Why: TSM 8d53d6f reads ``<ROOT_DATASET>/kinetics/images/<video>/img_00001.jpg ...`` and the lists
``<ROOT_DATASET>/kinetics/labels/train_videofolder.txt`` and ``val_videofolder.txt`` (``<video>
<frames> <label>`` lines, ``return_kinetics`` at ``:91-100``). The frames are the demo's own
rawframes, reached through a relative link (``tsm/kinetics/images -> ../../rawframes``), so the
same pixels feed every framework and the dataset folder can be renamed into place whole.
``ROOT_DATASET`` is pointed at ``<dataset>/tsm/`` by the CPU compatibility layer
(``orchestrator/probe/inject/_vidbench_compat_tsm.py``).
"""
import os
import pathlib

ROOT = "tsm"                       # ROOT_DATASET, relative to the demo dataset folder
IMAGES = "kinetics/images"
LABELS = "kinetics/labels"
TRAIN, VAL = "train_videofolder.txt", "val_videofolder.txt"
VAL_CLIPS = 2   # main.py validates after the last epoch, always: one batch of 2 keeps it short


def write_layout(root: pathlib.Path, rawframe_lines: list) -> None:
    """Write ``root/tsm/``: the link to the rawframes, the training list (every clip) and the
    validation list (the first VAL_CLIPS clips)."""
    images = root / ROOT / IMAGES
    images.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(os.path.relpath(root / "rawframes", images.parent), images)
    labels = root / ROOT / LABELS
    labels.mkdir(parents=True, exist_ok=True)
    (labels / TRAIN).write_text("".join(line + "\n" for line in rawframe_lines))
    (labels / VAL).write_text("".join(line + "\n" for line in rawframe_lines[:VAL_CLIPS]))
