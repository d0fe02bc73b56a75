"""Capture a real MMAction2 1.x (mmengine) training log for the parser samples.

Why: the mmengine text log and ``vis_data/scalars.json`` samples under ``samples/`` must be
real output of the library, not hand-written imitations. This script makes a tiny synthetic
rawframe data set, trains TSN-R18 on the CPU for 3 epochs of 24 iterations (log interval 5,
LogProcessor window_size 10) and copies the two log files next to it:

    CUDA_VISIBLE_DEVICES= .venv/bin/python tests/parsers/capture_mmengine_sample.py

It takes about 20 s on 2 cores. The tests never run it; they read what it stored.
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import cv2

HERE = pathlib.Path(__file__).resolve().parent
CONFIG = """
_base_ = ['mmaction::recognition/tsn/tsn_imagenet-pretrained-r50_8xb32-1x1x3-100e_kinetics400-rgb.py']
model = dict(backbone=dict(depth=18, pretrained=None, norm_eval=False),
             cls_head=dict(num_classes=2, in_channels=512))
train_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=3),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(48, 48), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')]
train_dataloader = dict(_delete_=True, batch_size=2, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='RawframeDataset', ann_file='{data}/train.txt',
                 data_prefix=dict(img='{data}/frames'), pipeline=train_pipeline))
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = None
test_evaluator = None
test_cfg = None
train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop', max_epochs=3, val_interval=1000)
param_scheduler = [dict(type='MultiStepLR', begin=0, end=3, by_epoch=True, milestones=[2], gamma=0.1)]
optim_wrapper = dict(optimizer=dict(lr=0.01))
default_hooks = dict(logger=dict(type='LoggerHook', interval=5), checkpoint=None)
log_processor = dict(type='LogProcessor', window_size=10, by_epoch=True)
env_cfg = dict(cudnn_benchmark=False, mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
               dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0, deterministic=False)
"""


def make_data(root: pathlib.Path, clips: int = 8, frames: int = 8, repeat: int = 6) -> None:
    rng = np.random.default_rng(0)
    lines = []
    for i in range(clips):
        d = root / "frames" / f"clip{i}"
        d.mkdir(parents=True)
        for t in range(frames):
            cv2.imwrite(str(d / f"img_{t + 1:05d}.jpg"), rng.integers(0, 255, (48, 48, 3), dtype=np.uint8))
        lines.append(f"clip{i} {frames} {i % 2}")
    (root / "train.txt").write_text("\n".join(lines * repeat) + "\n")  # 48 clips / batch 2 = 24 it/epoch


def main() -> int:
    import mmaction
    train_py = pathlib.Path(mmaction.__file__).parent / ".mim" / "tools" / "train.py"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        make_data(tmp / "data")
        cfg = tmp / "tsn_tiny.py"
        cfg.write_text(CONFIG.replace("{data}", str(tmp / "data")))
        subprocess.run([sys.executable, str(train_py), str(cfg), "--work-dir", str(tmp / "work")], check=True)
        log = next((tmp / "work").glob("*/*.log"))
        scalars = log.parent / "vis_data" / "scalars.json"
        shutil.copy(log, HERE / "samples" / "mmaction2-1x-mmengine-real.log")
        shutil.copy(scalars, HERE / "samples" / "mmaction2-1x-mmengine-real.scalars.json")
    print("stored", HERE / "samples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
