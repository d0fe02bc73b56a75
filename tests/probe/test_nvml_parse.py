"""The GPU-memory sampler's reading of ``nvidia-smi --query-compute-apps=pid,used_memory`` (pure).

No GPU here: the sampler itself only runs where one is in use; its parsing is checked on text in
nvidia-smi's CSV format (``--format=csv,noheader,nounits``: one ``pid, MiB`` row per process and GPU).
"""
import importlib
import sys

from orchestrator.probe import INJECT_DIR


def load_probe_module():
    sys.path.insert(0, str(INJECT_DIR))
    try:
        return importlib.import_module("_vidbench_probe_nvml")
    finally:
        sys.path.remove(str(INJECT_DIR))


def test_largest_row_of_this_pid_in_mib():
    parse = load_probe_module().parse_smi_compute_apps
    text = "4242, 1024\n999, 30000\n4242, 2560\n"          # DataParallel: one row per GPU
    assert parse(text, 4242) == 2560.0
    assert parse(text, 7) is None
    assert parse("4242, [N/A]\nNo running processes found\n", 4242) is None
