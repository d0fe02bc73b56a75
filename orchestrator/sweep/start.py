"""Starting a sweep: specs expanded into jobs, their checkouts and environments prepared, each
job's folder written (``command.sh``, ``plan.json``, ``job.json``) and the whole submitted.

``--dry-run`` prints what would be written and submitted, and writes nothing.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from orchestrator.errors import UserError
from orchestrator.fileio import atomic_write_json, atomic_write_text, repo_slug
from orchestrator.spec.guards import comment_text, control_problem, probe_escapes
from orchestrator.job import jobplan
from orchestrator.sweep.executors import (VIDBENCH_ROOT, SlurmExecutor, sbatch_script,
                                          slurm_parameters)
from orchestrator.sweep.sweepdir import JobDir, SweepDir, default_sweep_root, now_iso
from orchestrator.sweep.options import log, SweepOptions
from orchestrator.sweep.submit import submit


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
    from orchestrator.sweep.sweepdir import stage_dir_name
    if not getattr(job, "probe", True):
        return {}
    out = {}
    for st in job.stages:
        reasons = probe_escapes(st.command, st.env)
        if reasons:
            out[stage_dir_name(st.name)] = reasons
    return out


def expand_specs(paths, opts: SweepOptions) -> Expanded:
    from orchestrator.spec.expand import expand, unsupported as unsupported_entries
    from orchestrator.spec.load import load_spec
    check_options(opts)
    specs = [load_spec(path) for path in paths]
    check_set_variables(specs, opts.variables)
    variables = {**os.environ, **opts.variables}
    jobs, files, unsupported, seen = [], [], 0, {}
    for path, spec in zip(paths, specs):
        data = Path(path).read_bytes()
        files.append({"path": str(Path(path).resolve()), "sha256": hashlib.sha256(data).hexdigest(),
                      "table": spec.table})
        unsupported += len(unsupported_entries(spec))
        for job in expand(spec, repeats=opts.repeats, only=opts.only, variables=variables):
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
    from orchestrator.sweep.checkout import Checkouts
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
