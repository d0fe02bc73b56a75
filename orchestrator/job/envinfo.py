"""Environment probe: which GPU, driver, CUDA, Python and libraries a job really ran with.

Why a separate, standard-library-only script: it runs *inside the framework's environment*
(after the job's setup script, conda env or container), whose Python may be old and lacks
vidbench, so the manifest records the versions the training used, not the orchestrator's.
Run as ``python orchestrator/job/envinfo.py [--out FILE]`` (prints JSON); keep it Python 2.7- and
3.6-safe (BSN's environment is Python 2.7).
"""
import json
import os
import platform
import re
import socket
import subprocess
import sys

# Libraries the benchmark's frameworks depend on (the manifest's `libraries`); every installed
# distribution is also listed under `packages`.
KEY_LIBRARIES = (
    "torch", "torchvision", "torchaudio", "numpy", "mmcv", "mmcv-full", "mmcv-lite", "mmengine",
    "mmaction2", "mmaction", "mmdet", "decord", "PyAV", "av", "opencv-python",
    "opencv-python-headless", "pillow", "Pillow", "fvcore", "iopath", "slowfast", "simplejson",
    "pandas", "scipy", "tensorboardX", "tensorboard", "memcache", "pymemcache", "lmdb",
    "pytorchvideo", "timm", "einops", "tensorflow", "tensorflow-gpu", "matplotlib",
)


def _run(argv, timeout=20):
    if not hasattr(subprocess, "run"):   # Python 2.7: no timeout, no run()
        try:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    universal_newlines=True)
            stdout, _ = proc.communicate()
        except OSError:
            return None
        return stdout if proc.returncode == 0 else None
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=timeout, universal_newlines=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def environment():
    """The manifest's ``environment``: the one this process runs in. ``recipe``/``hash`` are
    those command.sh exported for the recipe's environment (envs/_common.sh unsets them when
    the user activated their own); ``path`` is the active prefix."""
    freeze = _run([sys.executable, "-m", "pip", "freeze", "--all"], timeout=120)
    recipe = os.environ.get("VIDBENCH_ENV_RECIPE") or None
    return {"recipe": recipe,
            "hash": (os.environ.get("VIDBENCH_ENV_HASH") or None) if recipe else None,
            "path": sys.prefix, "planned_path": os.environ.get("VIDBENCH_ENV_PATH") or None,
            "python": platform.python_version(), "executable": sys.executable,
            "pip_freeze": [ln for ln in freeze.splitlines() if ln.strip() and not ln.startswith("-")]
            if freeze is not None else None}


def nvidia_smi():
    """GPU names, driver and CUDA version from nvidia-smi; all None where there is none."""
    info = {"gpu_name": None, "gpus": [], "driver": None, "cuda": None, "nvidia_smi": False}
    query = _run(["nvidia-smi", "--query-gpu=index,name,driver_version,memory.total,uuid",
                  "--format=csv,noheader,nounits"])
    if query is None:
        return info
    info["nvidia_smi"] = True
    for line in query.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) >= 4:
            info["gpus"].append({"index": parts[0], "name": parts[1], "driver": parts[2],
                                 "memory_mib": parts[3], "uuid": parts[4] if len(parts) > 4 else None})
    if info["gpus"]:
        names = sorted({g["name"] for g in info["gpus"]})
        info["gpu_name"] = " + ".join(names)
        info["driver"] = info["gpus"][0]["driver"]
    header = _run(["nvidia-smi"]) or ""
    m = re.search(r"CUDA Version:\s*([0-9.]+)", header)
    if m:
        info["cuda"] = m.group(1)
    return info


def torch_info():
    try:
        import torch  # noqa: F401  (the framework's torch, in the job's environment)
    except Exception as exc:  # not installed, or broken: record why
        return {"torch": None, "torch_error": "%s: %s" % (type(exc).__name__, exc)}
    out = {"torch": getattr(torch, "__version__", None),
           "torch_cuda": getattr(getattr(torch, "version", None), "cuda", None)}
    try:
        out["cuda_available"] = bool(torch.cuda.is_available())
        out["cudnn"] = torch.backends.cudnn.version() if out["cuda_available"] else None
        if out["cuda_available"]:
            out["torch_device"] = torch.cuda.get_device_name(0)
            out["device_count"] = torch.cuda.device_count()
    except Exception as exc:
        out["cuda_error"] = "%s: %s" % (type(exc).__name__, exc)
    return out


def packages():
    """name -> version of every installed distribution (what `pip list` shows)."""
    out = {}
    try:
        from importlib import metadata
    except ImportError:  # Python < 3.8
        try:
            import pkg_resources
        except ImportError:
            return out
        for d in pkg_resources.working_set:
            out[d.project_name] = d.version
        return out
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            out[name] = dist.version
    return out


def collect():
    pkgs = packages()
    lower = {k.lower(): (k, v) for k, v in pkgs.items()}
    libraries = {}
    for name in KEY_LIBRARIES:
        hit = lower.get(name.lower())
        if hit:
            libraries[hit[0]] = hit[1]
    info = {
        "host": socket.gethostname(),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "platform": platform.platform(),
        "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
        "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES"),
    }
    info.update(nvidia_smi())
    info.update(torch_info())
    if info.get("torch"):
        libraries.setdefault("torch", info["torch"])
    info["libraries"] = libraries
    info["packages"] = pkgs
    info["environment"] = environment()
    return info


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["-h"], ["--help"]):
        print("usage: python envinfo.py [--out FILE]\n" + (__doc__ or "").strip().splitlines()[0])
        return 0
    text = json.dumps(collect(), indent=2, sort_keys=True) + "\n"
    if argv[:1] == ["--out"] and len(argv) == 2:
        tmp = argv[1] + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, argv[1])   # atomic on POSIX; os.replace does not exist in Python 2
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
