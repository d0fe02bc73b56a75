"""ActivityNet-style localization data for the demo: BSN f13707f, BMN 45d0514 and MMAction2
fd993ca's localizers (BSN TEM/PEM, BMN) all train on the same files.

The three read ActivityNet-1.3 TSN features rescaled to T snippets (``csv_mean_T/<video>.csv``:
T rows of 400 floats under a header ``f0,...,f399``, no index column) and the annotation files
of BSN's repository. We cannot ship the real features, so the features are synthetic, but the
videos are real: the first ``train`` training and ``val`` validation videos (in file order) of
BSN's own ``data/activitynet_annotations/`` at the pinned commit that BMN can learn at the
demo's coarse scale (:func:`best_grid_iou`), their rows of
``video_info_new.csv`` copied verbatim and their ``anet_anno_action.json`` entries kept, so
durations, feature frames and segments are ActivityNet's. Layout written under ``root``::

    activitynet_annotations/video_info_new.csv, anet_anno_action.json, action_name.csv  (BSN, BMN)
    activitynet_feature_cuhk/csv_mean_<T>/<video>.csv   one folder per scale: 100 for BSN
                                  (tscale hard-coded in TEM_load_data.py:6), the demo's smaller
                                  one for BMN (its --feature_path is activitynet_feature_cuhk/)
    anet_anno_{train,val,test,full}.json   MMAction2's files, as its
                                  tools/data/activitynet/process_annotations.py makes them

so that ``root`` is MMAction2's ``data/ActivityNet`` as its configs name it.

BSN trains with batch 16 hard-coded (TEM_train.py:67): it needs >= 16 videos of each subset.
A feature row is noise, raised on the first quarter of the channels inside the annotated
segments, so the localizers have something to learn. Deterministic: a video's features depend
only on (seed, its index, T).

    python -m demo.data_activitynet data/demo/activitynet      # usually via `make demo-data`
"""
import argparse
import dataclasses
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
BSN_BUNDLE = ROOT.parent / "shared" / "frameworks" / "bsn-f13707f.bundle"
ANNOTATIONS = "data/activitynet_annotations"
FEATURES = "activitynet_feature_cuhk"
ANNOTATION_FILES = ("video_info_new.csv", "anet_anno_action.json", "action_name.csv")
SUBSETS = ("training", "validation")
POSITIVE_IOU = 0.9   # BMN's pem_cls_loss_func: a positive match-map cell


class DataError(Exception):
    """The annotation source is missing or unreadable (one line, naming the file)."""


@dataclasses.dataclass(frozen=True)
class ActivityNetSpec:
    """``train`` + ``val`` videos, features at each temporal scale of ``scales``."""

    train: int = 48          # 48 / batch 16 -> 4 BSN steps per epoch, 80 in its 20 epochs
    val: int = 16
    scales: tuple = (100, 16)
    feat_dim: int = 400
    seed: int = 0

    def as_dict(self) -> dict:
        return {**dataclasses.asdict(self), "scales": list(self.scales)}


@dataclasses.dataclass(frozen=True)
class Video:
    name: str
    subset: str
    info_line: str           # its row of video_info_new.csv, verbatim
    anno: dict               # its anet_anno_action.json entry
    fps: float
    rfps: float


def read_annotations(folder: pathlib.Path) -> tuple:
    """(header line, [Video...] of every row, action_name.csv text) from a BSN annotation folder."""
    folder = pathlib.Path(folder)
    info_path, anno_path, names_path = (folder / f for f in ANNOTATION_FILES)
    try:
        lines = info_path.read_text().splitlines()
        anno = json.loads(anno_path.read_text())
        names = names_path.read_text()
    except (OSError, ValueError) as exc:
        raise DataError(f"{getattr(exc, 'filename', None) or folder}: cannot read BSN's "
                        f"annotations: {exc}") from None
    if not lines or lines[0].split(",")[:6] != ["video", "numFrame", "seconds", "fps", "rfps",
                                                 "subset"]:
        raise DataError(f"{info_path}:1: not BSN's video_info_new.csv header")
    videos = []
    for lineno, line in enumerate(lines[1:], start=2):
        cols = line.split(",")
        if len(cols) < 7 or cols[0] not in anno:
            raise DataError(f"{info_path}:{lineno}: expected 7 columns and a video of "
                            f"{anno_path.name}, got {line[:80]!r}")
        videos.append(Video(name=cols[0], subset=cols[5], info_line=line, anno=anno[cols[0]],
                            fps=float(cols[3]), rfps=float(cols[4])))
    return lines[0], videos, names


def best_grid_iou(video: Video, scale: int) -> float:
    """The largest IoU of an annotated segment with a proposal of the ``scale`` grid.

    BMN's proposal-classification loss divides by the number of match-map cells whose IoU with
    a ground-truth segment exceeds 0.9 (loss_function.py, pem_cls_loss_func; MMAction2's BMN
    ported it): a batch without one gives NaN, which then spreads into every weight. At the
    demo's coarse temporal scale most actions have no such cell, so the demo keeps only videos
    that have one (then every batch has one).
    """
    duration = float(video.anno["feature_frame"]) / float(video.anno["duration_frame"]) \
        * float(video.anno["duration_second"])
    edges = np.arange(scale + 1) / scale
    starts, ends = np.meshgrid(edges, edges, indexing="ij")
    valid = ends > starts
    best = 0.0
    for a in video.anno.get("annotations", []):
        s, e = (min(1.0, max(0.0, float(x) / duration)) for x in a["segment"])
        inter = np.clip(np.minimum(ends, e) - np.maximum(starts, s), 0, None)
        union = (ends - starts) + (e - s) - inter
        iou = np.where(valid & (union > 0), inter / np.where(union > 0, union, 1), 0.0)
        best = max(best, float(iou.max()))
    return best


def select(videos, spec: ActivityNetSpec) -> list:
    """The first ``spec.train`` training and ``spec.val`` validation videos, in file order,
    among those with a grid proposal of IoU > 0.9 at every scale (:func:`best_grid_iou`)."""
    want = {"training": spec.train, "validation": spec.val}
    out = []
    for v in videos:
        if want.get(v.subset, 0) > 0 and all(best_grid_iou(v, t) > POSITIVE_IOU for t in spec.scales):
            want[v.subset] -= 1
            out.append(v)
    short = {k: n for k, n in want.items() if n > 0}
    if short:
        raise DataError(f"video_info_new.csv: {short} videos fewer than asked for")
    return out


def features(video: Video, index: int, scale: int, spec: ActivityNetSpec) -> np.ndarray:
    """``scale`` x ``feat_dim`` float32 features of one video (pure, deterministic)."""
    rng = np.random.default_rng([spec.seed, index, scale])
    feat = rng.normal(0.0, 0.1, size=(scale, spec.feat_dim)).astype(np.float32)
    duration = float(video.anno["duration_second"]) or 1.0
    centers = (np.arange(scale) + 0.5) / scale
    inside = np.zeros(scale, dtype=bool)
    for a in video.anno.get("annotations", []):
        start, end = (float(x) / duration for x in a["segment"])
        inside |= (centers >= start) & (centers <= end)
    feat[inside, : spec.feat_dim // 4] += 0.5
    return feat


def mmaction2_annotations(videos) -> dict:
    """MMAction2's anet_anno_{train,val,test,full}.json contents (process_annotations.py)."""
    key = {"training": "train", "validation": "val", "testing": "test"}
    out = {"train": {}, "val": {}, "test": {}, "full": {}}
    for v in videos:
        entry = {**v.anno, "fps": v.fps, "rfps": v.rfps}
        out["full"][v.name] = entry
        out[key[v.subset]][v.name] = entry
    return out


def write_csv(path: pathlib.Path, feat: np.ndarray) -> None:
    header = ",".join(f"f{i}" for i in range(feat.shape[1]))
    np.savetxt(path, feat, fmt="%.6f", delimiter=",", header=header, comments="")


def write(root, spec: ActivityNetSpec = ActivityNetSpec(), annotations=None) -> int:
    """Write the layout into ``root`` (a new or empty folder); returns the number of videos.

    ``annotations``: a folder holding BSN's three annotation files (a BSN checkout's
    data/activitynet_annotations); None reads them from the pinned commit in BSN's bundle.
    """
    root = pathlib.Path(root)
    if annotations is None:
        with tempfile.TemporaryDirectory(prefix="vidbench-bsn-") as tmp:
            return write(root, spec, bsn_annotations(pathlib.Path(tmp)))
    header, all_videos, names = read_annotations(annotations)
    videos = select(all_videos, spec)
    folder = root / "activitynet_annotations"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "video_info_new.csv").write_text(
        "\n".join([header] + [v.info_line for v in videos]) + "\n")
    (folder / "anet_anno_action.json").write_text(json.dumps({v.name: v.anno for v in videos}))
    (folder / "action_name.csv").write_text(names)
    for part, content in mmaction2_annotations(videos).items():
        (root / f"anet_anno_{part}.json").write_text(json.dumps(content))
    for scale in spec.scales:
        out = root / FEATURES / f"csv_mean_{scale}"
        out.mkdir(parents=True, exist_ok=True)
        for i, v in enumerate(videos):
            write_csv(out / f"{v.name}.csv", features(v, i, scale, spec))
    return len(videos)


def bsn_annotations(tmp: pathlib.Path, bundle: pathlib.Path = BSN_BUNDLE) -> pathlib.Path:
    """BSN's annotation folder at the pin, from its bundle (a partial clone into ``tmp``)."""
    if not bundle.is_file():
        raise DataError(f"{bundle}: BSN's bundle is missing (the localization data takes its "
                        f"videos from it; or pass --annotations DIR)")
    dest = tmp / "bsn"
    proc = subprocess.run(["sh", str(bundle.parent / "clone_bundle.sh"), str(bundle), str(dest)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        last = (proc.stdout.strip().splitlines() or ["exit %d" % proc.returncode])[-1]
        raise DataError(f"{bundle}: cannot clone BSN's bundle: {last}")
    return dest / ANNOTATIONS


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m demo.data_activitynet",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("root", help="folder to write (must not exist)")
    ap.add_argument("--annotations", type=pathlib.Path,
                    help="BSN's data/activitynet_annotations (default: from its bundle)")
    args = ap.parse_args(argv)
    root = pathlib.Path(args.root)
    if root.exists():
        print(f"error: {root} exists: give a new folder", file=sys.stderr)
        return 1
    try:
        n = write(root, annotations=args.annotations)
    except DataError as exc:
        shutil.rmtree(root, ignore_errors=True)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"made {root}: {n} videos, features at scales {ActivityNetSpec().scales}")
    return 0


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main())
