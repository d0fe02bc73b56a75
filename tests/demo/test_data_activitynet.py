"""demo/data_activitynet.py: the localization demo's data, in the layouts BSN f13707f, BMN 45d0514
and MMAction2 fd993ca's localizers read, from real ActivityNet video lists (BSN's own)."""
import json
import pathlib
import re

import numpy as np
import pytest

from demo import data_activitynet as anet
from orchestrator.spec.expand import expand
from orchestrator.spec.load import load_spec

ROOT = pathlib.Path(__file__).resolve().parents[2]
HEADER = "video,numFrame,seconds,fps,rfps,subset,featureFrame"
# three rows as BSN's video_info_new.csv writes them (its first lines, byte for byte)
ROWS = {
    "v_---9CpRcKoU": "v_---9CpRcKoU,418,14.07,30.0,29.7085998579,training,400",
    "v_--0edUL8zmA": "v_--0edUL8zmA,2303,92.18,25.0,24.9837274897,training,2304",
    "v_--1DO2V4K74": "v_--1DO2V4K74,6337,211.53,30.0,29.9579255898,validation,6336",
    "v_--6bJUbfpnQ": "v_--6bJUbfpnQ,647,26.75,24.0,24.1869158879,validation,624",
}
SEGMENTS = {   # a long action each, except the second video's: 1 s of 92 s
    "v_---9CpRcKoU": [0.2, 13.5], "v_--0edUL8zmA": [40.0, 41.0],
    "v_--1DO2V4K74": [30.0, 205.2], "v_--6bJUbfpnQ": [2.6, 24.9],
}


@pytest.fixture
def annotations(tmp_path):
    folder = tmp_path / "activitynet_annotations"
    folder.mkdir()
    (folder / "video_info_new.csv").write_text("\n".join([HEADER, *ROWS.values()]) + "\n")
    anno = {}
    for name, row in ROWS.items():
        cols = row.split(",")
        anno[name] = {"duration_second": float(cols[2]), "duration_frame": int(cols[1]),
                      "annotations": [{"segment": SEGMENTS[name], "label": "Ballet"}],
                      "feature_frame": int(cols[6])}
    (folder / "anet_anno_action.json").write_text(json.dumps(anno))
    (folder / "action_name.csv").write_text("action\nBallet\n")
    return folder


SPEC = anet.ActivityNetSpec(train=1, val=2, scales=(100, 8), feat_dim=12)


def test_it_writes_every_file_the_three_localizers_read(tmp_path, annotations):
    root = tmp_path / "out"
    assert anet.write(root, SPEC, annotations) == 3
    info = (root / "activitynet_annotations" / "video_info_new.csv").read_text().splitlines()
    assert info == [HEADER, ROWS["v_---9CpRcKoU"], ROWS["v_--1DO2V4K74"], ROWS["v_--6bJUbfpnQ"]]
    action = json.loads((root / "activitynet_annotations" / "anet_anno_action.json").read_text())
    assert sorted(action) == ["v_---9CpRcKoU", "v_--1DO2V4K74", "v_--6bJUbfpnQ"]
    train = json.loads((root / "anet_anno_train.json").read_text())
    val = json.loads((root / "anet_anno_val.json").read_text())
    full = json.loads((root / "anet_anno_full.json").read_text())
    assert list(train) == ["v_---9CpRcKoU"] and list(val) == ["v_--1DO2V4K74", "v_--6bJUbfpnQ"]
    assert full["v_---9CpRcKoU"] == {**action["v_---9CpRcKoU"], "fps": 30.0,
                                     "rfps": 29.7085998579}
    assert json.loads((root / "anet_anno_test.json").read_text()) == {}
    for scale in (100, 8):
        csv = root / "activitynet_feature_cuhk" / f"csv_mean_{scale}" / "v_--1DO2V4K74.csv"
        lines = csv.read_text().splitlines()
        assert lines[0] == ",".join(f"f{i}" for i in range(12))       # no index column
        assert len(lines) == 1 + scale
        assert re.fullmatch(r"-?\d+\.\d{6}(,-?\d+\.\d{6}){11}", lines[1])


def test_videos_bmn_cannot_learn_at_the_coarse_scale_are_left_out(tmp_path, annotations):
    # v_--0edUL8zmA's 1 s action in 92 s has no 8-snippet proposal of IoU > 0.9
    _, videos, _ = anet.read_annotations(annotations)
    short = next(v for v in videos if v.name == "v_--0edUL8zmA")
    assert anet.best_grid_iou(short, 8) < 0.9 < anet.best_grid_iou(videos[0], 8)
    with pytest.raises(anet.DataError, match=r"\{'training': 1\} videos fewer"):
        anet.select(videos, anet.ActivityNetSpec(train=2, val=2, scales=(8,)))


def test_features_are_deterministic_and_raised_inside_the_actions(tmp_path, annotations):
    anet.write(tmp_path / "a", SPEC, annotations)
    anet.write(tmp_path / "b", SPEC, annotations)
    for f in sorted((tmp_path / "a").rglob("*.*")):
        assert f.read_bytes() == (tmp_path / "b" / f.relative_to(tmp_path / "a")).read_bytes()
    feat = np.loadtxt(tmp_path / "a" / "activitynet_feature_cuhk" / "csv_mean_100" /
                      "v_--1DO2V4K74.csv", delimiter=",", skiprows=1)
    inside, outside = feat[20:90, :3].mean(), feat[:10, :3].mean()   # action: 14%..97%
    assert inside - outside == pytest.approx(0.5, abs=0.05)


def test_a_file_that_is_not_bsns_is_refused_naming_it(tmp_path, annotations):
    (annotations / "video_info_new.csv").write_text("name,frames\nv_x,1\n")
    with pytest.raises(anet.DataError, match=r"video_info_new.csv:1: not BSN's"):
        anet.write(tmp_path / "out", SPEC, annotations)


def test_the_demo_specs_bmn_scale_is_one_the_data_has():
    jobs = {j.framework: j for j in expand(load_spec(ROOT / "jobs" / "demo-localization.yaml"))
            if j.cell.model == "BMN"}
    argv = jobs["bmn"].stages[0].command
    scale = int(argv[argv.index("--temporal_scale") + 1])
    assert scale in anet.ActivityNetSpec().scales
    config = (ROOT / "demo" / "localization" / "mmaction2" / "bmn_tiny.py").read_text()
    assert f"temporal_dim={scale}" in config and f"csv_mean_{scale}/" in config
    assert f"num_samples={argv[argv.index('--num_sample') + 1]}" in config


@pytest.mark.skipif(not anet.BSN_BUNDLE.is_file(), reason="../shared/frameworks (BSN's bundle) absent")
def test_from_bsns_bundle_it_takes_48_training_and_16_validation_videos(tmp_path):
    assert anet.write(tmp_path / "out") == 64
    info = (tmp_path / "out" / "activitynet_annotations" / "video_info_new.csv").read_text()
    subsets = [line.split(",")[5] for line in info.splitlines()[1:]]
    assert subsets.count("training") == 48 and subsets.count("validation") == 16
