"""CPU compatibility for MMAction2 fd993ca's localizers (BSN TEM/PEM, BMN) on mmcv 1.0.5.

Why: the localizers' batches carry mmcv ``DataContainer``s (``gt_bbox``, the proposals' ``video_meta``:
``ToDataContainer`` in their pipelines), which ``MMDataParallel.train_step``/``val_step`` (training) and
``forward`` (tools/test.py: TEM's results for PGM) scatter to the GPU. With no GPU, ``device_ids`` is empty and mmcv 1.0.5 hands the module the batch as it
is (``mmcv/parallel/data_parallel.py``: ``if not self.device_ids: return
self.module.train_step(*inputs, **kwargs)``), so the model meets a ``DataContainer``
(``bmn.py:286``: ``'DataContainer' object is not iterable``); mmcv's own scatter cannot target the
CPU at this version. The recognizers' batches hold plain tensors and never notice.

One patch, named in the probe header's ``compat_patches`` once it has acted:

* ``mmcv MMDataParallel.train_step/val_step/forward (CPU: one device's chunk)``: with ``device_ids``
  empty, every ``DataContainer`` in the inputs becomes its first chunk (``.data[0]``) and
  tensors stay whole: exactly what mmcv's scatter gives a single GPU (later mmcv releases do
  the same on the CPU themselves). With a GPU (``device_ids`` set) mmcv's own code runs.

Installed from ``_vidbench_cpu_compat.install``; acts only when ``mmcv.parallel`` is imported
and its ``MMDataParallel`` has ``train_step`` (mmcv >= 1.0; mmcv 0.x is MMAction v1's).
Injected into the training's interpreter: Python 2.7 and 3.x syntax only.
"""
import _vidbench_hooks

PATCH = 'mmcv MMDataParallel.train_step/val_step/forward (CPU: one device\'s chunk)'


def install(patches):
    _vidbench_hooks.when_imported('mmcv.parallel', lambda parallel: _patch(parallel, patches))


def one_device(obj, container_type):
    """``obj`` as mmcv's scatter leaves it for one device: DataContainers -> their first chunk."""
    if isinstance(obj, container_type):
        return obj.data[0]
    if isinstance(obj, tuple):
        return tuple(one_device(o, container_type) for o in obj)
    if isinstance(obj, list):
        return [one_device(o, container_type) for o in obj]
    if isinstance(obj, dict):
        return dict((k, one_device(v, container_type)) for k, v in obj.items())
    return obj


def _patch(parallel, patches):
    cls = getattr(parallel, 'MMDataParallel', None)
    container_type = getattr(parallel, 'DataContainer', None)
    if cls is None or container_type is None or not hasattr(cls, 'train_step'):
        return
    if getattr(cls, '_vidbench_cpu_steps', False):
        return

    def make(name, original):
        def step(self, *inputs, **kwargs):
            if self.device_ids:
                return original(self, *inputs, **kwargs)
            if PATCH not in patches:
                patches.append(PATCH)
            call = self.module if name == 'forward' else getattr(self.module, name)
            return call(*one_device(inputs, container_type), **one_device(kwargs, container_type))
        step.__name__ = name
        return step

    for name in ('train_step', 'val_step', 'forward'):
        original = getattr(cls, name, None)
        if original is not None:
            setattr(cls, name, make(name, original))
    cls._vidbench_cpu_steps = True
