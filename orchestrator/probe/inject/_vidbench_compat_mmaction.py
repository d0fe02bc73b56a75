"""CPU compatibility for MMAction (v1) at 7f3490d: its TSN and I3D train on the CPU, unmodified.

Why: MMAction's models import seven compiled extensions at import time (its ``./compile.sh``
builds them with nvcc for a GPU, which cannot succeed on a machine without CUDA), although a
TSN or I3D training never calls one; and ``MMDataParallel(model, device_ids=...)`` hands the
model mmcv ``DataContainer``s unscattered when torch finds no GPU. Three patches, each named in
the probe header's ``compat_patches`` only once it has acted:

* ``mmaction placeholder <name>``: a module standing in for a compiled extension that is not
  installed (``mmaction.ops.nms.nms_cuda``, ``nms_cpu``, ``soft_nms_cpu``,
  ``mmaction.ops.roi_align.roi_align_cuda``, ``mmaction.ops.roi_pool.roi_pool_cuda``,
  ``traj_conv_cuda``, ``resample2d_cuda``). Every function of it raises
  :class:`CompiledOpUnavailable`, so a training that really needs the op fails naming it,
  never silently;
* ``mmaction.version``: the git-ignored file ``setup.py`` writes (``0.1.rc0+<commit>``,
  ``setup.py:13-16,63-74``), supplied in memory so the checkout runs from ``PYTHONPATH`` and is
  never written to (no ``setup.py develop``);
* ``mmcv MMDataParallel.forward (CPU: first chunk)``: with no GPU (``device_ids`` empty) the
  model gets each ``DataContainer``'s first chunk, exactly what mmcv's scatter gives one GPU.

Both stand-in modules come from a finder placed last on ``sys.meta_path``: it answers only for
these names, only while ``mmaction`` is being imported or has been, and only when no other finder
found the real module (a built ``./compile.sh`` or ``setup.py`` wins).

Injected into the training's interpreter: Python 2.7 and 3.x syntax only.
"""
import subprocess
import sys
import types

import _vidbench_hooks

EXTENSIONS = (
    'mmaction.ops.nms.nms_cuda',                 # nms/nms_wrapper.py:4
    'mmaction.ops.nms.nms_cpu',                  # nms/nms_wrapper.py:4
    'mmaction.ops.nms.soft_nms_cpu',             # nms/nms_wrapper.py:5
    'mmaction.ops.roi_align.roi_align_cuda',     # roi_align/functions/roi_align.py:3
    'mmaction.ops.roi_pool.roi_pool_cuda',       # roi_pool/functions/roi_pool.py:4
    'traj_conv_cuda',                            # trajectory_conv_package/traj_conv.py:9
    'resample2d_cuda',                           # resample2d_package/resample2d.py:3
)
VERSION_MODULE = 'mmaction.version'
SHORT_VERSION = '0.1.rc0'                        # setup.py:13-17 at 7f3490d
DATA_PARALLEL_PATCH = 'mmcv MMDataParallel.forward (CPU: first chunk)'


class CompiledOpUnavailable(RuntimeError):
    """A training called one of MMAction's compiled CUDA ops, which CPU mode cannot provide."""


def install(patches):
    """Install the stand-in finder and the MMDataParallel patch; ``patches`` gets their names."""
    finder = _StandInFinder(patches)
    sys.meta_path.append(finder)

    def on_mmaction(module):
        _vidbench_hooks.when_imported('mmcv.parallel', lambda p: _patch_data_parallel(p, patches))
    _vidbench_hooks.when_imported('mmaction', on_mmaction)
    return finder


def _raiser(module_name, attr):
    def placeholder(*args, **kwargs):
        raise CompiledOpUnavailable(
            '%s.%s was called: it is a vidbench placeholder for MMAction\'s compiled CUDA '
            'extension (built by ./compile.sh with nvcc for a GPU), so this training cannot run '
            'in CPU compatibility mode' % (module_name, attr))
    placeholder.__name__ = attr
    return placeholder


class PlaceholderModule(types.ModuleType):
    """A module whose every public name is a function raising :class:`CompiledOpUnavailable`."""

    def __getattr__(self, attr):
        if attr.startswith('__'):
            raise AttributeError(attr)
        return _raiser(self.__name__, attr)


def _checkout_commit(package_dir):
    """``git rev-parse HEAD`` in the checkout, as ``setup.py``'s ``get_git_hash`` runs it."""
    try:
        out = subprocess.Popen(['git', 'rev-parse', 'HEAD'], cwd=package_dir,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE).communicate()[0]
        sha = out.strip().decode('ascii')
        return sha[:7] if sha else 'unknown'
    except Exception:
        return 'unknown'


def _version_module():
    module = types.ModuleType(VERSION_MODULE)
    package = sys.modules.get('mmaction')
    paths = list(getattr(package, '__path__', None) or [])
    sha = _checkout_commit(paths[0]) if paths else 'unknown'
    module.__version__ = SHORT_VERSION + '+' + sha
    module.short_version = SHORT_VERSION
    module.__vidbench_stand_in__ = True
    return module


class _StandInFinder(object):
    """Last finder on ``sys.meta_path``: supplies the stand-ins no other finder found."""

    def __init__(self, patches):
        self.patches = patches

    def _make(self, fullname):
        if 'mmaction' not in sys.modules:
            return None
        if fullname == VERSION_MODULE:
            module, patch = _version_module(), VERSION_MODULE
        elif fullname in EXTENSIONS:
            module, patch = PlaceholderModule(fullname), 'mmaction placeholder ' + fullname
        else:
            return None
        module.__file__ = '<vidbench CPU compatibility stand-in>'
        if patch not in self.patches:
            self.patches.append(patch)
        return module

    # Python 3.4+
    def find_spec(self, fullname, path=None, target=None):
        if fullname != VERSION_MODULE and fullname not in EXTENSIONS:
            return None
        if 'mmaction' not in sys.modules:
            return None
        import importlib.machinery
        return importlib.machinery.ModuleSpec(fullname, _StandInLoader(self))

    # Python 2.7
    def find_module(self, fullname, path=None):
        if sys.version_info[0] >= 3 or (fullname != VERSION_MODULE and fullname not in EXTENSIONS):
            return None
        return self if 'mmaction' in sys.modules else None

    def load_module(self, fullname):
        module = self._make(fullname)
        if module is None:
            raise ImportError(fullname)
        sys.modules[fullname] = module
        return module


class _StandInLoader(object):
    def __init__(self, finder):
        self.finder = finder

    def create_module(self, spec):
        module = self.finder._make(spec.name)
        if module is None:
            raise ImportError(spec.name)
        return module

    def exec_module(self, module):
        pass


def _patch_data_parallel(parallel, patches):
    """mmcv 0.x (MMAction v1's): ``forward``. mmcv >= 1.0 (``train_step``: MMAction2, whose
    package is also named ``mmaction``) is ``_vidbench_compat_mmcv_localizers``'s."""
    cls = parallel.MMDataParallel
    if getattr(cls.forward, '__vidbench_cpu__', False) or hasattr(cls, 'train_step'):
        return
    from _vidbench_compat_mmcv_localizers import one_device as first_chunks
    data_container = parallel.DataContainer
    original = cls.forward

    def forward(self, *inputs, **kwargs):
        if self.device_ids:   # a GPU: mmcv's own scatter
            return original(self, *inputs, **kwargs)
        return self.module(*first_chunks(inputs, data_container),
                           **first_chunks(kwargs, data_container))
    forward.__vidbench_cpu__ = True
    cls.forward = forward
    if DATA_PARALLEL_PATCH not in patches:
        patches.append(DATA_PARALLEL_PATCH)
