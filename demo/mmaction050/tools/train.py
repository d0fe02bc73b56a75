"""Training entry of MMAction2 0.5.0 (PyPI ``mmaction==0.5.0``) on the CPU.

The 0.5.0 wheel is the library only: its ``tools/train.py`` is not shipped. This mirrors that
script (config, ``--work-dir``, ``--cfg-options``, seed; the same library calls:
``build_model``, ``build_dataset``, ``train_model``), so the training loop, logging and
timing are MMAction2 0.5.0's and mmcv 1.3.9's own. Three small shims let it run on a CPU-only
Python 3.11 (each applied before the library needs it, none edits a file):

- ``torchvision``: mmcv 1.x imports it at top level; a stub (``demo/mmaction050/stubs``)
  goes first on ``sys.path`` unless a real one is importable.
- numpy >= 1.24 dropped ``np.int`` & co., which mmaction 0.5.0 uses (e.g. ``SampleFrames``).
- ``apis/train.py`` wraps the model as ``MMDataParallel(model.cuda(0), device_ids=[0])``: with
  no CUDA, ``nn.Module.cuda`` becomes a no-op and mmcv's ``MMDataParallel`` runs on the CPU.

It writes mmcv 1.x ``<timestamp>.log`` and ``<timestamp>.log.json`` into the work dir.

    python demo/mmaction050/tools/train.py demo/mmaction050/configs/tsn_r18_rawframes.py \
        --work-dir work_dirs/tsn --cfg-options total_epochs=3

In a demo job the working dir holds links ``tools``, ``configs`` and ``data/demo`` (made by
``demo/mmaction050/env.sh``), so the command reads as on the 0.x pages:
``python tools/train.py configs/tsn_r18_rawframes.py --work-dir work_dirs/run``.
"""
import argparse
import ast
import importlib.util
import os
import os.path as osp
import sys
import time

# realpath: the demo runs this file through a `tools` link in the job's working dir
HERE = osp.dirname(osp.dirname(osp.realpath(__file__)))   # demo/mmaction050


def apply_cpu_shims() -> list:
    """Install the shims described above; returns the names of those applied."""
    applied = []
    if importlib.util.find_spec("torchvision") is None:
        sys.path.insert(0, osp.join(HERE, "stubs"))
        applied.append("torchvision-stub")
    import numpy as np
    for name, alias in (("int", int), ("float", float), ("bool", bool), ("object", object),
                        ("long", int), ("complex", complex), ("str", str)):
        if name not in np.__dict__:
            setattr(np, name, alias)
            applied.append(f"np.{name}")
    import torch
    if not torch.cuda.is_available():
        torch.nn.Module.cuda = lambda self, device=None: self
        applied.append("Module.cuda-noop")
    return applied


def set_random_seed(seed: int, deterministic: bool = False) -> None:
    """Seed Python, numpy and torch, as the 0.x ``tools/train.py`` did."""
    import random

    import numpy as np
    import torch
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False


def parse_value(text: str):
    """``--cfg-options`` values: Python literals where they parse, else the string itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Train a recognizer with MMAction2 0.5.0 (CPU-capable)")
    ap.add_argument("config", help="train config file path")
    ap.add_argument("--work-dir", help="the dir to save logs and models")
    ap.add_argument("--resume-from", help="the checkpoint file to resume from")
    ap.add_argument("--gpus", type=int, default=1, help="number of gpus to use (non-distributed)")
    ap.add_argument("--seed", type=int, default=0, help="random seed")
    ap.add_argument("--deterministic", action="store_true")
    ap.add_argument("--cfg-options", "--options", nargs="+", default=[], metavar="KEY=VALUE",
                    help="override config settings, e.g. total_epochs=3")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    shims = apply_cpu_shims()
    import torch
    import mmcv
    from mmcv import Config
    from mmaction import __version__
    from mmaction.apis import train_model
    from mmaction.datasets import build_dataset
    from mmaction.models import build_model
    from mmaction.utils import collect_env, get_root_logger

    cfg = Config.fromfile(args.config)
    options = {}
    for item in args.cfg_options:
        key, sep, value = item.partition("=")
        if not sep:
            print(f"error: --cfg-options {item!r}: expected KEY=VALUE", file=sys.stderr)
            return 2
        options[key] = parse_value(value)
    if options:
        cfg.merge_from_dict(options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    if args.resume_from is not None:
        cfg.resume_from = args.resume_from
    cfg.gpu_ids = range(args.gpus)
    distributed = False

    mmcv.mkdir_or_exist(osp.abspath(cfg.work_dir))
    cfg.dump(osp.join(cfg.work_dir, osp.basename(args.config)))
    timestamp = time.strftime("%Y%m%d_%H%M%S", time.localtime())
    log_file = osp.join(cfg.work_dir, f"{timestamp}.log")
    logger = get_root_logger(log_file=log_file, log_level=cfg.log_level)

    meta = dict()
    env_info = "\n".join(f"{k}: {v}" for k, v in collect_env().items())
    dash_line = "-" * 60 + "\n"
    logger.info("Environment info:\n" + dash_line + env_info + "\n" + dash_line)
    meta["env_info"] = env_info
    logger.info(f"CPU shims applied by {osp.basename(__file__)}: {', '.join(shims) or 'none'}")
    logger.info(f"Distributed training: {distributed}")
    logger.info(f"Config: {cfg.text}")
    logger.info(f"Set random seed to {args.seed}, deterministic: {args.deterministic}")
    set_random_seed(args.seed, deterministic=args.deterministic)
    cfg.seed = args.seed
    meta["seed"] = args.seed

    model = build_model(cfg.model, train_cfg=cfg.train_cfg, test_cfg=cfg.test_cfg)
    datasets = [build_dataset(cfg.data.train)]
    if cfg.checkpoint_config is not None:
        cfg.checkpoint_config.meta = dict(mmaction_version=__version__, config=cfg.text)
    train_model(model, datasets, cfg, distributed=distributed, validate=False,
                timestamp=timestamp, meta=meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
