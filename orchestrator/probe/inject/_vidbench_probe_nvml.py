"""vidbench timing probe: the peak GPU memory of this process as the driver sees it (``nvml_gb``).

A daemon thread samples pynvml (else ``nvidia-smi``) every 2 s (``VIDBENCH_PROBE_NVML_INTERVAL``)
once a GPU is in use; ``_vidbench_probe`` starts it and writes the figure into its records.
Injected into the training's interpreter: Python 2.7 and 3.x syntax only.
"""
from __future__ import absolute_import, division

import os
import sys
import threading
import time

ENV_NVML_INTERVAL = 'VIDBENCH_PROBE_NVML_INTERVAL'


def gpu_in_use(marker):
    if os.environ.get('CUDA_VISIBLE_DEVICES', None) in ('', '-1'):
        return False
    if marker is not None and marker.startswith('torch'):
        torch = sys.modules.get('torch')
        cuda = getattr(torch, 'cuda', None)
        is_initialized = getattr(cuda, 'is_initialized', None)
        return bool(is_initialized is not None and is_initialized())
    return find_nvidia_smi() is not None   # TensorFlow: whatever GPU the driver shows


def find_nvidia_smi():
    for folder in os.environ.get('PATH', '').split(os.pathsep):
        path = os.path.join(folder or '.', 'nvidia-smi')
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


class NvmlSampler(threading.Thread):
    """Peak GPU memory of this pid as the driver sees it (pynvml, else nvidia-smi)."""

    def __init__(self, probe):
        threading.Thread.__init__(self, name='vidbench-probe-nvml')
        self.daemon = True
        self.probe = probe
        self.pid = probe.pid
        try:
            self.interval = float(os.environ.get(ENV_NVML_INTERVAL, '2'))
        except ValueError:
            self.interval = 2.0
        self.nvidia_smi = find_nvidia_smi()
        self.pynvml = None

    def run(self):
        try:
            import pynvml
            pynvml.nvmlInit()
            self.pynvml = pynvml
        except Exception:
            self.pynvml = None
        while os.getpid() == self.pid:
            self.sample_now()
            time.sleep(self.interval)

    def sample_now(self):
        try:
            used = self._pynvml_mib() if self.pynvml is not None else self._smi_mib()
            if used is not None:
                gb = used / 1024.0
                peak = self.probe.nvml_peak
                self.probe.nvml_peak = gb if peak is None else max(gb, peak)
        except Exception:
            self.probe.report('nvml')

    def _pynvml_mib(self):
        nv = self.pynvml
        best = None
        for index in range(nv.nvmlDeviceGetCount()):
            handle = nv.nvmlDeviceGetHandleByIndex(index)
            for proc in nv.nvmlDeviceGetComputeRunningProcesses(handle):
                if proc.pid == self.pid and proc.usedGpuMemory is not None:
                    mib = proc.usedGpuMemory / float(1 << 20)
                    best = mib if best is None else max(best, mib)
        return best

    def _smi_mib(self):
        if self.nvidia_smi is None:
            return None
        import subprocess
        out = subprocess.check_output(
            [self.nvidia_smi, '--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'],
            stderr=open(os.devnull, 'w'))
        return parse_smi_compute_apps(out.decode('utf-8', 'replace'), self.pid)


def parse_smi_compute_apps(text, pid):
    """Largest ``used_memory`` (MiB) of ``pid`` in ``nvidia-smi --query-compute-apps=pid,used_memory``."""
    best = None
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(',')]
        if len(parts) != 2 or not parts[0].isdigit():
            continue
        try:
            mib = float(parts[1])
        except ValueError:
            continue   # "[N/A]" (no per-process accounting)
        if int(parts[0]) == pid:
            best = mib if best is None else max(best, mib)
    return best
