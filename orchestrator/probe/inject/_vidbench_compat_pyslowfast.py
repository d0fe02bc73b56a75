"""CPU compatibility mode for PySlowFast 8299c98: what its Kinetics training needs beyond the
general layer (``_vidbench_cpu_compat``), applied only in processes that import ``slowfast``.

Why each patch (file:line of the pinned commit):

* ``torch.cuda.device_count`` answers 1: ``slowfast/models/build.py:26`` asserts
  ``cfg.NUM_GPUS <= torch.cuda.device_count()`` and ``NUM_GPUS 0`` is no option at this commit
  (``NUM_GPUS 1`` is what runs ``train`` in-process, ``utils/misc.py:266-282``). The general
  layer answers 0 for every framework (``DataParallel``); torch 1.4's ``DataParallel`` returns
  early on ``is_available()`` False anyway, so 1 changes nothing else here.
* ``torch.cuda.current_device`` answers 0: ``build.py:33`` asks for it before ``model.cuda(device=0)``
  (a no-op under the general layer).
* ``torch.cuda.max_memory_allocated`` / ``memory_allocated`` answer 0: ``utils/misc.py:49``
  (``gpu_mem_usage``) is called for every train record. The training then logs
  ``"gpu_mem": "0.00 GB"``, which is **not** a GPU figure: ``orchestrator.results.collect`` leaves the
  memory column empty for jobs in CPU compatibility mode, and the probe never reads this counter
  (``torch.cuda.is_initialized()`` stays False).
* a stand-in ``detectron2`` package: ``tools/run_net.py`` imports ``tools/demo_net.py``
  (``detectron2.model_zoo``, ``.config.get_cfg``, ``.engine.DefaultPredictor``) and
  ``slowfast/models/head_helper.py:8`` imports ``detectron2.layers.ROIAlign``, although a
  Kinetics training uses none of them (``ROIAlign`` is built only when ``DETECTION.ENABLE``).
  detectron2 is not on PyPI and needs CUDA ops; the stand-in is found only when no real
  ``detectron2`` is importable (its finder is the last on ``sys.meta_path``), and every name in
  it raises :class:`Detectron2StandInError` when called, so a training that really needs
  detectron2 (AVA detection, the demo) stops with a clear message instead of running wrongly.

Injected into the training's interpreter: Python 2.7 and 3.x syntax only.
"""
import sys
import types

import _vidbench_cpu_compat   # its _returning: one distinct function per patched name
import _vidbench_hooks

MODULE = 'slowfast'
DETECTRON2 = 'detectron2'
# submodules the pinned code imports from (tools/demo_net.py:8-10, head_helper.py:8)
DETECTRON2_SUBMODULES = ('model_zoo', 'config', 'engine', 'layers')
PATCHES = ['pyslowfast: torch.cuda.device_count=1', 'pyslowfast: torch.cuda.current_device=0',
           'pyslowfast: torch.cuda.max_memory_allocated=0 (not a GPU figure)',
           'pyslowfast: detectron2 stand-in (raises when called)']

_patches_list = None   # the general layer's PATCHES list (what the probe header shows)


def install(patches_list):
    """Arrange the patches for when ``slowfast`` is imported; ``patches_list`` is the general
    layer's ``PATCHES`` (the names are appended to it when the patches are applied)."""
    global _patches_list
    _patches_list = patches_list
    _vidbench_hooks.when_imported(MODULE, _on_slowfast)


def _on_slowfast(_module):
    # after the general layer's torch patch (registered first, or already applied)
    _vidbench_hooks.when_imported('torch', _patch_torch)


def _patch_torch(torch):
    cuda = torch.cuda
    for name, value in (('device_count', 1), ('current_device', 0),
                        ('max_memory_allocated', 0), ('memory_allocated', 0)):
        if hasattr(cuda, name):
            setattr(cuda, name, _vidbench_cpu_compat._returning(value, name))
    install_detectron2_standin()
    if _patches_list is not None:
        for name in PATCHES:
            if name not in _patches_list:
                _patches_list.append(name)


class Detectron2StandInError(RuntimeError):
    """Raised by every name of the stand-in ``detectron2``."""


def _raiser(qualname):
    def standin(*args, **kwargs):
        raise Detectron2StandInError(
            'vidbench CPU compatibility mode: %s is a stand-in (detectron2 is not installed); '
            'PySlowFast called it, so this training needs the real detectron2 '
            '(DETECTION.ENABLE or DEMO.ENABLE), which the CPU mode cannot provide' % qualname)
    standin.__name__ = qualname.rsplit('.', 1)[-1]
    standin.__qualname__ = qualname
    return standin


class _StandInModule(types.ModuleType):
    """A module whose every public attribute is a function raising when called."""

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        if self.__name__ == DETECTRON2 and name in DETECTRON2_SUBMODULES:
            __import__(DETECTRON2 + '.' + name)   # `from detectron2 import model_zoo`
            return sys.modules[DETECTRON2 + '.' + name]
        value = _raiser(self.__name__ + '.' + name)
        setattr(self, name, value)
        return value


def _make(fullname):
    module = _StandInModule(fullname, 'vidbench stand-in for %s (CPU compatibility mode)' % fullname)
    module.__file__ = __file__
    module.__vidbench_standin__ = True
    if fullname == DETECTRON2:
        module.__path__ = []
    return module


class _StandInFinder(object):
    """Last on ``sys.meta_path``: answers for ``detectron2`` only when nothing else found it."""

    def find_module(self, fullname, path=None):   # Python 2.7 and < 3.4 protocol
        return self if self._ours(fullname) else None

    def load_module(self, fullname):
        module = sys.modules.get(fullname)
        if module is None:
            module = _make(fullname)
            sys.modules[fullname] = module
            parent, _, child = fullname.rpartition('.')
            if parent:
                setattr(sys.modules[parent], child, module)
        return module

    def find_spec(self, fullname, path=None, target=None):   # Python 3.4+
        if not self._ours(fullname):
            return None
        import importlib.machinery
        return importlib.machinery.ModuleSpec(fullname, self, is_package=fullname == DETECTRON2)

    def create_module(self, spec):
        return _make(spec.name)

    def exec_module(self, module):
        pass

    @staticmethod
    def _ours(fullname):
        return fullname == DETECTRON2 or (
            fullname.startswith(DETECTRON2 + '.') and
            fullname.split('.', 1)[1].split('.')[0] in DETECTRON2_SUBMODULES and
            getattr(sys.modules.get(DETECTRON2), '__vidbench_standin__', False))


_FINDER = _StandInFinder()


def install_detectron2_standin():
    """Append the stand-in's finder to ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _StandInFinder) for f in sys.meta_path):
        sys.meta_path.append(_FINDER)
