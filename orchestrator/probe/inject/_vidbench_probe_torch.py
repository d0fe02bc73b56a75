"""vidbench timing probe: the PyTorch iteration marker (the optimizer's step).

torch >= 2.0: the global optimizer step hooks; torch 1.x (or ``VIDBENCH_PROBE_MARKER=wrap``): the
``step`` of each optimizer class constructed, wrapped once (the rules: ``_vidbench_probe``'s
docstring). Installed by ``_vidbench_probe.start`` when ``torch.optim.optimizer`` is imported.
Injected into the training's interpreter: Python 2.7 and 3.x syntax only.
"""
from __future__ import absolute_import, division

import os

ENV_MARKER = 'VIDBENCH_PROBE_MARKER'       # "wrap": use the torch 1.x marker on any torch


def patch_torch_optimizer(module, probe):
    """``torch.optim.optimizer`` has executed: choose the marker."""
    probe._fault('torch patch')
    register = getattr(module, 'register_optimizer_step_post_hook', None)
    register_pre = getattr(module, 'register_optimizer_step_pre_hook', None)
    if register is not None and os.environ.get(ENV_MARKER) != 'wrap':
        if register_pre is not None:
            register_pre(probe.torch_pre_step_hook)
            probe.use_arming = True
        register(probe.torch_step_hook)
        probe.torch_marker = 'torch_step_post_hook'
        probe.markers_installed.append(probe.torch_marker)
        return
    optimizer_cls = module.Optimizer
    original_init = optimizer_cls.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        try:
            wrap_step(type(self), probe)
        except Exception:
            probe.report('torch step wrap')

    __init__.__doc__ = original_init.__doc__
    optimizer_cls.__init__ = __init__
    probe.torch_marker = 'torch_step_wrap'
    probe.markers_installed.append(probe.torch_marker)


def wrap_step(cls, probe):
    if cls.__dict__.get('_vidbench_step_wrapped'):
        return
    original = cls.step
    original = getattr(original, '__func__', original)   # Python 2 unbound method
    tls = probe._tls

    def step(self, *args, **kwargs):
        depth = getattr(tls, 'depth', 0)
        tls.depth = depth + 1
        try:
            out = original(self, *args, **kwargs)
        finally:
            tls.depth = depth
        if depth == 0:
            probe.torch_step_hook(self)
        return out

    for attr in ('__name__', '__doc__', '__module__'):
        try:
            setattr(step, attr, getattr(original, attr))
        except Exception:
            pass
    step.__dict__.update(getattr(original, '__dict__', {}))   # keeps torch's "hooked" flag
    cls.step = step
    cls._vidbench_step_wrapped = True
