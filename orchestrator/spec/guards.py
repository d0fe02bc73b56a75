"""Checks against hostile or mistaken input, shared by spec loading, job planning and submission.

Why one module: the same few rules must hold wherever a value crosses into something that
interprets it (a bash script, an ``#SBATCH`` line, a path under the job's folder), and a rule
written twice drifts. Each rule is a small pure function; the callers decide how to report
(``SpecError`` with ``file:line`` in the spec, ``UserError`` on the command line).

- Script text: a value written into ``command.sh`` is either shell-quoted (commands,
  variables: :func:`shlex.quote` keeps any character, a quoted newline included) or sits in a
  comment or an ``#SBATCH`` line, where a newline would end the line and start a command. Such
  values must hold no control character (:func:`control_problem`); comments are rendered by
  :func:`comment_text`, which escapes what would break them whatever its caller checked.
- Paths a job writes or reads back (``workdir``, ``stdout``, ``outputs``, ``log_globs``): relative
  and without ``..``, checked on the final text, after ``${VAR}`` substitution and ``--set``
  (:func:`confinement_problem`).
- Numbers: finite and inside bounds a real cluster can have (:func:`number_problem`).
- The probe: a command that starts Python so that the probe's ``sitecustomize`` is never
  imported (own ``PYTHONPATH``, ``python -I``/``-S``/``-E``) is flagged (:func:`probe_escapes`).
"""
from __future__ import annotations

import math
import posixpath
import re
from typing import Iterable, Mapping, Optional

CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
_CONTROL_NAMES = {"\n": "a newline", "\r": "a carriage return", "\t": "a tab", "\x00": "a NUL"}

# Bounds no real benchmark reaches; past them a value is a typo or an attack (a job array of
# 10**20 tasks, a dry run that never ends).
MAX_REPEATS = 100
MAX_GPUS = 65536                  # per cell (the page's largest is 8x8)
MAX_BATCH_PER_GPU = 65536
MAX_TIME_LIMIT_MIN = 366 * 24 * 60
MAX_RESOURCE = {"gpus_per_node": 1024, "cpus_per_task": 4096, "mem_gb": 1 << 20}
MAX_ITERATIONS = 10 ** 9


def control_problem(value) -> Optional[str]:
    """None, or which control character ``value`` holds (one that could end a script line)."""
    m = CONTROL_RE.search(str(value))
    if not m:
        return None
    ch = m.group(0)
    return f"{_CONTROL_NAMES.get(ch, 'a control character')} ({ch!r} at offset {m.start()})"


def comment_text(text) -> str:
    """``text`` made safe for one ``#`` comment line: control characters written as escapes."""
    return CONTROL_RE.sub(lambda m: repr(m.group(0))[1:-1], str(text))


def confinement_problem(path: str) -> Optional[str]:
    """None where ``path`` (relative to a job's folder or working dir) stays inside it, else
    why not. Checked on the final text: after ``${VAR}`` substitution and ``--set``."""
    text = str(path)
    if not text.strip():
        return "is empty"
    bad = control_problem(text)
    if bad:
        return f"holds {bad}"
    if text.startswith(("/", "~")) or posixpath.isabs(text):
        return "is absolute (it must be relative to the job's working dir)"
    if ".." in text.split("/"):
        return "uses '..' (it must stay inside the job's working dir)"
    return None


def number_problem(value, low: float = 0, high: Optional[float] = None,
                   low_inclusive: bool = False) -> Optional[str]:
    """None for a finite real number in (low, high] (``[low, high]`` with ``low_inclusive``),
    else why not. NaN fails every comparison, so it is refused by name (``v < 0`` is False)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"is not a number ({value!r})"
    if isinstance(value, float) and not math.isfinite(value):
        return f"is not finite ({value!r})"
    if value < low or (value == low and not low_inclusive):
        return f"must be {'at least' if low_inclusive else 'more than'} {low:g}, not {value!r}"
    if high is not None and value > high:
        return f"must be at most {high:g}, not {value!r}"
    return None


_PYTHON_RE = re.compile(r"^python(\d+(\.\d+)*)?[a-z]?$")
# interpreter options that skip the probe: -I (isolated: no PYTHONPATH, no site), -S (no site
# module, so no sitecustomize), -E (PYTHONPATH ignored)
_ESCAPING_FLAGS = {"I": "-I (isolated mode)", "S": "-S (no site module)",
                   "E": "-E (PYTHONPATH ignored)"}
_FLAGS_WITH_VALUE = set("cmWXQ")


def _python_flags(argv: list) -> list:
    """The escaping interpreter options of a ``python ...`` argv (up to the script or -c/-m)."""
    found = []
    for arg in argv[1:]:
        if not arg.startswith("-") or arg in ("-", "--"):
            break
        if arg.startswith("--"):
            continue
        for ch in arg[1:]:
            if ch in _ESCAPING_FLAGS:
                found.append(_ESCAPING_FLAGS[ch])
            if ch in _FLAGS_WITH_VALUE:
                return found
    return found


def probe_escapes(command: Iterable[str], env: Mapping[str, str] = None) -> list:
    """Why the timing probe would not start in this command (empty: it starts).

    The probe is a ``sitecustomize`` first on ``PYTHONPATH`` (DESIGN.md §4); a stage ``env:``
    or an ``env NAME=...`` prefix that sets ``PYTHONPATH`` replaces it (command.sh quotes the
    value, so a ``$PYTHONPATH`` inside stays literal text), and ``python -I``/``-S``/``-E``
    never read it. Static: a setup script or a wrapper that does the same is only seen at run
    time (no probe records)."""
    argv = [str(a) for a in command]
    out = []
    if "PYTHONPATH" in dict(env or {}):
        out.append("its env: sets PYTHONPATH")
    i = 0
    while i < len(argv):
        base = posixpath.basename(argv[i])
        if base == "env" or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", argv[i]):
            if argv[i].startswith("PYTHONPATH="):
                out.append("the command sets PYTHONPATH itself")
            if base == "env" and i + 1 < len(argv) and argv[i + 1] in ("-i", "--ignore-environment"):
                out.append("`env -i` clears the environment")
            i += 1
            continue
        if _PYTHON_RE.fullmatch(base):
            out += [f"python {flag}" for flag in _python_flags(argv[i:])]
        break
    return out
