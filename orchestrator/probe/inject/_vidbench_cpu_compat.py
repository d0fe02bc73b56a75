"""CPU compatibility mode: unmodified CUDA-only PyTorch code (TSM, BMN) runs on the CPU.

Why: the pinned trainings of TSM and BMN call ``.cuda()`` unconditionally and wrap their models in
``torch.nn.DataParallel(model, device_ids=...)``. ``make demo`` runs them on a machine without a GPU
without editing their files. Switched on by ``VIDBENCH_CPU_COMPAT=1`` (``python -m orchestrator
probe --cpu-compat``); the probe's header then says ``"cpu_compat": true`` and lists the patches,
and figures from such runs are labelled "CPU compatibility mode", never GPU figures.

Once torch has been imported (never imported by this module), it:

* makes ``Tensor.cuda()`` and ``Module.cuda()`` return the object itself, on the CPU;
* maps CUDA devices to the CPU in ``Tensor.to``/``Module.to`` (``"cuda"``, ``"cuda:1"``,
  ``torch.device("cuda")``, ``device=...``);
* keeps ``torch.cuda.is_available()`` False (forced, also on a machine that has a GPU) and
  ``torch.cuda.device_count()`` 0, so ``DataParallel(module, device_ids=[0, 1])`` is the plain
  module wrapper it is on CPU builds;
* makes ``torch.cuda.synchronize``, ``set_device``, ``empty_cache`` and the ``manual_seed`` calls
  no-ops, and ``torch.load`` default to ``map_location="cpu"``.

Frameworks' own patches live in their own modules, installed from :func:`install` and acting
only once the framework's module is imported, each named in ``PATCHES`` when it acts:
``_vidbench_compat_mmaction`` (MMAction 7f3490d: placeholders for its compiled ops,
``mmaction.version``, ``MMDataParallel`` on the CPU) and ``_vidbench_compat_tsm`` (TSM 8d53d6f:
its hard-coded data root), ``_vidbench_compat_mmcv_localizers`` (MMAction2 fd993ca's
BSN/BMN) and ``_vidbench_compat_pyslowfast`` (PySlowFast 8299c98).

Injected into the training's interpreter: Python 2.7 and 3.x syntax only.
"""
import _vidbench_hooks

PATCHES = []   # names of what was patched, for the probe's header


def install():
    """Patch torch once it is imported (it is not imported here)."""
    _vidbench_hooks.when_imported('torch', _patch)
    import _vidbench_compat_mmaction
    _vidbench_compat_mmaction.install(PATCHES)
    import _vidbench_compat_tsm
    _vidbench_compat_tsm.install(PATCHES)
    __import__('_vidbench_compat_mmcv_localizers').install(PATCHES)   # MMAction2 fd993ca BSN/BMN
    __import__('_vidbench_compat_pyslowfast').install(PATCHES)   # PySlowFast 8299c98 only
    return PATCHES


def _is_cuda(device):
    if device is None:
        return False
    if isinstance(device, int) and not isinstance(device, bool):
        return False
    kind = getattr(device, 'type', None)
    if kind is not None and not isinstance(device, type):
        return kind == 'cuda'
    try:
        return str(device).split(':')[0].strip() == 'cuda'
    except Exception:
        return False


def _cpu_args(args, kwargs):
    args = tuple('cpu' if _is_cuda(a) and not hasattr(a, 'dtype') else a for a in args)
    if _is_cuda(kwargs.get('device')):
        kwargs = dict(kwargs)
        kwargs['device'] = 'cpu'
    return args, kwargs


def _patch(torch):
    def tensor_cuda(self, device=None, non_blocking=False, **kwargs):
        return self

    def module_cuda(self, device=None):
        return self

    tensor_to = torch.Tensor.to
    module_to = torch.nn.Module.to

    def tensor_to_cpu(self, *args, **kwargs):
        args, kwargs = _cpu_args(args, kwargs)
        return tensor_to(self, *args, **kwargs)

    def module_to_cpu(self, *args, **kwargs):
        args, kwargs = _cpu_args(args, kwargs)
        return module_to(self, *args, **kwargs)

    load = torch.load

    def load_cpu(*args, **kwargs):
        if len(args) < 2 and kwargs.get('map_location') is None:
            kwargs['map_location'] = 'cpu'
        return load(*args, **kwargs)

    torch.Tensor.cuda = tensor_cuda
    torch.nn.Module.cuda = module_cuda
    torch.Tensor.to = tensor_to_cpu
    torch.nn.Module.to = module_to_cpu
    torch.load = load_cpu
    # the frameworks' modules (_vidbench_compat_*) may have added theirs already: keep them
    PATCHES[:] = ['Tensor.cuda', 'Module.cuda', 'Tensor.to', 'Module.to', 'torch.load'] + [
        p for p in PATCHES if not p.startswith(('Tensor.', 'Module.', 'torch.'))]
    cuda = torch.cuda
    for name, value in (('is_available', False), ('device_count', 0), ('synchronize', None),
                        ('set_device', None), ('empty_cache', None), ('manual_seed', None),
                        ('manual_seed_all', None)):
        if hasattr(cuda, name):
            setattr(cuda, name, _returning(value, name))
            PATCHES.append('torch.cuda.' + name)


def _returning(value, name):
    """A distinct function per name (torch.compile's rules refuse one object under two names)."""
    def replacement(*args, **kwargs):
        return value
    replacement.__name__ = name
    return replacement
