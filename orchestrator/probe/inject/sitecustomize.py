"""vidbench's injected ``sitecustomize``: starts the timing probe in every Python process of a job.

Why a sitecustomize: Python imports it at start-up from the first folder on ``sys.path`` that has
one, before the training script runs, in every interpreter that inherits ``PYTHONPATH`` (spawned
workers, ``torch.distributed`` launchers, shell scripts that call python), so unmodified trainings
are measured without editing a file. ``orchestrator.probe.probe_env`` puts this folder first on
``PYTHONPATH`` and sets the switches:

* ``VIDBENCH_PROBE_DIR=DIR``: start the probe (``_vidbench_probe``), records in ``DIR``;
* ``VIDBENCH_CPU_COMPAT=1``: CPU compatibility mode (``_vidbench_cpu_compat``), loaded only then.

With neither set this file does nothing but run the next ``sitecustomize`` on the path (the
user's or the distribution's), which is always run, as Python would have without us. Interpreters
started with ``-S``, ``-E`` or ``-I`` skip ``sitecustomize``/``PYTHONPATH`` and are not probed.
Problems are written as one line on stderr, never on stdout, and never stop the program.

Python 2.7 and 3.x syntax only (no f-strings, no annotations).
"""
import os
import sys


def _vidbench_warn(what):
    try:
        sys.stderr.write('vidbench probe: %s: %s (the program goes on)\n' % (what, sys.exc_info()[1]))
    except Exception:
        pass


def _vidbench_start():
    compat = os.environ.get('VIDBENCH_CPU_COMPAT', '') not in ('', '0')
    out_dir = os.environ.get('VIDBENCH_PROBE_DIR', '')
    patches = None
    if compat:
        try:
            import _vidbench_cpu_compat
            patches = _vidbench_cpu_compat.install()
        except Exception:
            _vidbench_warn('CPU compatibility mode not installed')
    if out_dir:
        try:
            import _vidbench_probe
            _vidbench_probe.start(out_dir, cpu_compat=compat, compat_patches=patches)
        except Exception:
            _vidbench_warn('probe not started')


def _vidbench_chain():
    """Import the next ``sitecustomize`` on ``sys.path`` (after this folder), as site.py would."""
    here = os.path.dirname(os.path.abspath(__file__))
    ours = sys.modules.get('sitecustomize')
    removed = [i for i, p in enumerate(sys.path) if os.path.abspath(p or os.curdir) == here]
    for i in reversed(removed):
        del sys.path[i]
    try:
        sys.modules.pop('sitecustomize', None)
        try:
            __import__('sitecustomize')
        except ImportError:
            exc = sys.exc_info()[1]
            name = getattr(exc, 'name', None)
            if name not in (None, 'sitecustomize') or (name is None and 'sitecustomize' not in str(exc)):
                _vidbench_warn('error in the next sitecustomize')
        except Exception:
            _vidbench_warn('error in the next sitecustomize')
    finally:
        for i in removed:
            sys.path.insert(i, here)
        if 'sitecustomize' not in sys.modules and ours is not None:
            sys.modules['sitecustomize'] = ours


_vidbench_start()
_vidbench_chain()
