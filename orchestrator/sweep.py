"""Sweeps: expand specs into job folders, submit them, and later tell (and fix) what became of
them, from the plain files of the sweep folder and the scheduler, in any process.

Why this is careful: a sweep is hours of cluster time, and the submitting process may be killed
at any moment. So every submission is written down *before* ``sbatch`` (an intent with the
Slurm job name of its array) and completed after; ``resume`` finds the ids of an interrupted
submission by that name instead of submitting again; a job whose manifest says COMPLETED is
never submitted again; a job folder refuses to be written twice.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from orchestrator.job import jobplan, jobrun
from orchestrator.errors import UserError
from orchestrator.guards import comment_text, control_problem, probe_escapes
from orchestrator.executors import (VIDBENCH_ROOT, LocalExecutor, SlurmExecutor, SlurmOptions,
                                    group_alike, sbatch_script, slurm_parameters)
from orchestrator.fileio import atomic_write_json, atomic_write_text, read_json, repo_slug
from orchestrator.sweepdir import (FINAL_STATES, JobDir, SweepDir, default_sweep_root, last_of,
                                   now_iso)

# fault injection for the tests of interrupted submissions (named as such; off unless set)
FAULT_SLEEP_AFTER_SBATCH = "VIDBENCH_TEST_SLEEP_AFTER_SBATCH"
RESUBMIT_STATES = ("FAILED", "CANCELLED", "TIMEOUT", "UNSUBMITTED", "LOST")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass
class SweepOptions:
    partition: str = "gpu"
    executor: str = "slurm"
    repeats: int = 1
    only: Optional[str] = None
    out: Optional[Path] = None
    account: Optional[str] = None
    qos: Optional[str] = None
    constraint: Optional[str] = None
    slurm_args: dict = field(default_factory=dict)
    variables: dict = field(default_factory=dict)       # --set NAME=VALUE
    cache_dir: Optional[Path] = None
    bundle_dirs: list = field(default_factory=list)
    mirrors: dict = field(default_factory=dict)
    probe: bool = True
    array_parallelism: int = 256
    local_parallel: int = 1         # local executor: jobs at once (1: one after another)
    cpu_only: bool = False
    results_dir: Path = Path("results")

    def slurm(self) -> SlurmOptions:
        return SlurmOptions(partition=self.partition, account=self.account, qos=self.qos,
                            constraint=self.constraint, extra=dict(self.slurm_args),
                            array_parallelism=self.array_parallelism, cpu_only=self.cpu_only)

    def to_json(self) -> dict:
        d = dataclasses.asdict(self)
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in d.items()}

    @classmethod
    def from_json(cls, d: dict) -> "SweepOptions":
        known = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        for k in ("out", "cache_dir", "results_dir"):
            if kw.get(k) is not None:
                kw[k] = Path(kw[k])
        return cls(**kw)


# --------------------------------------------------------------------------- expanding


@dataclass
class Expanded:
    jobs: list
    spec_files: list          # [{"path", "sha256", "table"}]
    unsupported: int


def check_options(opts: SweepOptions) -> None:
    """Refuse folder paths that would end a line of a generated script (sbatch's ``--output``
    lines hold the sweep folder; command.sh's comments and the setup lines hold the cache)."""
    for what, value in (("--out", opts.out), ("--cache", opts.cache_dir),
                        ("results folder", opts.results_dir)):
        bad = control_problem(value) if value is not None else None
        if bad:
            raise UserError(f"{what} {str(value)!r} holds {bad}; choose a plain folder name")


def check_set_variables(specs: list, given: dict) -> None:
    """``--set NAME=VALUE`` must name a variable some spec declares (a typo would otherwise run
    with the default), and must not be empty (an empty data root turns ``${ROOT}/x`` into
    ``/x``; leave the --set out to get the default)."""
    declared = {}
    for spec in specs:
        for name, var in spec.variables.items():
            declared.setdefault(name, var)
    for name, value in given.items():
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise UserError(f"--set {name}=...: no spec declares the variable {name} "
                            f"(declared: {known})")
        if value == "":
            default = declared[name].default
            raise UserError(f"--set {name}= gives an empty value; give one, or leave the --set "
                            f"out to use the default ({default!r})" if default is not None else
                            f"--set {name}= gives an empty value; {name} needs one")


def warn_probe_escapes(jobs, opts: SweepOptions) -> None:
    """Say, at sweep time, which jobs run a command the timing probe cannot enter (their
    manifests carry the same list as ``probe_escapes``)."""
    if not opts.probe:
        return
    for job in jobs:
        for stage, reasons in job_probe_escapes(job).items():
            log(f"warning: {job.name} stage {stage}: the timing probe will not start "
                f"({'; '.join(reasons)}): no probe figures for this job")


def job_probe_escapes(job) -> dict:
    """{stage folder: [why the probe cannot start]} of a job run under the probe."""
    from orchestrator.sweepdir import stage_dir_name
    if not getattr(job, "probe", True):
        return {}
    out = {}
    for st in job.stages:
        reasons = probe_escapes(st.command, st.env)
        if reasons:
            out[stage_dir_name(st.name)] = reasons
    return out


def expand_specs(paths, opts: SweepOptions) -> Expanded:
    from orchestrator import spec as specmod
    check_options(opts)
    specs = [specmod.load_spec(path) for path in paths]
    check_set_variables(specs, opts.variables)
    variables = {**os.environ, **opts.variables}
    jobs, files, unsupported, seen = [], [], 0, {}
    for path, spec in zip(paths, specs):
        data = Path(path).read_bytes()
        files.append({"path": str(Path(path).resolve()), "sha256": hashlib.sha256(data).hexdigest(),
                      "table": spec.table})
        unsupported += len(specmod.unsupported(spec))
        for job in specmod.expand(spec, repeats=opts.repeats, only=opts.only, variables=variables):
            if job.name in seen:
                raise UserError(f"{path}: job {job.name} is also made by {seen[job.name]}; "
                                f"give each spec a different table or cell ids")
            seen[job.name] = path
            jobs.append(job)
    if not jobs:
        what = f" matching --only {opts.only!r}" if opts.only else ""
        raise UserError(f"no job to run in {', '.join(map(str, paths))}{what}")
    warn_probe_escapes(jobs, opts)
    return Expanded(jobs, files, unsupported)


def checkouts_for(opts: SweepOptions):
    from orchestrator.checkout import Checkouts
    cache = opts.cache_dir or Path(os.environ.get("VIDBENCH_CACHE", VIDBENCH_ROOT / ".cache" /
                                                  "checkouts"))
    bundles = list(opts.bundle_dirs)
    if not bundles:
        default = VIDBENCH_ROOT.parent / "shared" / "frameworks"
        if default.is_dir():
            bundles = [default]
    return Checkouts(Path(cache), bundle_dirs=[Path(b) for b in bundles], mirrors=opts.mirrors)


def source_key(source) -> tuple:
    return (source.repo, source.commit, source.bundle, source.package)


def prepare_checkouts(jobs, opts: SweepOptions) -> dict:
    """Pinned, verified worktrees of every source the jobs use (refuses on a bad pin)."""
    checkouts = checkouts_for(opts)
    out = {}
    for job in jobs:
        key = source_key(job.source)
        if key in out:
            continue
        if job.source.package and not job.source.commit:
            out[key] = None
            continue
        log(f"checkout {job.source.repo or job.source.bundle} @ {job.source.commit[:12]}")
        outputs = sorted({o for j in jobs if source_key(j.source) == key for o in j.outputs})
        out[key] = Path(checkouts.prepare_source(job.source, allow_untracked=outputs).path)
    return out


def planned_checkout_path(job, opts: SweepOptions) -> Optional[Path]:
    """Where the checkout of a job will be, without creating it (--dry-run)."""
    if job.source.package and not job.source.commit:
        return None
    checkouts = checkouts_for(opts)
    try:
        origin = checkouts.origin(job.source.repo, job.source.bundle)
    except UserError:
        origin = job.source.repo or job.source.bundle or "repo"
    return checkouts.cache_dir / "worktrees" / \
        f"{repo_slug(job.source.repo or origin)}-{job.source.commit[:12]}"


def user_environment_override(environ=None) -> Optional[str]:
    """The variable naming the user's own environment (envs/_common.sh), if one is set: then
    the jobs activate that one and no recipe needs building."""
    environ = os.environ if environ is None else environ
    for name in ("VIDBENCH_ACTIVATE", "VIDBENCH_CONDA_ENV"):
        if environ.get(name):
            return name
    return None


def prepare_environments(jobs, build: bool = True) -> dict:
    """recipe name -> jobplan.EnvRef for every recipe the jobs name, each built first (with
    progress) unless ``build`` is false (a dry run) or the user named their own environment."""
    from orchestrator.envs.build import EnvStore
    names = sorted({j.environment.recipe for j in jobs if j.environment.recipe})
    if not names:
        return {}
    store = EnvStore()
    for name in names:
        if name not in store.recipes:
            users = sorted({j.framework for j in jobs if j.environment.recipe == name})
            raise UserError(f"no environment recipe {name!r} in {store.recipes_dir} (named by "
                            f"framework {', '.join(users)}; known: {', '.join(sorted(store.recipes))})")
    override = user_environment_override()
    if build and override:
        log(f"{override} is set: the jobs activate that environment; recipes "
            f"{', '.join(names)} are not built")
    if build and not override:
        from orchestrator.envs.build import DEFAULT_PARALLEL
        store.build_many(names, parallel=DEFAULT_PARALLEL, progress=log)
    return {name: jobplan.EnvRef(name, store.hash_of(name), store.path_of(name))
            for name in names}


# --------------------------------------------------------------------------- planning


def plan_job(job, opts: SweepOptions, job_dir: Path, checkout: Optional[Path],
             env_refs: Optional[dict] = None):
    recipe = job.environment.recipe
    if recipe and env_refs is None:
        env_refs = prepare_environments([job], build=False)
    ctx = jobplan.PlanContext(executor=opts.executor, vidbench_root=VIDBENCH_ROOT,
                              job_dir=job_dir, checkout=checkout,
                              probe=opts.probe and getattr(job, "probe", True),
                              env_ref=(env_refs or {}).get(recipe) if recipe else None)
    plan = jobplan.render_plan(job, ctx)
    params = slurm_parameters(job, opts.slurm(), job_name="vidbench")
    plan["slurm_params"] = {k: v for k, v in params.items() if k != "job_name"}
    plan["initial_manifest"] = jobplan.initial_manifest(job, ctx)
    if ctx.probe:   # flagged in the manifest: collect and report can say why no probe figure
        plan["initial_manifest"]["probe_escapes"] = job_probe_escapes(job)
    return plan, jobplan.render_command_sh(job, ctx)


def dry_run(paths, opts: SweepOptions, out=sys.stdout) -> int:
    """Print the sbatch script and command.sh of every job; create and submit nothing."""
    ex = expand_specs(paths, opts)
    root = Path(opts.out or default_sweep_root(opts.results_dir, []))
    n = len(ex.jobs)
    env_refs = prepare_environments(ex.jobs, build=False)
    for i, job in enumerate(ex.jobs, 1):
        job_dir = root / "jobs" / job.name
        plan, script = plan_job(job, opts, job_dir, planned_checkout_path(job, opts), env_refs)
        print(f"# ==== job {i}/{n}: {job.name} ({job.status}) ====", file=out)
        if opts.executor == "slurm":
            params = {**plan["slurm_params"], "job_name": job.name}
            params["setup"] = list(params.get("setup") or []) + [
                comment_text(f"# vidbench runs, for each stage: bash {job_dir / 'command.sh'} "
                             f"STAGE")] + [
                comment_text(f"# stage {st['dir']}: {st['shell_command']}")
                for st in plan["stages"]]
            print(sbatch_script(params, root / "submitit" / "BATCH"), file=out)
        print(f"# ---- {job_dir / 'command.sh'} ----", file=out)
        print(script, file=out)
    log(f"dry run: {n} job(s) from {len(paths)} spec file(s), {ex.unsupported} unsupported "
        f"cell(s) not submitted; nothing was created or submitted")
    return 0


def write_job(sweep: SweepDir, job, opts: SweepOptions, checkout: Optional[Path],
              env_refs: Optional[dict] = None) -> JobDir:
    jd = sweep.job(job.name)
    jd.path.mkdir()          # exists already: refuse (a job folder is written once)
    plan, script = plan_job(job, opts, jd.path, checkout, env_refs)
    atomic_write_json(jd.job_json, job.to_dict(), fsync=False)
    atomic_write_json(jd.plan_json, plan, fsync=False)
    atomic_write_text(jd.command_sh, script, fsync=False)
    atomic_write_json(jd.manifest_json, plan["initial_manifest"], fsync=False)
    return dataclasses.replace(jd, plan=plan)     # submit() needs not read plan.json back


def vidbench_commit() -> Optional[str]:
    r = subprocess.run(["git", "-C", str(VIDBENCH_ROOT), "rev-parse", "HEAD"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return r.stdout.strip() or None


def start_sweep(paths, opts: SweepOptions) -> SweepDir:
    """Expand, check out, write the sweep folder and submit; returns without waiting."""
    if opts.executor == "slurm":
        why = SlurmExecutor.available()
        if why:
            raise UserError(f"cannot submit to Slurm: {why}; use --executor local, or --dry-run "
                            f"to see the sbatch scripts")
    ex = expand_specs(paths, opts)
    if opts.out:
        SweepDir.refuse_existing(Path(opts.out))     # before the (slow) checkouts
    env_refs = prepare_environments(ex.jobs)          # builds what is missing, with progress
    checkouts = prepare_checkouts(ex.jobs, opts)     # refuses on a bad pin before writing
    tables = sorted({f["table"] for f in ex.spec_files})
    root = Path(opts.out) if opts.out else default_sweep_root(opts.results_dir, tables)
    record = {"created": now_iso(), "spec_files": ex.spec_files, "options": opts.to_json(),
              "argv": sys.argv, "vidbench_commit": vidbench_commit(), "jobs": len(ex.jobs),
              "job_names": [job.name for job in ex.jobs],
              "unsupported_cells": ex.unsupported, "host": os.uname().nodename}
    sweep = SweepDir.create(root, record)
    with sweep.locked():
        dirs = [write_job(sweep, job, opts, checkouts[source_key(job.source)], env_refs)
                for job in ex.jobs]
        submit(sweep, dirs, opts)
    log(f"submitted {len(dirs)} job(s) ({opts.executor}); {ex.unsupported} unsupported cell(s) "
        f"not submitted")
    return sweep


# --------------------------------------------------------------------------- submitting


def _fault_pause() -> None:
    delay = os.environ.get(FAULT_SLEEP_AFTER_SBATCH)
    if delay:
        log(f"fault injection ({FAULT_SLEEP_AFTER_SBATCH}): sleeping {delay} s after sbatch, "
            f"before the job ids are written down")
        time.sleep(float(delay))


def new_batch(executor: str, members: list, attempts: dict, **fields) -> dict:
    """The submission record of ``members`` (JobDirs), each as its next attempt."""
    uid = uuid.uuid4().hex[:10]
    return {"batch": uid, "executor": executor, "submitted": now_iso(),
            "job_id": None, "array": False, "submitit": f"submitit/{uid}",
            "members": [[jd.name, len(attempts.get(jd.name, ())) + 1] for jd in members],
            **fields}


def submit(sweep: SweepDir, dirs: list, opts: SweepOptions) -> None:
    """Submit job folders: Slurm arrays of alike jobs, or local runners.

    Per sbatch, the submission record is written twice (before: the intent, with the array's
    Slurm job name; after: its job id); no file is written per job. What a job needs at run
    time travels in the pickle (its folder and attempt number)."""
    if not dirs:
        return
    sweep.submissions_dir.mkdir(exist_ok=True)     # sweeps made before submission records
    attempts = sweep.attempts()
    if opts.executor == "local":
        return _submit_local(sweep, dirs, attempts, opts.local_parallel)
    slurm = SlurmExecutor(sweep.submitit_dir, opts.slurm())
    for params, members in group_alike([(jd.read_plan()["slurm_params"], jd) for jd in dirs]):
        batch = new_batch("slurm", members, attempts, array=len(members) > 1)
        batch["slurm_job_name"] = name = f"vidbench-{batch['batch']}"
        sweep.write_batch(batch)
        calls = [(str(jd.path), att) for jd, (_, att) in zip(members, batch["members"])]
        ids = slurm.submit(jobrun.run_job, calls, {**params, "job_name": name}, batch["batch"])
        _fault_pause()
        sweep.batch_submitted(batch, ids[0].split("_")[0])
        log(f"sbatch: {len(members)} job(s) as {name} "
            f"({'array ' + batch['job_id'] if batch['array'] else 'job ' + ids[0]})")


def _submit_local(sweep: SweepDir, dirs: list, attempts: dict, parallel: int = 1) -> None:
    """Local executor: ``parallel`` runners, each running its share of the jobs one after
    another (jobs dealt round-robin, so that alike jobs of two frameworks run side by side)."""
    lanes = [dirs[k::parallel] for k in range(max(1, min(parallel, len(dirs))))]
    for lane in lanes:
        batch = new_batch("local", lane, attempts)
        sweep.write_batch(batch)
        total_min = sum(jd.read_plan()["time_limit_s"] // 60 + 1 for jd in lane) + 5
        jid = LocalExecutor(sweep.submitit_dir).submit(
            jobrun.run_sequence, ([(str(jd.path), att) for jd, (_, att)
                                   in zip(lane, batch["members"])],),
            timeout_min=total_min)
        batch["submitit"] = f"submitit/{jid}"
        sweep.write_batch({**batch, "job_id": jid})
        log(f"local runner {jid}: {len(lane)} job(s), one after another")


# --------------------------------------------------------------------------- status


@dataclass
class JobStatus:
    name: str
    state: str
    reason: Optional[str] = None
    job_id: Optional[str] = None
    attempt: Optional[int] = None
    executor: Optional[str] = None
    host: Optional[str] = None
    started: Optional[str] = None
    finished: Optional[str] = None
    exit_status: Optional[int] = None

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES


def combine(manifest: dict, attempt: Optional[dict], sched, runner_alive: Optional[bool],
            cancel_requested: bool, damaged: Optional[str] = None) -> tuple:
    """(state, reason) of a job from its manifest (what the job wrote), its last submission
    and what the scheduler says. Pure; the rules are the spec of `status`.

    ``damaged``: why the manifest cannot be trusted (missing, not JSON, unknown status) while
    the job's own outputs (logs, probe records) show it ran: unless it is still live, it is
    INSPECT, never resubmitted (a rerun could overwrite a finished result)."""
    if damaged:
        live = runner_alive if attempt and attempt.get("executor") == "local" else \
            sched is not None and sched.state in ("PENDING", "RUNNING")
        if live:
            return (sched.state if sched is not None else "RUNNING"), damaged
        return "INSPECT", (f"{damaged}, but the job left logs or probe records: inspect it; "
                           f"resume does not rerun it (restore manifest.json, or delete the "
                           f"job's logs/ and probe/ to let resume rerun it)")
    mstate = manifest.get("status") or "PENDING"
    mreason = manifest.get("reason")
    if mstate == "COMPLETED":
        return "COMPLETED", None
    if attempt is None:
        return "UNSUBMITTED", "never submitted (the submitting process stopped first)"
    if attempt.get("job_id") is None:
        return "SUBMITTING", "interrupted while submitting; `resume` looks it up by name"
    if attempt.get("executor") == "local":
        if mstate in FINAL_STATES:
            return mstate, mreason
        if runner_alive:
            return mstate, mreason
        if cancel_requested:
            return "CANCELLED", "cancelled by `cancel`"
        return "LOST", f"the local runner ({attempt.get('job_id')}) is gone"
    if sched is None:      # accounting has not caught up yet: trust the job's own record
        return mstate, mreason
    if sched.state in ("PENDING", "RUNNING"):
        if mstate in ("FAILED", "TIMEOUT") and manifest.get("finished") and \
                manifest.get("attempt") == attempt.get("attempt"):
            # this attempt's runner judged its own stages (exit status, its time limit) and is
            # exiting; Slurm has not noticed yet. (A cancellation is Slurm's to report.)
            return mstate, mreason
        return sched.state, None
    if sched.state in ("CANCELLED", "TIMEOUT"):
        return sched.state, f"Slurm: {sched.raw}"
    if sched.state == "FAILED":
        if mstate == "FAILED":
            return "FAILED", mreason or f"Slurm: {sched.raw}"
        return "FAILED", f"Slurm: {sched.raw} (exit {sched.exit_code})"
    # Slurm says COMPLETED: the job runner ended; its manifest says how the stages went
    if mstate in FINAL_STATES:
        return mstate, mreason
    return "FAILED", "the job ended without recording a result (see stdout.log, submitit/)"


KNOWN_STATES = ("PENDING", "RUNNING") + FINAL_STATES
# states of a job that `wait` stops waiting for without their being final
SETTLED_STATES = ("UNSUBMITTED", "SUBMITTING", "LOST", "INSPECT", "MISSING")


def job_outputs(jd: JobDir) -> list:
    """The job's own results on disk: copied-back logs and probe records (relative paths)."""
    out = []
    for sub, pattern in (("logs", "*"), ("probe", "*.jsonl")):
        folder = jd.path / sub
        if folder.is_dir():
            out += [str(p.relative_to(jd.path)) for p in folder.rglob(pattern) if p.is_file()]
    return sorted(out)


def read_manifest(jd: JobDir) -> tuple:
    """(manifest dict, None) or ({}, why it cannot be trusted): missing, not JSON, not an
    object, or a status outside the manifest's vocabulary."""
    try:
        m = jd.manifest()
    except UserError as exc:
        return {}, f"manifest.json is not valid JSON ({str(exc).split('(', 1)[-1].rstrip(')?')})"
    if m is None:
        return {}, "manifest.json is missing"
    if not isinstance(m, dict):
        return {}, f"manifest.json holds a JSON {type(m).__name__}, not an object"
    status = m.get("status")
    if status is not None and status not in KNOWN_STATES:
        return m, f"manifest.json has an unknown status {status!r}"
    return m, None


def job_statuses(sweep: SweepDir, write_back: bool = True) -> list:
    dirs = sweep.job_dirs()
    manifests, damaged = {}, {}
    for jd in dirs:
        m, why = read_manifest(jd)
        manifests[jd.name] = m if why is None else {}
        if why is not None and job_outputs(jd):
            damaged[jd.name] = why
    index = sweep.attempts()
    attempts = {jd.name: last_of(index, jd.name) for jd in dirs}
    slurm_ids = [a["job_id"] for n, a in attempts.items()
                 if a and a.get("executor") == "slurm" and a.get("job_id")
                 and manifests[n].get("status") != "COMPLETED"]
    sched = SlurmExecutor.states(slurm_ids) if slurm_ids else {}
    local_alive = {}
    cancel = sweep.cancel_marker.exists()
    out = []
    for jd in dirs:
        m, a = manifests[jd.name], attempts[jd.name]
        alive = None
        if a and a.get("executor") == "local" and a.get("job_id"):
            jid = a["job_id"]
            if jid not in local_alive:
                local_alive[jid] = LocalExecutor.alive(jid)
            alive = local_alive[jid]
        state, reason = combine(m, a, sched.get(a.get("job_id")) if a else None, alive, cancel,
                                damaged.get(jd.name))
        if write_back and state in FINAL_STATES and m.get("status") != "COMPLETED" and \
                (m.get("status") != state or m.get("reason") != reason):
            m = reconcile_manifest(jd, state, reason)
        out.append(JobStatus(name=jd.name, state=state, reason=reason,
                             job_id=a.get("job_id") if a else None,
                             attempt=a.get("attempt") if a else None,
                             executor=a.get("executor") if a else None, host=m.get("host"),
                             started=m.get("started"), finished=m.get("finished"),
                             exit_status=m.get("exit_status")))
    for name in sweep.missing_jobs(index):
        a = last_of(index, name)
        out.append(JobStatus(name=name, state="MISSING", job_id=a.get("job_id") if a else None,
                             attempt=a.get("attempt") if a else None,
                             executor=a.get("executor") if a else None,
                             reason="its folder jobs/" + name + " is gone (deleted?): its results "
                                    "are lost and resume cannot rerun it"))
    return out


def reconcile_manifest(jd: JobDir, state: str, reason: Optional[str]) -> dict:
    """Write the scheduler's verdict into a manifest the job could not finish itself."""
    m = read_manifest(jd)[0]
    if m.get("status") == "COMPLETED":       # never touch a finished result
        return m
    m.update(status=state, reason=reason, finished=m.get("finished") or now_iso())
    atomic_write_json(jd.manifest_json, m)
    return m


def summary(statuses: list) -> str:
    counts = {}
    for s in statuses:
        counts[s.state] = counts.get(s.state, 0) + 1
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))


# --------------------------------------------------------------------------- resume / cancel


def recover_submitting(sweep: SweepDir) -> int:
    """Find, by Slurm job name, the ids of arrays submitted by a process killed before it wrote
    them down; returns how many jobs were recovered."""
    n = 0
    for batch in sweep.batches():
        if batch.get("executor") != "slurm" or batch.get("job_id") is not None:
            continue
        found = SlurmExecutor.find_by_name(batch["slurm_job_name"])
        if not found:
            continue
        main = sorted({j.split("_")[0] for j in found}, key=int)[-1]
        members = batch.get("members") or []
        missing = [i for i in range(len(members))
                   if batch.get("array") and f"{main}_{i}" not in found]
        batch.update(job_id=main, recovered=True, not_found=missing)
        sweep.write_batch(batch)
        n += len(members) - len(missing)
    return n


def archive_attempt(jd: JobDir, a: Optional[dict]) -> None:
    """Move the files of a failed attempt ``a`` (its record, or None) to attempts/<n>/ and
    start a fresh manifest."""
    m = read_manifest(jd)[0]
    if m.get("status") == "COMPLETED":
        raise AssertionError(f"{jd.name}: refusing to archive a COMPLETED result")
    if a is not None:
        dest = jd.path / "attempts" / str(a["attempt"])
        dest.mkdir(parents=True, exist_ok=True)
        for name in ("manifest.json", "stdout.log", "stderr.log", "envinfo.json", "logs",
                     "probe"):
            src = jd.path / name
            if src.exists():
                os.replace(src, dest / name)
        if jd.submitit_link.is_symlink():    # the submission record keeps the job id
            jd.submitit_link.unlink()
    plan = read_json(jd.plan_json)
    atomic_write_json(jd.manifest_json, plan["initial_manifest"])


def resume(sweep: SweepDir) -> tuple:
    """Resubmit what did not finish; returns (resubmitted names, statuses before)."""
    opts = SweepOptions.from_json(sweep.record().get("options", {}))
    with sweep.locked():
        if sweep.cancel_marker.exists():
            sweep.cancel_marker.unlink()
        recovered = recover_submitting(sweep)
        if recovered:
            log(f"recovered the Slurm ids of {recovered} job(s) of an interrupted submission")
        statuses = job_statuses(sweep)
        index = sweep.attempts()
        todo = []
        for st in statuses:
            if st.state in RESUBMIT_STATES or st.state == "SUBMITTING":
                jd = sweep.job(st.name)
                if st.state != "UNSUBMITTED":
                    archive_attempt(jd, last_of(index, st.name))
                todo.append(jd)
        submit(sweep, todo, opts)
    return [jd.name for jd in todo], statuses


def cancel(sweep: SweepDir) -> list:
    """Cancel every job of the sweep that has not ended; returns their names."""
    with sweep.locked():
        sweep.cancel_marker.touch()
        recover_submitting(sweep)
        statuses = job_statuses(sweep, write_back=False)
        live = [s for s in statuses if not s.final]
        slurm_ids = [s.job_id for s in live if s.executor == "slurm" and s.job_id]
        SlurmExecutor.cancel(slurm_ids)
        for s in live:      # jobs that never started: nothing will ever write their manifest
            if s.state in ("UNSUBMITTED", "SUBMITTING"):
                reconcile_manifest(sweep.job(s.name), "CANCELLED", "cancelled by `cancel`")
    return [s.name for s in live]


def wait(sweep: SweepDir, poll_s: float = 2.0, progress: bool = True) -> list:
    """Block until every job has ended, showing a progress bar; returns the final statuses.

    On a terminal the bar redraws in place; where stderr is a file or a pipe (``make demo | tee``,
    a CI log) a redraw is a new line, so there one line is written only when the jobs' states
    change."""
    from tqdm import tqdm
    statuses = job_statuses(sweep)
    tty = progress and sys.stderr.isatty()
    bar = tqdm(total=len(statuses), unit="job", desc="sweep", file=sys.stderr,
               disable=not tty, dynamic_ncols=True)
    t0, done, said = time.time(), 0, None
    try:
        while True:
            n = sum(s.final or s.state in SETTLED_STATES for s in statuses)
            bar.update(n - done)
            done = n
            state = summary(statuses)
            bar.set_postfix_str(state, refresh=True)
            if progress and not tty and state != said:
                print(f"sweep: {n}/{len(statuses)} ended after {time.time() - t0:.0f} s "
                      f"[{state}]", file=sys.stderr, flush=True)
                said = state
            if n == len(statuses):
                return statuses
            # sacct trails squeue by seconds: poll fast first, then gently
            time.sleep(min(poll_s, 0.5 + (time.time() - t0) / 20))
            statuses = job_statuses(sweep)
    finally:
        bar.close()
