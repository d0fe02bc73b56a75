"""PySlowFast's Kinetics layout of the demo clips: ``pyslowfast/train.csv`` and ``val.csv``.

Why its own module: PySlowFast 8299c98 reads ``DATA.PATH_TO_DATA_DIR/{train,val}.csv``, one
``<path> <label>`` line per video (``slowfast/datasets/kinetics.py:95-110``, separator
``DATA.PATH_LABEL_SEPARATOR`` " "), each path joined to ``DATA.PATH_PREFIX``, and decodes the
videos with PyAV. The demo's ``videos/<clip>.mp4`` (OpenCV ``mp4v``, i.e. MPEG-4 part 2) decode
with the PyAV 8.0.2 of its environment, so the lists name those files (relative to the dataset
root, which the job passes as ``DATA.PATH_PREFIX``) and no second copy of the clips is written.

The training list repeats the clips ``train_repeats`` times: with batch 2 and ``drop_last`` an
epoch of the 8 clips is 4 iterations, and every epoch boundary of PySlowFast costs a loader
rebuild and a checkpoint check; one long epoch keeps the timed iterations regular (the page's
runs time one long epoch of Kinetics too). Listing a file several times is the dataset's own
convention for sampling a video more often; nothing else changes.
"""
import pathlib

FOLDER = "pyslowfast"


def csv_lines(video_lines, repeats: int) -> list:
    """``<clip>.mp4 <label>`` lines of ``train_videos.txt`` -> PySlowFast's ``videos/<clip>.mp4
    <label>`` lines, the whole list ``repeats`` times."""
    out = []
    for line in video_lines:
        name, label = line.split()
        out.append(f"videos/{name} {int(label)}")
    return out * repeats


def write_layout(root: pathlib.Path, video_lines, train_repeats: int = 16) -> None:
    """Write ``root/pyslowfast/train.csv`` (the clips ``train_repeats`` times) and ``val.csv``
    (each clip once) for the videos already written under ``root/videos``."""
    folder = pathlib.Path(root) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.csv").write_text("\n".join(csv_lines(video_lines, train_repeats)) + "\n")
    (folder / "val.csv").write_text("\n".join(csv_lines(video_lines, 1)) + "\n")
