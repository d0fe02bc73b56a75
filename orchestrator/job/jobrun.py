"""What runs inside a job (Slurm or local): the stages of one benchmark launch, with provenance.

Why it exists: a number is only as good as its provenance, and a job may start hours after it
was submitted, on a node nobody looked at. So the job itself records where it ran (host, Slurm
job id, GPU, driver, CUDA, the Python and libraries of the framework's environment), runs each
stage's command (``bash command.sh STAGE``, an argv list: no ``shell=True``, spec text is
quoted in the script) on a working dir cleared of an earlier run's logs (moved into
``stale/<stage>/attempt-<N>/``, orchestrator/job/stale.py: a rerun in a reused checkout or a
``resume`` never reads them), copies the framework's log files back into ``logs/<stage>/``
and writes ``manifest.json`` atomically at every step. A job whose manifest already says
COMPLETED never runs again, and a job superseded by a newer submission of the same entry does
not start.
"""
from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

from orchestrator.sweep.checkout import outputs_lock_path
from orchestrator.fileio import atomic_write_json, read_json, sha256_of
from orchestrator.job.stale import LEFT_WHY, Cleared, OutputsLock, clear_stale, describe
from orchestrator.sweep.sweepdir import JobDir, claim, now_iso, stage_dir_name

ENVINFO_TIMEOUT_S = 180
KILL_GRACE_S = 5


# --------------------------------------------------------------------------- small helpers


def slurm_job_id(environ=os.environ) -> Optional[str]:
    """``123_4`` for an array task, ``123`` for a plain job, None outside Slurm."""
    array_id, task = environ.get("SLURM_ARRAY_JOB_ID"), environ.get("SLURM_ARRAY_TASK_ID")
    if array_id and task:
        return f"{array_id}_{task}"
    return environ.get("SLURM_JOB_ID")


def git_head(path) -> dict:
    """HEAD and dirtiness of a checkout, for the manifest (what really ran)."""
    def git(*args):
        r = subprocess.run(["git", "-C", str(path), *args], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        return r.stdout.strip() if r.returncode == 0 else None
    return {"head": git("rev-parse", "HEAD"),
            "dirty_files": len((git("status", "--porcelain", "--untracked-files=no") or "")
                               .splitlines())}


def verify_checkout(path, commit, outputs=()) -> Optional[str]:
    """None when the checkout is at its pin with a clean tree, else why not (a message)."""
    from orchestrator.sweep.checkout import verify
    try:
        verify(Path(path), commit, allow_untracked=outputs)
    except Exception as exc:  # CheckoutError (a UserError): the message says what is wrong
        return str(exc)
    return None


def probe_environment(out_dir: Path, env: dict, cpu_compat: bool = False) -> dict:
    """The environment with the timing probe on, its records going to ``out_dir``.

    ``cpu_compat``: also switch on the probe's CPU compatibility layer (``.cuda()`` a no-op), so
    that a framework's unmodified GPU-only code trains on the CPU (compat_mode "cpu")."""
    from orchestrator.probe import probe_env
    out_dir.mkdir(parents=True, exist_ok=True)
    return probe_env(str(out_dir), env, cpu_compat=cpu_compat)


def collect_logs(cwd: Path, globs, dest: Path, since: float, extra=(), exclude=()) -> list:
    """Copy the framework's log files (globs relative to ``cwd``, modified since the stage
    started) into ``dest``. An earlier run's files were moved away before the stage started
    (orchestrator.job.stale: the mtime filter alone lets an appended file through with its old
    records); ``exclude``: the paths (relative to ``cwd``) left in place then because another
    job of the checkout may be writing them, never taken."""
    found = []
    for pattern in globs:
        for p in sorted(glob.glob(str(cwd / pattern), recursive=True)):
            found.append(Path(p))
    found += [cwd / e for e in extra]
    out, seen = [], set()
    cwd_real = cwd.resolve()
    for src in found:
        try:
            real = src.resolve()
            rel = real.relative_to(cwd_real)
        except (OSError, ValueError):   # a link out of the working dir: not ours to copy
            continue
        if real in seen or str(rel) in exclude or not real.is_file() \
                or real.stat().st_mtime < since - 2:
            continue
        seen.add(real)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(real, target)
        out.append({"path": str(target.relative_to(dest.parent.parent)),
                    "source": str(rel), "bytes": target.stat().st_size,
                    "sha256": sha256_of(target)})
    return out


def stdout_escape(cwd: Path, stdout: str) -> Optional[str]:
    """None where the page's stdout file stays inside the working dir, else why not: the spec
    checks the text, this the file system (a link in the checkout pointing out of it)."""
    from orchestrator.spec.guards import confinement_problem
    problem = confinement_problem(stdout)
    if problem is None:
        try:
            (cwd / stdout).resolve().relative_to(cwd.resolve())
        except ValueError:
            problem = "leads out of it through a symbolic link"
        except OSError as exc:
            problem = f"cannot be resolved ({exc})"
    return None if problem is None else f"stdout file {stdout!r} {problem}: refused to write it"


class IterCounter:
    """Counts the probe's ``iter`` records as they are written (for ``max_iters``): the most
    iterations any one process of the stage has run."""

    def __init__(self, probe_dir: Path):
        self.dir = probe_dir
        self.offsets, self.counts, self.rest = {}, {}, {}

    def poll(self) -> int:
        if not self.dir.is_dir():
            return 0
        for p in self.dir.glob("*.jsonl"):
            with open(p, "rb") as f:
                f.seek(self.offsets.get(p, 0))
                data = self.rest.get(p, b"") + f.read()
                self.offsets[p] = f.tell()
            lines = data.split(b"\n")
            self.rest[p] = lines.pop()
            for line in lines:
                if b'"iter"' in line:
                    with contextlib.suppress(ValueError):
                        if json.loads(line).get("kind") == "iter":
                            self.counts[p] = self.counts.get(p, 0) + 1
        return max(self.counts.values(), default=0)


class _Tee(threading.Thread):
    """Copies a child's stdout to several files as it comes."""

    def __init__(self, stream, files):
        super().__init__(daemon=True)
        self.stream, self.files = stream, files

    def run(self):
        for chunk in iter(lambda: self.stream.read1(65536), b""):
            for f in self.files:
                f.write(chunk)
                f.flush()


class _Runner:
    """State of one running job: the manifest, the child, and what stopped it."""

    def __init__(self, jd: JobDir, attempt: int):
        self.jd, self.attempt = jd, attempt
        self.plan = read_json(jd.plan_json)
        self.manifest = read_json(jd.manifest_json) or {}
        self.child: Optional[subprocess.Popen] = None
        self.terminated: Optional[str] = None

    def save(self, **changes):
        self.manifest.update(changes)
        atomic_write_json(self.jd.manifest_json, self.manifest)

    # signals: forward to the stage's process group, remember why we stop
    def on_signal(self, signum, frame):
        self.terminated = signal.Signals(signum).name
        self.kill_child(signum)

    def kill_child(self, signum=signal.SIGTERM):
        child = self.child
        if child is not None and child.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signum)

    def cancelled(self) -> bool:
        return (self.jd.path.parent.parent / "CANCEL").exists()

    def run_stage(self, stage: dict, deadline: Optional[float]) -> tuple:
        """Run one stage; returns (exit status, why it stopped or None)."""
        jd, cwd = self.jd, Path(self.plan["cwd"])
        env = dict(os.environ)
        env.update({"VIDBENCH_JOB": jd.name, "VIDBENCH_JOB_DIR": str(jd.path),
                    "VIDBENCH_STAGE": stage["name"]})
        probe_dir = None
        if self.plan.get("probe", True):
            pdir = jd.probe_dir(stage["name"])
            env = probe_environment(pdir, env, cpu_compat=self.plan.get("compat_mode") == "cpu")
            probe_dir = str(pdir.relative_to(jd.path))
        elif self.plan.get("compat_mode") == "cpu":
            from orchestrator.probe import compat_env
            env = compat_env(env)
        record = self.manifest["stages"][self._stage_index(stage)]
        record.update(started=now_iso(), probe_dir=probe_dir, host=socket.gethostname())
        self.save()
        if stage.get("stdout"):
            refused = stdout_escape(cwd, stage["stdout"])
            if refused:
                return self._refuse(record, refused)
        lock = OutputsLock(outputs_lock_path(self.plan["checkout"])) \
            if self.plan.get("checkout") else None
        try:
            try:
                cleared = self._clear_stale(stage, cwd, record, lock)
            except OSError as exc:     # never run on top of an earlier run's files
                return self._refuse(record, f"cannot move an earlier run's files out of {cwd} "
                                            f"into {jd.path / 'stale'}: {exc}")
            if stage.get("stdout") and os.path.normpath(stage["stdout"]) in cleared.left_paths:
                return self._refuse(record, f"stdout file {stage['stdout']!r} exists and "
                                            f"{LEFT_WHY}: refused to append to it (name the job "
                                            f"in `stdout:`, ${{JOB_NAME}})")
            return self._launch(stage, cwd, env, record, probe_dir, deadline,
                                exclude=cleared.left_paths)
        finally:
            if lock is not None:
                lock.release()

    def _refuse(self, record: dict, why: str) -> tuple:
        """End a stage that must not run: its record says why; (exit status None, REFUSED)."""
        record.update(finished=now_iso(), exit_status=None, refused=why)
        self.save()
        return None, "REFUSED"

    def _clear_stale(self, stage: dict, cwd: Path, record: dict, lock) -> Cleared:
        """Move an earlier run's files under the stage's log globs out of the working dir
        (orchestrator.job.stale), record them and say so in stderr.log."""
        if not cwd.is_dir():
            record["stale_outputs"] = []
            return Cleared()
        dest = self.jd.path / "stale" / stage["dir"] / f"attempt-{self.attempt}"
        cleared = clear_stale(cwd, self.jd.name, stage.get("log_globs", []), stage.get("stdout"),
                              dest, self.jd.path, lock)
        record["stale_outputs"] = cleared.moved
        if cleared.left:
            record["outputs_left_in_place"] = cleared.left
        lines = describe(cleared, stage["dir"], str(dest.relative_to(self.jd.path)))
        if lines:
            with open(self.jd.stderr_log, "a") as err:
                err.write("".join(line + "\n" for line in lines))
        self.save()
        return cleared

    def _launch(self, stage: dict, cwd: Path, env: dict, record: dict, probe_dir, deadline,
                exclude=frozenset()) -> tuple:
        """Start the stage's command, watch it, copy its logs back; (exit status, why)."""
        jd = self.jd
        t0 = time.time()
        outs = [open(jd.stdout_log, "ab")]
        if stage.get("stdout"):
            stdout_file = cwd / stage["stdout"]
            stdout_file.parent.mkdir(parents=True, exist_ok=True)
            outs.append(open(stdout_file, "ab"))
        header = f"==== vidbench {now_iso()} stage {stage['dir']}: {stage['shell_command']}\n"
        with open(jd.stderr_log, "ab") as err:
            for f in outs + [err]:
                f.write(header.encode())
                f.flush()
            self.child = subprocess.Popen(["bash", str(jd.command_sh), stage["dir"]],
                                          cwd=str(jd.path), env=env, stdout=subprocess.PIPE,
                                          stderr=err, stdin=subprocess.DEVNULL,
                                          start_new_session=True)
            tee = _Tee(self.child.stdout, outs)
            tee.start()
            why = None
            max_iters = self.plan.get("max_iters")
            counter = IterCounter(jd.probe_dir(stage["name"])) if max_iters and probe_dir else None
            while True:
                try:
                    rc = self.child.wait(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if deadline is not None and time.time() > deadline and why is None:
                    why = "TIMEOUT"
                    self.kill_child(signal.SIGTERM)
                    self._kill_later()
                if counter is not None and why is None and counter.poll() >= max_iters:
                    why = "MAX_ITERS"
                    record["stopped"] = f"ended after max_iters={max_iters} iterations (probe)"
                    self.kill_child(signal.SIGTERM)
                    self._kill_later()
                if self.cancelled() and why is None and self.plan["executor"] == "local":
                    why = "CANCELLED"
                    self.kill_child(signal.SIGTERM)
                    self._kill_later()
            tee.join(timeout=10)
            self.child.stdout.close()
        for f in outs:
            f.close()
        if not jd.plan_json.is_file():   # the job folder was deleted: write nothing back into it
            raise FileNotFoundError(f"{jd.path}: the job folder vanished while its stage ran")
        if probe_dir and not any(jd.probe_dir(stage["name"]).glob("probe-*.jsonl")):
            record["probe_missing"] = (
                "the stage wrote no probe records: its command escaped the timing probe (its "
                "own PYTHONPATH, python -I/-S/-E, a setup script resetting PYTHONPATH) or "
                "started no Python")
        extra = [stage["stdout"]] if stage.get("stdout") else []
        logs = collect_logs(cwd, stage.get("log_globs", []), jd.logs_dir(stage["name"]), t0,
                            extra, exclude=exclude) if cwd.is_dir() else []
        record.update(finished=now_iso(), exit_status=rc, log_files=logs)
        self.save()
        return rc, why

    def _kill_later(self):
        child = self.child

        def later():
            time.sleep(KILL_GRACE_S)
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.pid, signal.SIGKILL)
        threading.Thread(target=later, daemon=True).start()

    def _stage_index(self, stage) -> int:
        for i, rec in enumerate(self.manifest["stages"]):
            if rec["name"] == stage["name"]:
                return i
        raise KeyError(stage["name"])

    def envinfo(self):
        out = self.jd.envinfo_json
        try:
            r = subprocess.run(["bash", str(self.jd.command_sh), "--envinfo", str(out)],
                               cwd=str(self.jd.path), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=ENVINFO_TIMEOUT_S, text=True)
            info = read_json(out) if r.returncode == 0 else None
            if info is None:
                return {"envinfo_error": f"exit {r.returncode}: {r.stdout.strip()[-500:]}"}
        except (subprocess.TimeoutExpired, OSError, ValueError) as exc:
            return {"envinfo_error": str(exc)}
        return {"gpu_name": info.get("gpu_name"), "driver": info.get("driver"),
                "cuda": info.get("cuda") or info.get("torch_cuda"),
                "python": info.get("python"), "libraries": info.get("libraries") or {},
                "torch_cuda": info.get("torch_cuda"), "envinfo": "envinfo.json",
                "environment": info.get("environment")}


def submitit_folder() -> Optional[Path]:
    """The folder of submitit's files of the running job (its logs, pickles), or None where
    this process was not started by submitit."""
    if not os.environ.get("SUBMITIT_FOLDER"):
        return None
    try:
        import submitit
        return Path(submitit.JobEnvironment().paths.folder)
    except Exception:     # not inside a submitit job after all: no link, nothing else lost
        return None


def _claim(jd: JobDir, attempt: int) -> bool:
    """True once per attempt: the job's files record that this attempt started."""
    try:
        fd = os.open(jd.path / f".attempt-{attempt}.started", os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                     0o644)
    except FileExistsError:
        return False
    os.write(fd, f"{socket.gethostname()} {os.getpid()} {now_iso()}\n".encode())
    os.close(fd)
    return True


def run_job(job_dir: str, attempt: int) -> dict:
    """Run one job's stages (the function submitit runs). Returns the final manifest."""
    jd = JobDir(Path(job_dir))
    r = _Runner(jd, attempt)
    status = r.manifest.get("status")
    if status == "COMPLETED":
        print(f"vidbench: {jd.name} already COMPLETED; not running it again", flush=True)
        return r.manifest
    last = jd.last_attempt()
    if last is not None and last.get("attempt", 0) > attempt:
        print(f"vidbench: {jd.name} attempt {attempt} superseded by attempt "
              f"{last.get('attempt')}; not running", flush=True)
        return r.manifest
    if not _claim(jd, attempt):
        print(f"vidbench: {jd.name} attempt {attempt} already started once (requeued?); "
              f"`resume` submits a new attempt", flush=True)
        return r.manifest
    folder = submitit_folder()
    if folder is not None:       # jobs/<name>/submitit -> submitit's files of this attempt
        with contextlib.suppress(OSError):
            jd.link_submitit(folder)
    old = {s: signal.signal(s, r.on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        return _run(r)
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def _run(r: _Runner) -> dict:
    plan = r.plan
    started = time.time()
    r.save(status="RUNNING", started=now_iso(), finished=None, exit_status=None, reason=None,
           host=socket.gethostname(), slurm_job_id=slurm_job_id(), attempt=r.attempt,
           pid=os.getpid(), executor=plan["executor"])
    r.save(**r.envinfo())
    if plan.get("checkout"):
        head = git_head(plan["checkout"])
        r.save(checkout_head=head["head"], checkout_dirty_files=head["dirty_files"])
        problem = verify_checkout(plan["checkout"], plan["commit"], plan.get("outputs", ()))
        if problem:
            r.save(status="FAILED", reason=f"pin check refused: {problem}", exit_status=None,
                   finished=now_iso())
            print(f"vidbench: {r.manifest['reason']}", file=sys.stderr, flush=True)
            return r.manifest
    deadline = started + plan["time_limit_s"] if plan["executor"] == "local" else None
    rc, why = 0, None
    for stage in plan["stages"]:
        if r.terminated or (plan["executor"] == "local" and r.cancelled()):
            why = why or ("CANCELLED" if r.cancelled() else None)
            break
        rc, why = r.run_stage(stage, deadline)
        if why == "MAX_ITERS" and not r.terminated:   # stopped on purpose: a complete stage
            rc, why = 0, None
            continue
        if rc != 0 or why or r.terminated:
            break
    if why == "REFUSED":
        status = "FAILED"
        reason = next(rec["refused"] for rec in r.manifest["stages"] if rec.get("refused"))
    elif why == "TIMEOUT":
        status, reason = "TIMEOUT", f"time limit of {plan['time_limit_s'] // 60} min reached"
    elif why == "CANCELLED" or (r.terminated and r.cancelled()):
        status, reason = "CANCELLED", "cancelled by `cancel`"
    elif r.terminated:
        status, reason = "FAILED", (f"terminated by {r.terminated} (cancelled or out of time: "
                                    f"`status` asks the scheduler)")
    elif rc != 0:
        status, reason = "FAILED", f"stage exited with status {rc}"
    else:
        status, reason = "COMPLETED", None
    r.save(status=status, reason=reason, exit_status=rc, finished=now_iso())
    return r.manifest


def run_sequence(job_dirs_attempts: list, queue: bool = False) -> list:
    """Local executor: run jobs one after another (timings on a shared CPU stay honest).

    ``queue``: the runners of one submission all get the same ordered list of its jobs, and
    each takes the next one no runner has claimed (``sweepdir.claim``), so a runner never idles
    while jobs wait. Dealt to the runners in turn instead, shares of unequal length left one
    runner alone for the last 70 s of the demo's 9 minutes.

    A job folder deleted before or while its job runs ends that job only ("VANISHED"): the
    runner goes on with the next, so one `rm -r` does not leave the rest of the sweep LOST."""
    out = []
    runner = os.environ.get("SUBMITIT_LOCAL_JOB_ID") or str(os.getpid())
    for job_dir, attempt in job_dirs_attempts:
        jd = JobDir(Path(job_dir))
        if queue and not claim(jd.path.parent.parent, jd.name, attempt, runner):
            continue            # another runner has it
        if not jd.plan_json.is_file():
            print(f"vidbench: {jd.path} is gone (deleted?); skipping it", flush=True)
            out.append("VANISHED")
            continue
        try:
            out.append(_run_one(jd, attempt))
        except OSError as exc:
            if jd.plan_json.is_file():
                raise
            print(f"vidbench: {jd.path} vanished while its job ran ({exc}); going on with the "
                  f"next job", flush=True)
            out.append("VANISHED")
    return out


def _run_one(jd: JobDir, attempt: int) -> Optional[str]:
    """One job of a local runner's sequence; its final status."""
    if (jd.path.parent.parent / "CANCEL").exists():
        m = read_json(jd.manifest_json) or {}
        if m.get("status") in ("PENDING", None):
            m.update(status="CANCELLED", reason="cancelled by `cancel` before it started",
                     finished=now_iso())
            atomic_write_json(jd.manifest_json, m)
        return m.get("status")
    return run_job(str(jd.path), attempt).get("status")


def main(argv=None) -> int:
    """``python -m orchestrator.job.jobrun JOB_DIR ATTEMPT``: run a prepared job by hand."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: python -m orchestrator.job.jobrun JOB_DIR ATTEMPT", file=sys.stderr)
        return 2
    m = run_job(argv[0], int(argv[1]))
    return 0 if m.get("status") == "COMPLETED" else 1


if __name__ == "__main__":
    sys.exit(main())
