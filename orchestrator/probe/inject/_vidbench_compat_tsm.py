"""Temporal-Shift-Module at 8d53d6f: its hard-coded data root points at the job's data.

Why: ``ops/dataset_config.py:8`` hard-codes ``ROOT_DATASET = '/ssd/video/'``, a folder that a
CPU machine (or a cluster node) does not have and a job must not create. The module reads that
global at call time (``return_kinetics`` at ``:95``, ``return_dataset`` at ``:113-114``), so
setting it right after the module is imported points TSM at any folder, with the checkout
unmodified and nothing made outside the job. Chosen over a bind mount in a private mount
namespace (``unshare --mount``): that needs the mount point ``/ssd/video`` to exist on the host
first, i.e. something left behind outside the job, and root or a user-namespace sandbox.

Acts only when ``VIDBENCH_TSM_ROOT_DATASET`` is set (the demo's ``demo/tsm_8d53d6f/env.sh`` sets it), and
only on the ``ops.dataset_config`` module that has ``ROOT_DATASET`` (TSM's); the probe header lists
``tsm ops.dataset_config.ROOT_DATASET`` once it has acted.

Injected into the training's interpreter: Python 2.7 and 3.x syntax only.
"""
import os

import _vidbench_hooks

ENV_VAR = 'VIDBENCH_TSM_ROOT_DATASET'
MODULE = 'ops.dataset_config'
PATCH = 'tsm ops.dataset_config.ROOT_DATASET'


def install(patches):
    root = os.environ.get(ENV_VAR, '')
    if root:
        _vidbench_hooks.when_imported(MODULE, lambda module: set_root(module, root, patches))


def set_root(module, root, patches):
    """Point TSM's ``ROOT_DATASET`` at ``root`` (absolute, with the trailing ``/`` it concatenates)."""
    if not hasattr(module, 'ROOT_DATASET'):
        return
    module.ROOT_DATASET = os.path.join(os.path.abspath(root), '')
    if PATCH not in patches:
        patches.append(PATCH)
