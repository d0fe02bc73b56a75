"""Real sweep folders for the results tests, written by the orchestrator's own writers
(docs/DESIGN.md section 3: sweep.json, job.json, plan.json, command.sh, manifest.json of the real
specs' jobs), then what a job leaves: its manifest's outcome, the framework's own log files in
the formats the parsers read (PySlowFast json_stats, mmcv JSON), probe JSON Lines, stderr.log.
Every iteration time is chosen here, so the tests know the figures without the code under test.
"""
import contextlib
import json
import os
from pathlib import Path

from orchestrator.sweep.options import SweepOptions
from orchestrator.sweep.start import expand_specs, write_job
from orchestrator.fileio import atomic_write_json, read_json
from orchestrator.sweep.sweepdir import SweepDir

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def in_repository():
    """Work in the repository root, where `make sweep` runs (spec paths relative to it)."""
    before = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(before)

COMMITS = {"mmaction2": "fd993ca078d0cb15570d508a03374b9f48ae0155",
           "pyslowfast": "8299c9862f83a067fa7114ce98120ae1568a83ec",
           "tsm": "8d53d6fda40bea2f1b37a6095279c4b454d672bd",
           "mmaction": "7f3490d3db6a67fe7b87bfef238b757403b670e3"}


def pyslowfast_log(path: Path, times, mem="4.45 GB", iters_per_epoch=None):
    """A PySlowFast (2020) training log: one json_stats train_iter record per iteration."""
    n = iters_per_epoch or len(times)
    lines = ["[07/08 10:00:00][INFO] train_net.py: 383: Train with config:",
             "[07/08 10:00:00][INFO] train_net.py: 384: {'NUM_GPUS': 8}"]
    for i, t in enumerate(times, 1):
        rec = {"_type": "train_iter", "dt": t, "epoch": "1/1", "eta": "0:10:00",
               "gpu_mem": mem, "iter": f"{i}/{n}", "loss": 5.9, "lr": 0.1, "time_diff": t,
               "top1_err": 100.0, "top5_err": 100.0}
        lines.append(f"[07/08 10:00:{i % 60:02d}][INFO] logging.py:  67: json_stats: "
                     + json.dumps(rec))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def mmcv_json_log(path: Path, record_times, interval=20, memory_mib=8294):
    """An MMAction2 0.x `.log.json`: run metadata, then one train record per `interval` iters."""
    lines = [json.dumps({"env_info": "sys.platform: linux", "config": "model = dict()",
                         "seed": None, "exp_name": "bench.py"})]
    for k, t in enumerate(record_times, 1):
        lines.append(json.dumps({"mode": "train", "epoch": 1, "iter": k * interval, "lr": 0.01,
                                 "memory": memory_mib, "data_time": 0.05, "loss_cls": 5.9,
                                 "loss": 5.9, "time": t}))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def probe_file(folder: Path, dts, rss_gb=1.25, mem_gb=None, host="node7", pid=4242):
    """Probe JSON Lines: a header, then one iter record per mark (dt null for the first)."""
    folder.mkdir(parents=True, exist_ok=True)
    t0 = 1_700_000_000.0
    lines = [json.dumps({"kind": "header", "probe_version": 1, "pid": pid, "ppid": 1,
                         "host": host, "argv": ["python", "train.py"], "python": "3.11.2",
                         "torch": "2.13.0", "marker": "torch.optim step hook", "start": t0})]
    t = t0
    for i, dt in enumerate([None] + list(dts), 1):
        t += dt or 0.5
        lines.append(json.dumps({"kind": "iter", "i": i, "t": round(t, 6),
                                 "dt": None if dt is None else dt, "mem_gb": mem_gb,
                                 "rss_gb": rss_gb, "nvml_gb": None}))
    lines.append(json.dumps({"kind": "footer", "t": t + 1, "n": len(dts) + 1}))
    path = folder / f"probe-{host}-{pid}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


class Sweep:
    """A sweep folder under construction, written by the sweep's own writers: ``sweep.json`` by
    ``SweepDir.create`` with the spec files as ``expand_specs`` records them, each job folder by
    ``sweep.write_job`` (job.json, plan.json, command.sh and ``jobplan.initial_manifest``) from
    the real expansion of the real specs; then the manifest gets what a job records when it ran
    (host, GPU, times, status, exit statuses) and the test writes the logs and probe records."""

    def __init__(self, root: Path, specs=("jobs/recognition.yaml",)):
        self.opts = SweepOptions(executor="local", repeats=2)
        with in_repository():    # spec paths as `make sweep` gives them: relative
            expanded = expand_specs([Path(s) for s in specs], self.opts)
        self.jobs = {job.name: job for job in expanded.jobs}
        self.sweep = SweepDir.create(Path(root), {"created": "2026-11-26T10:00:00+00:00",
                                                  "spec_files": expanded.spec_files})
        self.root = self.sweep.root

    def job(self, name, *, table="recognition", model, input, io_backend, batch, gpus,
            framework, repeat=0, status="COMPLETED", reason=None, stages=("",),
            compat_mode=None, gpu_name="Tesla V100-SXM2-32GB", driver="450.51.06",
            manifest=True):
        """Job ``name`` of the specs (its cell must be the one given: the fixture says what it
        expects of the spec); ``manifest=False``: a job that has not started (no manifest)."""
        job = self.jobs[name]
        c = job.cell
        assert (job.table, c.model, c.input, c.io_backend, c.batch_per_gpu, c.gpus,
                job.framework, job.repeat, tuple(st.name for st in job.stages)) == \
            (table, model, input, io_backend, batch, gpus, framework, repeat, tuple(stages)), name
        with in_repository():
            jd = write_job(self.sweep, job, self.opts, None)
        d = jd.path
        (d / "stderr.log").write_text("Traceback (most recent call last):\nRuntimeError: boom\n"
                                      if status == "FAILED" else "")
        if not manifest:
            jd.manifest_json.unlink()
            return d
        m = read_json(jd.manifest_json)
        exit_status = 0 if status == "COMPLETED" else 1
        m.update(host="node7", slurm_job_id=f"1{len(name):04d}", gpu_name=gpu_name,
                 driver=driver, cuda="10.1", python="3.7.7", libraries={"torch": "1.4.0"},
                 started="2026-11-26T10:00:00+00:00", finished="2026-11-26T10:20:00+00:00",
                 exit_status=exit_status, status=status, reason=reason, attempt=1)
        if compat_mode is not None or job.compat_mode is None:
            m["compat_mode"] = compat_mode   # the fixture says the job ran in that mode
        for st in m["stages"]:
            st.update(started="2026-11-26T10:00:00+00:00", finished="2026-11-26T10:20:00+00:00",
                      exit_status=exit_status, probe_dir=f"probe/{st['name'] or 'main'}")
        atomic_write_json(jd.manifest_json, m)
        return d


# iteration times written into the logs (iterations 1..50 are warm-up and must not count)
PYSF_R0 = [1.0] * 50 + [0.43, 0.45] * 125          # kept: 250 values, mean 0.44
PYSF_R1 = [1.0] * 50 + [0.46, 0.48] * 125          # kept: mean 0.47
MMCV = [0.9, 0.9] + [0.33, 0.35] * 6 + [0.33]      # records at iters 20..300; 20, 40 skipped
UNSTABLE = [2.0] * 50 + [0.5, 1.5] * 125           # stdev 50 % of the mean
PROBE_DT = [0.8] * 49 + [0.41, 0.43] * 125         # marks 2..300 (mark 1 has no dt)


def I3D(**kw):
    return dict(model="I3D heavy", input="256p videos", io_backend="Disk", batch=8, gpus=8, **kw)


def TSN(**kw):
    return dict(model="TSN", input="256p rawframes", io_backend="Memcached", batch=32, gpus=8, **kw)


def example_sweep(root: Path) -> Path:
    """Eight jobs of the recognition table: figures, repeats, an unstable one, a failed, a
    pending and an unparsable job, one in CPU compatibility mode."""
    s = Sweep(root)
    d = s.job("recognition--i3d-heavy--256p-videos--pyslowfast--r0", **I3D(framework="pyslowfast"))
    pyslowfast_log(d / "logs" / "main" / "stdout.log", PYSF_R0)
    probe_file(d / "probe" / "main", PROBE_DT, rss_gb=1.25, mem_gb=4.2)
    d = s.job("recognition--i3d-heavy--256p-videos--pyslowfast--r1",
              **I3D(framework="pyslowfast", repeat=1))
    pyslowfast_log(d / "logs" / "main" / "stdout.log", PYSF_R1)
    d = s.job("recognition--i3d-heavy--256p-videos--mmaction2--r0", **I3D(framework="mmaction2"))
    mmcv_json_log(d / "logs" / "main" / "20200808_101010.log.json", MMCV)
    d = s.job("recognition--slowfast--256p-videos--pyslowfast--r0", model="Slowfast",
              input="256p videos", io_backend="Disk", batch=8, gpus=8, framework="pyslowfast")
    pyslowfast_log(d / "logs" / "main" / "stdout.log", UNSTABLE, mem="7.00 GB")
    d = s.job("recognition--tsn--256p-rawframes--tsm--r0", **TSN(framework="tsm"),
              status="FAILED", reason="exit status 1")
    s.job("recognition--tsn--256p-rawframes--mmaction--r0", **TSN(framework="mmaction"),
          manifest=False)
    d = s.job("recognition--tsn--256p-rawframes--mmaction2--r0", **TSN(framework="mmaction2"),
              compat_mode="cpu", gpu_name=None, driver=None)
    mmcv_json_log(d / "logs" / "main" / "20200808_101010.log.json",
                         [0.9, 0.9] + [0.31] * 13)
    d = s.job("recognition--tsm--256p-rawframes--mmaction2--r0", model="TSM",
              input="256p rawframes", io_backend="Memcached", batch=8, gpus=8,
              framework="mmaction2")
    (d / "logs" / "main").mkdir(parents=True)
    (d / "logs" / "main" / "20200808.log.json").write_bytes(b"\x00\x01garbage\xff" * 10)
    return s.root


