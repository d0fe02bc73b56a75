"""The demo's synthetic dataset: the layouts MMAction2 0.x/1.x read, deterministic, made once."""
import hashlib
import json
import pathlib

import cv2
import numpy as np
import pytest

from demo.data import DatasetSpec, ensure_dataset, is_complete

SMALL = DatasetSpec(clips=4, frames=6, size=32, localization=0)   # its own test: test_data_activitynet.py


def digest(root):
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".jpg", ".txt"):
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_rawframe_and_video_lists_match_the_files(tmp_path):
    root = tmp_path / "d"
    assert ensure_dataset(root, SMALL) is True
    raw = (root / "train_rawframes.txt").read_text().splitlines()
    assert raw == ["clip_000 6 0", "clip_001 6 1", "clip_002 6 0", "clip_003 6 1"]
    for line in raw:
        name, frames, _ = line.split()
        files = sorted(p.name for p in (root / "rawframes" / name).iterdir())
        # MMAction2's default rawframe template img_{:05} starting at 1
        assert files == [f"img_{i:05d}.jpg" for i in range(1, int(frames) + 1)]
        assert cv2.imread(str(root / "rawframes" / name / files[0])).shape == (32, 32, 3)
    videos = (root / "train_videos.txt").read_text().splitlines()
    assert videos == ["clip_000.mp4 0", "clip_001.mp4 1", "clip_002.mp4 0", "clip_003.mp4 1"]
    cap = cv2.VideoCapture(str(root / "videos" / "clip_001.mp4"))
    n = 0
    while cap.read()[0]:
        n += 1
    assert n == 6


def bright_centroid(img):
    mask = img.max(axis=2) >= 100          # the square is >= 100, the noise < 40
    ys, xs = np.nonzero(mask)
    return xs.mean(), ys.mean()


def test_classes_differ_by_the_direction_of_motion(tmp_path):
    root = tmp_path / "d"
    ensure_dataset(root, DatasetSpec(clips=2, frames=8, size=64, localization=0))
    for name, moving_axis in (("clip_000", 0), ("clip_001", 1)):
        first = bright_centroid(cv2.imread(str(root / "rawframes" / name / "img_00001.jpg")))
        last = bright_centroid(cv2.imread(str(root / "rawframes" / name / "img_00008.jpg")))
        assert last[moving_axis] - first[moving_axis] > 20          # moved a lot this way
        assert abs(last[1 - moving_axis] - first[1 - moving_axis]) < 3  # not the other way


def test_same_parameters_give_the_same_bytes_and_a_second_call_keeps_them(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    ensure_dataset(a, SMALL)
    ensure_dataset(b, SMALL)
    assert digest(a) == digest(b)
    stamp = (a / "rawframes" / "clip_000" / "img_00001.jpg").stat().st_mtime_ns
    assert ensure_dataset(a, SMALL) is False
    assert (a / "rawframes" / "clip_000" / "img_00001.jpg").stat().st_mtime_ns == stamp


def test_other_parameters_replace_the_dataset(tmp_path):
    root = tmp_path / "d"
    ensure_dataset(root, SMALL)
    bigger = DatasetSpec(clips=5, frames=6, size=32, localization=0)
    assert not is_complete(root, bigger)
    assert ensure_dataset(root, bigger) is True
    assert len((root / "train_rawframes.txt").read_text().splitlines()) == 5
    assert json.loads((root / "dataset.json").read_text())["clips"] == 5
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".d-")]  # no leftovers


def test_an_interrupted_build_is_not_taken_for_a_dataset(tmp_path):
    root = tmp_path / "d"
    ensure_dataset(root, SMALL)
    (root / "dataset.json").unlink()       # a folder without the marker: not (known to be) ours
    assert not is_complete(root, SMALL)
    # an interrupted build leaves only its hidden temporary sibling, never `root` itself
    (tmp_path / ".e-killed").mkdir()
    assert ensure_dataset(tmp_path / "e", SMALL) is True and is_complete(tmp_path / "e", SMALL)


@pytest.mark.parametrize("args", [["--clips", "0"], ["--size", "4"]])
def test_cli_refuses_bad_sizes(tmp_path, capsys, args):
    from demo.data import main
    assert main([str(tmp_path / "d"), *args]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_a_folder_that_is_not_a_demo_dataset_is_never_replaced(tmp_path):
    """`make demo` once handed '' (the current directory: the whole clone) to demo.data, which
    removed the folder's contents before it failed: only its own datasets are ever replaced."""
    import os
    import subprocess
    import sys
    from demo.data_activitynet import DataError
    work = tmp_path / "work"
    work.mkdir()
    (work / "precious.txt").write_text("keep me\n")
    with pytest.raises(DataError, match="not a demo dataset .* refusing to replace it"):
        ensure_dataset(work, SMALL)
    with pytest.raises(DataError, match="no dataset folder given"):
        ensure_dataset("", SMALL)
    assert (work / "precious.txt").read_text() == "keep me\n"
    root = pathlib.Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-m", "demo.data", ""], cwd=work, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 1 and proc.stderr.startswith("error: no dataset folder given")
    assert sorted(p.name for p in work.iterdir()) == ["precious.txt"]


def test_a_dataset_of_another_shape_is_remade_in_place(tmp_path):
    root = tmp_path / "d"
    ensure_dataset(root, SMALL)
    other = DatasetSpec(clips=2, frames=6, size=32, localization=0)
    assert ensure_dataset(root, other) is True and is_complete(root, other)


def test_make_demo_hands_its_defaults_to_the_demo(tmp_path):
    """`unexport X` defines an undefined X as empty, which once overrode mk/demo.mk's `?=`
    defaults (DEMO_DATA, EXECUTOR, DEMO_PARALLEL): the recipes make would run."""
    import shutil
    import subprocess
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    root = pathlib.Path(__file__).resolve().parents[2]
    out = subprocess.run(["make", "-n", "-o", "venv", "demo"], cwd=root, capture_output=True,
                         text=True, timeout=60).stdout
    assert "-m demo.data 'data/demo'" in out
    assert "-m demo.run --executor 'local'" in out and "--parallel '2'" in out
    assert "--full" not in out
    full = subprocess.run(["make", "-n", "-o", "venv", "demo", "DEMO_FULL=1", "DEMO_DATA=x/y"],
                          cwd=root, capture_output=True, text=True, timeout=60).stdout
    assert "--full" in full and "-m demo.data 'x/y'" in full
