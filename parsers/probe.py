"""Records of vidbench's timing probe: ``python -m parsers.probe DIR_OR_FILE``.

Why: BSN and BMN print no per-iteration time, and the frameworks that do print different
things (a window mean, one iteration). The probe (``python -m orchestrator probe --out DIR --
COMMAND``, docs/DESIGN.md section 4) marks every training step from inside the process and
writes ``DIR/probe-<host>-<pid>.jsonl``; this module turns those files into the same figures.

- A record is a ``{"kind": "iter", ...}`` line: ``i`` (1-based step count of the process) is its
  position, ``dt`` (seconds since the previous mark) its time, ``mem_gb`` the GPU peak (GiB,
  null on the CPU). The first mark of a process has ``dt`` null: iteration 1 has no time and is
  not a record (it is inside the warm-up anyway).
- Several processes (one file each, e.g. one per GPU rank): **each process is a run**. Its first
  ``skip`` iterations are warm-up; the figure pools the kept ``dt`` of all processes (with ranks
  in lock-step this is the mean step time; per-run figures show each process). Files without any
  iter record (data-loader workers, helper interpreters) are not runs.
- A directory is read as every ``probe-*.jsonl`` in it, in name order; a single ``.jsonl`` file
  works too. ``error`` and ``footer`` lines are reported as warnings.
"""
import glob
import json
import os
import sys

from parsers import core
from parsers import fastpath as fp

MARK = b'"kind": "iter"'
_RSS = b'"rss_gb": '


def _last_rss(buf: bytes):
    """``rss_gb`` of the chunk's last iter record, or None. It is the process's peak RSS (CPU
    memory, GiB; ``ru_maxrss``), which only grows within a process, so the last one of each file
    is its peak: the summary's ``max_rss_gb`` costs a backward search per chunk, in the same
    reading (collect need not read the probe files again)."""
    k = buf.rfind(_RSS)
    while k >= 0:
        start = buf.rfind(b"\n", 0, k) + 1
        if buf.startswith(MARK, start + 1):
            end = buf.find(b"\n", k)
            v = core.json_field(buf[k:end if end >= 0 else len(buf)], _RSS)
            v = None if v is None else core.fnum(v.strip())
            return None if v is None or v != v else v
        k = buf.rfind(_RSS, 0, start)
    return None


def probe_files(path: str) -> list:
    return sorted(glob.glob(os.path.join(glob.escape(path), "probe-*.jsonl")))


def _num(l: bytes, key: bytes):
    raw = core.json_field(l, key)
    if raw is None:
        return None
    raw = raw.strip()
    return None if raw == b"null" else core.fnum(raw)


# the probe's own record layout, for the C fast path (parsers/fastpath.py)
FAST = fp.Program(MARK, (
    fp.before(b"{"), fp.lit(b', "i": '), fp.integer(fp.ITER, b","), fp.lit(b', "t": '), fp.skip_to(b","), fp.lit(b', "dt": '),
    fp.number(fp.TIME, b","), fp.lit(b', "mem_gb": '), fp.number(fp.MEM, b",}", null=True)),
    cr_ends=False, n_is_iter=True, every_line=True)


def scan(src: core.Source, col: core.Collector) -> None:
    acc = col.sink()
    for buf, line, _ in src.chunks():
        rss = _last_rss(buf)
        if rss is not None and rss > col.extra.get("max_rss_gb", -1.0):
            col.extra["max_rss_gb"] = round(rss, 4)
        if acc.cur is not None and not acc.keep_records and core.bulk_lines(buf, line, acc, (FAST,)):
            continue
        for l in buf.split(b"\n"):
            if MARK in l:
                i = _num(l, b'"i": ')
                dt = _num(l, b'"dt": ')
                if i is None:
                    col.warn(f"{os.path.basename(src.path)}: line {line}: iter record without `i`: not counted")
                elif dt is not None:
                    acc.record(line, None, int(i), None, dt, None, _num(l, b'"mem_gb": '), 1)
            elif b'"kind"' in l:
                if b'"kind": "error"' in l or b'"kind":"error"' in l:
                    try:
                        what = json.loads(l).get("error", "")
                    except ValueError:
                        what = ""
                    col.warn(f"{os.path.basename(src.path)}: line {line}: probe error {str(what)[:120]}")
                elif b'"kind": "iter"' not in l and b'"kind":"iter"' in l:
                    d = json.loads(l)
                    if d.get("dt") is not None:
                        acc.record(line, None, int(d["i"]), None, float(d["dt"]), None, d.get("mem_gb"), 1)
            line += 1


def sniff(head: bytes) -> int:
    return 10 if head.lstrip().startswith(b'{"kind": "header"') or (head[:1] == b"{" and MARK in head) else 0


FORMAT = core.Format(name="probe-jsonl", time_field="dt",
                     time_meaning="wall time between two consecutive training-step marks of one process "
                                  "(one iteration: data + step), measured by vidbench's probe",
                     marker=MARK, sniff=sniff, scan=scan, json_lines=True,
                     expects='{"kind": "iter", "i": I, ..., "dt": seconds, ...} lines (the first mark of '
                             'a process has "dt": null and is no record)')
FRAMEWORK = core.Framework(name="probe", title="vidbench probe", formats=[FORMAT])


def analyse(path: str, skip: int = core.DEFAULT_SKIP, keep_records: bool = False,
            framework: core.Framework = FRAMEWORK, trace: bool = False) -> core.ParsedLog:
    """Probe records of a directory (one file per process) or of one .jsonl file."""
    if os.path.isdir(path):
        files = probe_files(path)
        if not files:
            raise core.LogError(f"{path}: no probe-*.jsonl files in this directory; run the training under "
                                f"the probe: python -m orchestrator probe --out {path} -- COMMAND")
        for f in files:
            core.read_head(f, 4096) if os.path.getsize(f) else None
        return core.run_format(path, framework, FORMAT, skip, keep_records, files=files, trace=trace)
    head = core.read_head(path)
    if not sniff(head):
        raise core.LogError(f"{path}: not a vidbench probe file (no {{\"kind\": \"header\"}} first line); "
                            "give a probe directory or its probe-*.jsonl file")
    return core.run_format(path, framework, FORMAT, skip, keep_records, files=[path], trace=trace)


FRAMEWORK.analyse = analyse


def main(argv=None) -> int:
    return core.main("python -m parsers.probe", __doc__,
                     lambda path, skip, keep: analyse(path, skip, keep), argv)


if __name__ == "__main__":
    sys.exit(main())
