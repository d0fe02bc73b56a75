"""vidbench timing probe: one JSON line per training iteration, written by the training process itself.

Why: the frameworks disagree on what they log (a window mean, one iteration, nothing at all), so
vidbench measures every framework the same way from inside its unmodified training process. The
injected ``sitecustomize`` starts this module when ``VIDBENCH_PROBE_DIR`` is set; it writes
``$VIDBENCH_PROBE_DIR/probe-<host>-<pid>.jsonl`` (docs/DESIGN.md section 4).

What marks an iteration (the end of one training step; ``dt`` is the time between two marks, so
it covers data loading, forward, backward and the step, like the benchmark's figure):

* PyTorch >= 2.0: torch's global optimizer step post hook
  (``torch.optim.optimizer.register_optimizer_step_post_hook``), marker ``torch_step_post_hook``;
  a pre hook arms it, so that a subclass ``step`` calling its base's ``step`` (both patched by
  torch, hooks run twice, nested) marks once.
* PyTorch 1.x (no global hooks): ``Optimizer.__init__`` is wrapped so that the ``step`` of each
  optimizer class actually constructed is wrapped once; a ``step`` that calls a wrapped ``step``
  of its base class marks once (outermost call only). Marker ``torch_step_wrap``
  (``VIDBENCH_PROBE_MARKER=wrap`` forces it on newer torch, for tests).
* Several optimizers in one process (GANs, per-module optimizers): only the optimizer that stepped
  first marks; when it is garbage-collected the next one to step takes over.
* TensorFlow 1.x / ``tf.compat.v1`` (BSN): a ``Session.run`` call whose fetches contain a training
  op, i.e. an operation returned by ``Optimizer.apply_gradients`` (which ``minimize`` calls), a
  tensor of such an operation, or a group (``tf.group``, a ``NoOp``) that has one among its control
  inputs, up to 3 levels down. Evaluation runs (loss only) do not mark. Marker
  ``tf_session_run``. Keras ``fit`` and string fetches are not recognised.

Only a process that steps marks: DataLoader workers and helper processes write no ``iter``
records (a spawned child writes a header and footer; a forked child writes nothing unless it
steps itself).

Memory: ``mem_gb`` is ``torch.cuda.max_memory_allocated`` (largest over the process's devices,
GiB) once CUDA is initialised, else null; ``rss_gb`` is the process's peak resident set (CPU
memory, ``getrusage``), never reported as GPU memory; ``nvml_gb`` is the largest GPU memory of
this pid seen by the driver (pynvml, else ``nvidia-smi``, sampled every 2 s in a daemon thread
once a GPU is in use), null where unavailable.

The probe must never hurt the run: every hook is guarded; the first error at each place is
written once as an ``error`` record (or, when nothing can be written, one line on stderr) and the
training goes on. Nothing is printed on stdout. Every record is written when it is made, with
one ``os.write`` (whole lines, O_APPEND), so that a process that ends without running exit code
(SIGKILL, ``os._exit``, a forked child, a multiprocessing worker) loses no step that it
finished: a step costs one small write (a few microseconds; ``make bench`` measures it against
the training's step). The footer is written at exit and on SIGTERM, SIGUSR1 and SIGUSR2 (the
previous handler is then called, or the default action taken; a handler the program installs
later is chained behind the probe's); a file without one is a process that was cut short.

Injected into the training's interpreter: Python 2.7 and 3.x syntax only (no f-strings, no
annotations). This module is the record writer (``Probe``) and ``start``; the markers live in
``_vidbench_probe_torch.py`` and ``_vidbench_probe_tf.py``, the driver's GPU-memory sampler in
``_vidbench_probe_nvml.py`` (all top-level modules of this folder, beside it on ``sys.path``).
"""
from __future__ import absolute_import, division

import atexit
import errno
import json
import os
import signal
import socket
import sys
import threading
import time
import traceback
import weakref

import _vidbench_hooks
import _vidbench_probe_tf
import _vidbench_probe_torch
from _vidbench_probe_nvml import NvmlSampler, gpu_in_use

try:
    import resource
except ImportError:   # not on Windows
    resource = None

PROBE_VERSION = 1
ENV_DIR = 'VIDBENCH_PROBE_DIR'
ENV_FAULT = 'VIDBENCH_PROBE_FAULT'         # raise inside the probe at this place (tests)
FLUSH_EVERY_S = 1.0
FLUSH_EVERY_N = 1      # every step at once: buffered steps are lost with SIGKILL or os._exit
GIB = float(1 << 30)
SIGNAL_NAMES = ('SIGTERM', 'SIGUSR1', 'SIGUSR2')

_clock = getattr(time, 'perf_counter', time.time)
_RSS_SCALE = 1.0 if sys.platform == 'darwin' else 1024.0   # ru_maxrss: bytes on macOS, KiB on Linux


class ProbeFault(RuntimeError):
    """Raised on purpose where ``VIDBENCH_PROBE_FAULT`` says (tests of "never hurt the run")."""


def _num(value, fmt):
    return 'null' if value is None else fmt % value


def _peak_rss_gb():
    if resource is None:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * _RSS_SCALE / GIB


def _module_version(name):
    module = sys.modules.get(name)
    return getattr(module, '__version__', None) if module is not None else None


def _cmdline():
    try:
        with open('/proc/self/cmdline', 'rb') as f:
            raw = f.read()
        return [part.decode('utf-8', 'replace') for part in raw.split(b'\0') if part]
    except Exception:
        return list(getattr(sys, 'argv', []) or [])


class Probe(object):
    """The per-process recorder: marks, buffer, file, signals, exit."""

    def __init__(self, out_dir, cpu_compat=False):
        self.out_dir = os.path.abspath(out_dir)
        self.cpu_compat = cpu_compat
        self.compat_patches = []
        self.fault = os.environ.get(ENV_FAULT, '')
        self.host = socket.gethostname().replace(os.sep, '_') or 'localhost'
        self.marker = None          # the marker of the first iteration (header)
        self.markers_installed = []
        self.torch_marker = None
        self.use_arming = False
        self.armed = None
        self.handlers = {}     # signum -> the program's handler, chained behind ours
        self.installed = set()  # signums where our handler is installed
        self.pending_signals = []
        self._orig_signal = signal.signal
        self._orig_getsignal = signal.getsignal
        self.tf_train_ops = {}  # id(op) -> op
        self._tls = threading.local()
        self._reset(os.getpid(), forked_from=None)

    def _reset(self, pid, forked_from):
        self.pid = pid
        self.forked_from = forked_from
        self.start = time.time()
        self.n = 0
        self.last = None
        self.buf = []
        self.fd = None
        self.path = None
        self.header_written = False
        self.disabled = False
        self.closed = False
        self.closing = False    # close() is writing the footer: signals wait for it
        self.reported = set()
        self.last_flush = _clock()
        self.flush_lock = threading.Lock()
        self.mem_peak = None
        self.rss_peak = None
        self.nvml_peak = None
        self.nvml_thread = None
        self.marking_optimizer = None

    # ----------------------------------------------------------------- errors
    def report(self, where, exc_info=None):
        """Record the first error at ``where`` once; never raises."""
        try:
            if where in self.reported:
                return
            self.reported.add(where)
            exc_type, exc, tb = exc_info or sys.exc_info()
            text = ''.join(traceback.format_exception_only(exc_type, exc)).strip()
            record = {'kind': 'error', 't': round(time.time(), 6), 'where': where, 'error': text,
                      'traceback': ''.join(traceback.format_tb(tb))[-4000:]}
            self.buf.append(json.dumps(record) + '\n')
            self.flush()
        except Exception:
            pass

    def _fault(self, where):
        if self.fault == where:
            raise ProbeFault('VIDBENCH_PROBE_FAULT=%s' % where)

    # ------------------------------------------------------------------ marks
    def mark(self, source):
        """One training iteration ended now; ``source`` names the marker that saw it."""
        if self.disabled:
            return
        try:
            now = _clock()
            if os.getpid() != self.pid:
                self.after_fork()
            self._fault('mark')
            self.n += 1
            dt = None if self.last is None else now - self.last
            self.last = now
            if self.n == 1:
                self.marker = source
                self._first_mark()
            mem = self._cuda_peak_gb()
            rss = _peak_rss_gb()
            self.rss_peak = rss
            line = ('{"kind": "iter", "i": %d, "t": %.6f, "dt": %s, "mem_gb": %s, "rss_gb": %s, '
                    '"nvml_gb": %s}\n') % (self.n, time.time(), _num(dt, '%.6f'), _num(mem, '%.4f'),
                                          _num(rss, '%.4f'), _num(self.nvml_peak, '%.4f'))
            self.buf.append(line)
            if len(self.buf) >= FLUSH_EVERY_N or now - self.last_flush >= FLUSH_EVERY_S:
                self.flush()
        except Exception:
            self.report('mark')

    def _first_mark(self):
        if self.nvml_thread is None and gpu_in_use(self.marker):
            self.nvml_thread = NvmlSampler(self)
            self.nvml_thread.start()

    def _cuda_peak_gb(self):
        torch = sys.modules.get('torch')
        if torch is None:
            return None
        cuda = getattr(torch, 'cuda', None)
        is_initialized = getattr(cuda, 'is_initialized', None)
        if is_initialized is None or not is_initialized():
            return None
        peak = max(cuda.max_memory_allocated(d) for d in range(cuda.device_count())) / GIB
        self.mem_peak = peak if self.mem_peak is None else max(peak, self.mem_peak)
        return peak

    def torch_pre_step_hook(self, optimizer, args=None, kwargs=None):
        self.armed = id(optimizer)

    def torch_step_hook(self, optimizer, args=None, kwargs=None):
        if self.use_arming:
            # torch >= 2 runs the hooks around every patched ``step``, so a subclass's step that
            # calls its base's step runs them twice, nested: pre, pre, post, post. Only a post
            # that follows a pre of the same optimizer marks (the inner one); a step that raised
            # never ran its post hook and leaves nothing behind.
            if self.armed != id(optimizer):
                return
            self.armed = None
        try:
            ref = self.marking_optimizer
            current = ref() if ref is not None else None
            if current is None:
                self.marking_optimizer = weakref.ref(optimizer)
            elif current is not optimizer:
                return
        except Exception:
            self.report('torch step hook')
        self.mark(self.torch_marker)

    # ------------------------------------------------------------------ files
    def header(self):
        return {'kind': 'header', 'probe_version': PROBE_VERSION, 'pid': self.pid,
                'ppid': os.getppid(), 'host': socket.gethostname(), 'argv': _cmdline(),
                'executable': sys.executable, 'python': '%d.%d.%d' % tuple(sys.version_info[:3]),
                'torch': _module_version('torch'), 'tensorflow': _module_version('tensorflow'),
                'marker': self.marker, 'markers_installed': list(self.markers_installed),
                'start': round(self.start, 6), 'forked_from': self.forked_from,
                'cpu_compat': bool(self.cpu_compat), 'compat_patches': list(self.compat_patches),
                'cuda_visible_devices': os.environ.get('CUDA_VISIBLE_DEVICES'),
                'slurm_job_id': os.environ.get('SLURM_JOB_ID'),
                'slurm_procid': os.environ.get('SLURM_PROCID')}

    def _open(self):
        try:
            os.makedirs(self.out_dir)
        except OSError as exc:
            if exc.errno != errno.EEXIST or not os.path.isdir(self.out_dir):
                raise
        base = os.path.join(self.out_dir, 'probe-%s-%d' % (self.host, self.pid))
        k = 1
        while True:   # a pid reused in the same folder gets its own file: probe-<host>-<pid>-<k>
            path = base + ('.jsonl' if k == 1 else '-%d.jsonl' % k)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 420)
            except OSError as exc:
                if exc.errno == errno.EEXIST and k < 1000:
                    k += 1
                    continue
                raise
            self.fd, self.path = fd, path
            return

    def flush(self):
        """Write the buffered lines now (whole lines, one write); never raises."""
        if self.disabled or self.fd is None and not self.buf:
            return
        if not self.flush_lock.acquire(False):
            return   # another thread, or the code this signal interrupted, is writing
        try:
            self._flush_locked()
        finally:
            self.flush_lock.release()
            if not self.closing:
                self._resend_pending_signals()

    def _resend_pending_signals(self):
        if self.pending_signals:
            signums, self.pending_signals = self.pending_signals, []
            for signum in signums:
                os.kill(os.getpid(), signum)

    def _flush_locked(self):
        try:
            if os.getpid() != self.pid:
                self.after_fork()
                return
            self._fault('flush')
            if not self.buf:
                return
            lines = self.buf
            self.buf = []
            if self.fd is None:
                self._open()
            if not self.header_written:
                lines.insert(0, json.dumps(self.header()) + '\n')
                self.header_written = True
            data = ''.join(lines)
            if not isinstance(data, bytes):
                data = data.encode('utf-8')
            while data:
                written = os.write(self.fd, data)
                data = data[written:]
            self.last_flush = _clock()
        except Exception:
            self.disabled = True
            try:
                sys.stderr.write('vidbench probe: cannot write records to %s (%s); the training goes '
                                 'on without the probe\n' % (self.out_dir, sys.exc_info()[1]))
                sys.stderr.flush()
            except Exception:
                pass

    def close(self, reason='exit', signum=None):
        """Footer and final flush (at exit, or before the default action of a signal)."""
        if self.closed:
            return
        try:
            if os.getpid() != self.pid:
                self.after_fork()
            if self.forked_from is not None and self.fd is None and not self.buf:
                return   # a forked worker that never stepped: no file at all
            # a signal arriving from here on (Pool.terminate()'s SIGTERM to a worker that is
            # leaving through its exit code) waits until the footer is written: its handler
            # would find the probe closed and kill the process before the footer was out
            self.closing = True
            self.closed = True
            if self.fault == 'sigterm-in-close':   # tests: the race, made certain
                os.kill(os.getpid(), signal.SIGTERM)
            sample = self.nvml_thread.sample_now if self.nvml_thread is not None else None
            if sample is not None:
                sample()
            footer = {'kind': 'footer', 't': round(time.time(), 6), 'reason': reason,
                      'signal': _signal_name(signum), 'n_iter': self.n,
                      'mem_gb': _round(self.mem_peak), 'rss_gb': _round(_peak_rss_gb()),
                      'nvml_gb': _round(self.nvml_peak), 'errors': sorted(self.reported)}
            self.buf.append(json.dumps(footer) + '\n')
            self.flush()
        except Exception:
            pass
        finally:
            if self.closing:
                self.closing = False
                self._resend_pending_signals()

    # ------------------------------------------------------------------- fork
    def after_fork(self):
        """In a forked child: forget the parent's buffer, file and counters."""
        if os.getpid() == self.pid:
            return
        parent = self.pid
        fd = self.fd
        self._reset(os.getpid(), forked_from=parent)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
        mp_util = sys.modules.get('multiprocessing.util')
        if mp_util is not None:   # multiprocessing children leave through os._exit: no atexit
            try:
                self._finalize_in_multiprocessing(mp_util)
                # a multiprocessing.Process child (fork start method: Pool workers) clears the
                # finalizers it inherited after this hook ran, then calls the after-fork
                # callbacks: register the footer's finalizer again from there
                mp_util.register_after_fork(self, Probe._after_multiprocessing_fork)
            except Exception:
                pass

    def _finalize_in_multiprocessing(self, mp_util):
        mp_util.Finalize(None, self.close, args=('exit',), exitpriority=100)

    def _after_multiprocessing_fork(self):
        try:
            if os.getpid() != self.pid:
                self.after_fork()
            mp_util = sys.modules.get('multiprocessing.util')
            if mp_util is not None:
                self._finalize_in_multiprocessing(mp_util)
        except Exception:
            self.report('multiprocessing fork')

    # ---------------------------------------------------------------- signals
    def install_signals(self):
        if threading.current_thread().name != 'MainThread':
            return
        for name in SIGNAL_NAMES:
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            current = self._orig_getsignal(signum)
            if current is None or current == signal.SIG_IGN:
                continue   # set outside Python, or ignored: leave it alone
            self._orig_signal(signum, self.on_signal)
            self.handlers[signum] = current
            self.installed.add(signum)
        probe = self

        def signal_(signalnum, handler):
            """signal.signal, keeping the probe's flush in front of the program's handler."""
            if signalnum not in probe.installed:
                return probe._orig_signal(signalnum, handler)
            probe._orig_signal(signalnum, handler)   # same validation and errors as before
            probe._orig_signal(signalnum, probe.on_signal)
            previous = probe.handlers.get(signalnum, signal.SIG_DFL)
            probe.handlers[signalnum] = handler
            return previous

        def getsignal(signalnum):
            if signalnum in probe.installed:
                return probe.handlers.get(signalnum, signal.SIG_DFL)
            return probe._orig_getsignal(signalnum)

        signal_.__doc__ = self._orig_signal.__doc__
        getsignal.__doc__ = self._orig_getsignal.__doc__
        signal.signal = signal_
        signal.getsignal = getsignal

    def on_signal(self, signum, frame):
        if self.closing or not self.flush_lock.acquire(False):
            self.pending_signals.append(signum)   # re-sent when the interrupted write ends
            return
        self.flush_lock.release()
        handler = self.handlers.get(signum, signal.SIG_DFL)
        if callable(handler):
            self.flush()
            return handler(signum, frame)
        if handler == signal.SIG_IGN:
            self.flush()
            return None
        self.close('signal', signum)   # default action: terminate, as if we were not here
        self._orig_signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return None


def _round(value):
    return None if value is None else round(value, 4)


def _signal_name(signum):
    if signum is None:
        return None
    for name in SIGNAL_NAMES:
        if getattr(signal, name, None) == signum:
            return name
    return str(signum)


# ----------------------------------------------------------------------- start
def start(out_dir, cpu_compat=False, compat_patches=None):
    """Called by the injected sitecustomize when ``VIDBENCH_PROBE_DIR`` is set."""
    probe = Probe(out_dir, cpu_compat=cpu_compat)
    if compat_patches is not None:
        probe.compat_patches = compat_patches
    _vidbench_hooks._on_error = probe.report
    try:
        probe._fault('start')
        atexit.register(probe.close, 'exit')
        if hasattr(os, 'register_at_fork'):
            os.register_at_fork(after_in_child=probe.after_fork)
        probe.install_signals()
        _vidbench_hooks.when_imported(
            'torch.optim.optimizer', lambda m: _vidbench_probe_torch.patch_torch_optimizer(m, probe))
        _vidbench_hooks.when_imported(
            'tensorflow.python.training.optimizer',
            lambda m: _vidbench_probe_tf.patch_tf_optimizer(m, probe))
        _vidbench_hooks.when_imported(
            'tensorflow.python.client.session',
            lambda m: _vidbench_probe_tf.patch_tf_session(m, probe))
    except Exception:
        probe.report('start')
    return probe
