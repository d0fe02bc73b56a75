"""Deterministic synthetic video data for the demo trainings, made on demand.

Real trainings need real files in the layouts the frameworks read, but the demo must not
download anything: this writes a handful of tiny clips (a bright square moving right for class
0, down for class 1, over dark noise), as

- ``rawframes/<clip>/img_00001.jpg ...`` and ``train_rawframes.txt`` (``<clip> <frames> <label>``,
  the rawframe list of MMAction2 0.x and 1.x; frames numbered from 1 as their default template),
- ``videos/<clip>.mp4`` (OpenCV, ``mp4v``) and ``train_videos.txt`` (``<clip>.mp4 <label>``),
- ``tsm/kinetics/...``: Temporal-Shift-Module's layout of the same frames (``demo/data_tsm.py``).

- ``mmaction/train_rawframes.txt``: the rawframe list, repeated, for MMAction (v1) at 7f3490d,
  which cannot repeat a dataset itself (``demo/data_mmaction.py``).
- ``activitynet/``: ActivityNet-style features and annotations for the localization demo
  (demo/data_activitynet.py; ``--localization 0`` leaves it out).
- ``pyslowfast/train.csv``, ``val.csv``: PySlowFast's lists of those videos (demo/data_pyslowfast.py).

The same parameters give byte-identical frames (fixed seed). A ``dataset.json`` written last
marks a complete dataset; :func:`ensure_dataset` rebuilds only when it is missing or differs.

    python -m demo.data data/demo            # make it (no-op when already there)
"""
import argparse
import dataclasses
import json
import os
import pathlib
import shutil
import sys
import tempfile

import numpy as np

from demo import data_activitynet, data_mmaction, data_pyslowfast, data_tsm

MARKER = "dataset.json"
FORMAT_VERSION = 5   # 2: TSM's layout (tsm/), MMAction's list (mmaction/); 3: activitynet/;
                     # 4: pyslowfast/{train,val}.csv; 5: MMAction's list 15 times (60 per epoch)


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """What to generate: ``clips`` clips of ``frames`` frames of ``size`` x ``size`` pixels."""

    clips: int = 8
    frames: int = 16
    size: int = 64
    classes: int = 2
    fps: int = 8
    seed: int = 0
    localization: int = 1   # 1: also activitynet/ (demo/data_activitynet.py), 0: not

    def as_dict(self) -> dict:
        return {"format_version": FORMAT_VERSION, **dataclasses.asdict(self)}


def clip_frames(spec: DatasetSpec, index: int, rng: np.random.Generator) -> tuple[int, list]:
    """The label and the BGR uint8 frames of clip ``index`` (a square moving by class)."""
    label = index % spec.classes
    side = max(4, spec.size // 5)
    color = rng.integers(100, 256, size=3).tolist()
    step = max(1, (spec.size - side) // max(1, spec.frames))
    frames = []
    for t in range(spec.frames):
        img = rng.integers(0, 40, size=(spec.size, spec.size, 3), dtype=np.uint8)
        moving = min(t * step, spec.size - side)
        fixed = (spec.size - side) // 2
        x, y = (moving, fixed) if label % 2 == 0 else (fixed, moving)
        img[y:y + side, x:x + side] = color
        frames.append(img)
    return label, frames


def write_dataset(root: pathlib.Path, spec: DatasetSpec) -> None:
    """Write the whole dataset into ``root`` (which must not hold another dataset)."""
    import cv2  # only here: importing demo.data must stay cheap

    (root / "rawframes").mkdir(parents=True, exist_ok=True)
    (root / "videos").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    raw_lines, video_lines = [], []
    for i in range(spec.clips):
        name = f"clip_{i:03d}"
        label, frames = clip_frames(spec, i, rng)
        folder = root / "rawframes" / name
        folder.mkdir(exist_ok=True)
        writer = cv2.VideoWriter(str(root / "videos" / f"{name}.mp4"),
                                 cv2.VideoWriter_fourcc(*"mp4v"), spec.fps, (spec.size, spec.size))
        if not writer.isOpened():
            raise RuntimeError("OpenCV cannot write mp4v videos here")
        for t, img in enumerate(frames, start=1):
            cv2.imwrite(str(folder / f"img_{t:05d}.jpg"), img)
            writer.write(img)
        writer.release()
        raw_lines.append(f"{name} {spec.frames} {label}")
        video_lines.append(f"{name}.mp4 {label}")
    (root / "train_rawframes.txt").write_text("\n".join(raw_lines) + "\n")
    (root / "train_videos.txt").write_text("\n".join(video_lines) + "\n")
    data_tsm.write_layout(root, raw_lines)
    data_mmaction.write_layout(root, raw_lines)
    data_pyslowfast.write_layout(root, video_lines)   # pyslowfast/{train,val}.csv
    if spec.localization:   # BSN, BMN, MMAction2's localizers (from BSN's bundle)
        data_activitynet.write(root / "activitynet")


def is_complete(root: pathlib.Path, spec: DatasetSpec) -> bool:
    """Whether ``root`` already holds exactly this dataset."""
    try:
        return json.loads((root / MARKER).read_text()) == spec.as_dict()
    except (OSError, ValueError):
        return False


def ensure_dataset(root, spec: DatasetSpec = DatasetSpec()) -> bool:
    """Make the dataset at ``root`` unless it is there already; True when it was (re)made.

    Built in a temporary sibling folder and renamed into place, so an interrupted run never
    leaves a half-written dataset that looks complete.
    """
    if not str(root).strip():
        raise data_activitynet.DataError("no dataset folder given (an empty path would name the "
                                         "current directory): give the folder to write, e.g. "
                                         "python -m demo.data data/demo")
    root = pathlib.Path(root)
    if is_complete(root, spec):
        return False
    # Only a folder this module made (its marker file) or an empty one is ever replaced: the
    # path comes from the command line, and `rmtree` of a wrong one (the repository itself,
    # given '' or '.') would destroy what it holds.
    if root.exists() and not ((root / MARKER).is_file() or
                              (root.is_dir() and not any(root.iterdir()))):
        raise data_activitynet.DataError(
            f"{root}: not a demo dataset (no {MARKER} in it) and not empty: refusing to replace "
            f"it; give another folder (make demo DEMO_DATA=...) or remove it yourself")
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=f".{root.name}-", dir=root.parent))
    try:
        write_dataset(tmp, spec)
        (tmp / MARKER).write_text(json.dumps(spec.as_dict(), indent=1) + "\n")
        if root.exists():
            shutil.rmtree(root)
        os.replace(tmp, root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return True


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m demo.data", description=__doc__.split("\n\n")[0])
    ap.add_argument("root", help="folder to write (git-ignored data/demo in make demo)")
    defaults = DatasetSpec()
    for field in dataclasses.fields(DatasetSpec):
        ap.add_argument(f"--{field.name}", type=int, default=getattr(defaults, field.name))
    args = ap.parse_args(argv)
    spec = DatasetSpec(**{f.name: getattr(args, f.name) for f in dataclasses.fields(DatasetSpec)})
    if spec.clips < 1 or spec.frames < 1 or spec.size < 8 or spec.classes < 1:
        print("error: need --clips >= 1, --frames >= 1, --size >= 8, --classes >= 1", file=sys.stderr)
        return 2
    try:
        made = ensure_dataset(args.root, spec)
    except data_activitynet.DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{'made' if made else 'kept'} {args.root}: {spec.clips} clips x {spec.frames} frames "
          f"of {spec.size}x{spec.size}, rawframes + mp4"
          + (", activitynet (localization)" if spec.localization else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
