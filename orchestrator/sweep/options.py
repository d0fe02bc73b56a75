"""A sweep's options (what ``python -m orchestrator sweep`` was given, kept in the sweep
folder for ``resume``), the states a resume resubmits, and the one log line helper.

Why this is careful: a sweep is hours of cluster time, and the submitting process may be killed
at any moment. So every submission is written down *before* ``sbatch`` (an intent with the
Slurm job name of its array) and completed after; ``resume`` finds the ids of an interrupted
submission by that name instead of submitting again; a job whose manifest says COMPLETED is
never submitted again; a job folder refuses to be written twice.
"""
from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from orchestrator.sweep.executors import SlurmOptions


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
