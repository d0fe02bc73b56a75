"""The demo dataset in the layouts of MMAction 7f3490d (demo/data_mmaction.py) and TSM 8d53d6f
(demo/data_tsm.py)."""
import os

from demo.data import DatasetSpec, ensure_dataset

SMALL = DatasetSpec(clips=4, frames=6, size=32, localization=0)   # no BSN bundle needed (../shared may be absent)


def test_tsm_reads_the_same_frames_through_its_own_lists_and_folders(tmp_path):
    root = tmp_path / "d"
    ensure_dataset(root, SMALL)
    tsm = root / "tsm"
    images = tsm / "kinetics" / "images"
    # a relative link: the dataset folder is built elsewhere and renamed into place whole
    assert os.readlink(images) == os.path.join("..", "..", "rawframes")
    labels = tsm / "kinetics" / "labels"
    assert (labels / "train_videofolder.txt").read_text().splitlines() == [
        "clip_000 6 0", "clip_001 6 1", "clip_002 6 0", "clip_003 6 1"]
    # TSM validates after its last epoch whatever --eval-freq says: one batch of 2 clips
    assert (labels / "val_videofolder.txt").read_text().splitlines() == [
        "clip_000 6 0", "clip_001 6 1"]
    # TSM's Kinetics image template, from 1 (ops/dataset_config.py:97)
    first = images / "clip_002" / "img_00001.jpg"
    assert first.read_bytes() == (root / "rawframes" / "clip_002" / "img_00001.jpg").read_bytes()
    assert sorted(p.name for p in (images / "clip_003").iterdir()) == [
        f"img_{i:05d}.jpg" for i in range(1, 7)]


def test_mmaction_lists_every_clip_fifteen_times_over_the_same_frames(tmp_path):
    # 8 clips x 15 at batch 2: 60 iterations per epoch, as the MMAction2 configs' RepeatDataset
    root = tmp_path / "d"
    ensure_dataset(root, SMALL)
    lines = (root / "mmaction" / "train_rawframes.txt").read_text().splitlines()
    assert lines == (root / "train_rawframes.txt").read_text().splitlines() * 15
    # its configs read frames under data/demo/rawframes: the list names no other folder
    assert {line.split()[0] for line in lines} == {p.name for p in (root / "rawframes").iterdir()}
