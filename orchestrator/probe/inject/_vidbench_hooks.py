"""Run a function right after a named module has been imported, without importing it ourselves.

Why: the probe must patch torch and TensorFlow, but importing either eagerly at interpreter start
would cost seconds in every Python process of a job (DataLoader workers, helper scripts) and could
change the program's behaviour. A finder first on ``sys.meta_path`` watches for a few module names
(a dictionary lookup per import, nothing else) and calls the registered functions once the module
has executed. The finder removes itself when nothing is left to watch.

Injected into the training's interpreter: Python 2.7 and 3.x syntax only (no f-strings, no
annotations); ``tests/probe/test_py2_syntax.py`` checks it.
"""
import sys

_pending = {}    # module name -> [callback(module), ...]
_errors = []     # (name, exception) of callbacks that raised; the probe reports them
_on_error = None  # set by the probe: function(where, exc_info)


def when_imported(name, callback):
    """Call ``callback(module)`` once module ``name`` has been imported (now if it already is)."""
    module = sys.modules.get(name)
    if module is not None:
        _call(name, callback, module)
        return
    _pending.setdefault(name, []).append(callback)
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def _call(name, callback, module):
    try:
        callback(module)
    except Exception:
        if _on_error is not None:
            try:
                _on_error('import hook ' + name, sys.exc_info())
            except Exception:
                pass


def _fire(name):
    callbacks = _pending.pop(name, ())
    module = sys.modules.get(name)
    if not _pending and _FINDER in sys.meta_path:
        try:
            sys.meta_path.remove(_FINDER)
        except ValueError:
            pass
    if module is None:
        return
    for callback in callbacks:
        _call(name, callback, module)


class _ExecThenFire(object):
    """Wraps a loader's ``exec_module`` (on the loader instance only, so the spec keeps its type)."""

    def __init__(self, name, exec_module):
        self.name = name
        self.exec_module = exec_module

    def __call__(self, module):
        self.exec_module(module)
        _fire(self.name)


class _PostImportFinder(object):
    """Finder that only acts for watched names; every other import costs one dict lookup."""

    def __init__(self):
        self._busy = set()

    # Python 3.4+
    def find_spec(self, fullname, path=None, target=None):
        if fullname not in _pending or fullname in self._busy:
            return None
        self._busy.add(fullname)
        try:
            spec = None
            for finder in list(sys.meta_path):
                if finder is self:
                    continue
                find_spec = getattr(finder, 'find_spec', None)
                if find_spec is None:
                    continue
                spec = find_spec(fullname, path, target)
                if spec is not None:
                    break
        finally:
            self._busy.discard(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, 'exec_module'):
            return spec
        try:
            spec.loader.exec_module = _ExecThenFire(fullname, spec.loader.exec_module)
        except Exception:  # a loader without an instance __dict__: import unpatched
            pass
        return spec

    # Python 2.7 (and 3.x interpreters that still ask for it)
    def find_module(self, fullname, path=None):
        if fullname not in _pending or fullname in self._busy or sys.version_info[0] >= 3:
            return None
        return self

    def load_module(self, fullname):
        self._busy.add(fullname)
        try:
            __import__(fullname)
        finally:
            self._busy.discard(fullname)
        module = sys.modules[fullname]
        _fire(fullname)
        return module


_FINDER = _PostImportFinder()
