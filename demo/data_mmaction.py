"""The demo dataset's rawframe list for MMAction (v1) at 7f3490d, the clips listed REPEAT times.

Why: MMAction reads the same ``path num_frames label`` list and ``img_{:05d}.jpg`` frames as
MMAction2 (``mmaction/datasets/rawframes_dataset.py``), but at this pin it has no way to repeat a
dataset: a list of annotation files raises "Not implemented yet" (``datasets/utils.py:99``) and
there is no ``RepeatDataset``. 8 clips at batch 2 would make 4-iteration epochs, shorter than one
log interval of 10 (mmcv logs by the iteration within the epoch). So its list names each clip
REPEAT times (60 iterations per epoch, as the MMAction2 fd993ca demo configs' ``RepeatDataset``
times=15: the fewest that leave 10 after the 50-iteration warm-up);
the frames are the same files.
"""
import pathlib

LIST = "mmaction/train_rawframes.txt"
REPEAT = 15


def write_layout(root: pathlib.Path, rawframe_lines: list) -> None:
    """Write ``root/mmaction/train_rawframes.txt``: the rawframe list REPEAT times over."""
    path = root / LIST
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for _ in range(REPEAT) for line in rawframe_lines))
