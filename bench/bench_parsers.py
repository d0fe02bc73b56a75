"""``python -m bench parsers``: how fast and lean the log parsers are, against baselines.

Why: a sweep's logs can be large (a long PySlowFast stdout, a year of appended mmcv logs) and
the parsers run on every collect. For each log format this generates a ~200 MB log
(``VIDBENCH_BENCH_MB`` changes the size; files are cached in ``bench/out/parsers/``), then
measures, in the same run and each in a fresh subprocess:

- ``grep -c MARKER`` (the floor: counting the record lines),
- a naive parser: Python reading line by line, decoding, ``json.loads`` of each record (JSON
  formats) or one regex search per field (text formats),
- ``python -m parsers.<framework> --json`` (the real CLI, start-up included),

and prints (CPU time of each child, user + system: stable on a shared machine) the parser's
time as a ratio to both, with its peak RSS (``ru_maxrss`` of the child). The parsers are
byte-compiled first, as an installed package would be, and the run says whether the C fast
path (``parsers/_colscan.c``, ``make parsers-ext``) is built. Targets: within 6x of grep, at least 5x faster than naive, peak RSS <= 100 MB.
The exit status is 0 unless a run fails; misses of the targets are printed, not fatal.
"""
import os
import pathlib
import random
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "parsers"
MB = float(os.environ.get("VIDBENCH_BENCH_MB", "200"))


def _ps(e, i, n, t):
    return ('[06/18 21:10:35][INFO] logging.py:   98: json_stats: {"_type": "train_iter_", "dt": %.5f, '
            '"dt_data": 0.00105, "dt_net": 1.90953, "epoch": "%d/80", "eta": "10:33:40", "gpu_mem": "7.63G", '
            '"grad_norm": 22.89061, "iter": "%d/%d", "loss": 2.06226, "lr": 0.00000, "top1_err": 75.00000, '
            '"top5_err": 25.00000}\n' % (t, e, i, n))


def _mmcv_text(e, i, n, t):
    return ("2021-05-20 17:27:34,020 - mmaction - INFO - Epoch [%d][%d/%d]\tlr: 6.004e-06, eta: 8 days, 3:36:30, "
            "time: %.3f, data_time: 0.449, memory: 22813, loss_cls: 0.4627, loss: 2.6762, grad_norm: 34.5586\n"
            % (e, i, n, t))


def _mmcv_json(e, i, n, t):
    return ('{"mode": "train", "epoch": %d, "iter": %d, "lr": 1e-05, "memory": 22813, "data_time": 0.0012, '
            '"top1_acc": 0.8625, "loss_cls": 0.39159, "loss": 2.61185, "grad_norm": 27.91853, "time": %.5f}\n'
            % (e, i, t))


def _mmengine_text(e, i, n, t):
    return ("2026/11/26 23:22:59 - mmengine - INFO - Epoch(train)  [%d][%3d/%d]  lr: 1.0000e-02  eta: 0:01:47  "
            "time: %.4f  data_time: 0.0061  memory: 4231  grad_norm: 22.6737  loss: 1.2833  loss_cls: 1.2833\n"
            % (e, i, n, t))


def _mmengine_json(e, i, n, t):
    return ('{"lr": 0.01, "data_time": 0.006149196624755859, "grad_norm": 22.673742895573376, '
            '"loss": 1.2833361889584922, "time": %r, "epoch": %d, "iter": %d, "step": %d}\n'
            % (t, e, (e - 1) * n + i, (e - 1) * n + i))


def _tsm(e, i, n, t):
    return ("Epoch: [%d][%d/%d], lr: 0.00500\tTime %.3f (0.542)\tData 0.000 (0.002)\tLoss 1.4417 (1.6921)\t"
            "Prec@1 43.750 (46.908)\tPrec@5 87.500 (81.173)\n" % (e - 1, i - 1, n, t))


def _probe(e, i, n, t):
    k = (e - 1) * n + i
    return ('{"kind": "iter", "i": %d, "t": 1790000000.%06d, "dt": %.6f, "mem_gb": 7.6312, "rss_gb": 2.5, '
            '"nvml_gb": null}\n' % (k, k % 1000000, t))


# name, framework, marker, line maker, header, JSON lines?
FORMATS = [
    ("pyslowfast", "pyslowfast", "json_stats: ", _ps, "[06/18 21:09:34][INFO] train_net.py:  533: Train with config:\n", True),
    ("mmcv-text", "mmaction2", "Epoch [", _mmcv_text,
     "2021-05-20 17:26:04,936 - mmaction - INFO - Start running, host: a@b, work_dir: /w\n", False),
    ("mmcv-json", "mmaction2", '"mode": "train"', _mmcv_json, '{"env_info": "x", "seed": 1}\n', True),
    ("mmengine-text", "mmaction2", "(train)", _mmengine_text,
     "2026/11/26 23:22:44 - mmengine - INFO - \nSystem environment:\n", False),
    ("mmengine-json", "mmaction2", '"step": ', _mmengine_json, "", True),
    ("tsm-stdout", "tsm", "Epoch: [", _tsm, "storing name: TSM_bench\n", False),
    ("probe-jsonl", "bmn", '"kind": "iter"', _probe, '{"kind": "header", "pid": 1, "host": "h"}\n', True),
]

NAIVE = r'''
import json, re, sys
path, marker, is_json = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
fields = [re.compile(p) for p in (r"(?<![_\w])time: ([0-9.]+)", r"\bTime ([0-9.]+)", r"\[(\d+)\]\[\s*(\d+)/(\d+)\]", r"memory: (\d+)")]
n, s = 0, 0.0
with open(path, encoding="utf-8", errors="replace") as fh:
    for line in fh:
        if marker not in line:
            continue
        if is_json:
            d = json.loads(line[line.index("{"):])
            v = d.get("dt", d.get("time"))
        else:
            v = [p.search(line) for p in fields][0]
            v = float(v.group(1)) if v else 0.0
        n += 1
        s += v or 0.0
print(n, s)
'''


def generate(path: pathlib.Path, maker, header: str, target: int) -> None:
    if path.exists() and abs(path.stat().st_size - target) < target * 0.05 + 10000:
        return
    rnd = random.Random(0)
    n = 400
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as fh:
        size = 0
        e = 1
        while size < target:
            block = [header] if e == 1 else []
            block += [maker(e, i, n, 0.3 + rnd.random()) for i in range(1, n + 1)]
            text = "".join(block)
            fh.write(text)
            size += len(text)
            e += 1
    tmp.replace(path)


def measure(cmd) -> tuple:
    """Run ``cmd`` as a child and return (CPU seconds, peak RSS MiB, stdout bytes).

    CPU time (user + system of the child) rather than wall time: on a shared machine the
    wall time of each side depends on what else runs, the CPU time hardly does.
    """
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.dup2(w, 1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.chdir(ROOT)
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 1 << 16)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    _, status, usage = os.wait4(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd[:4])} exited {code}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, b"".join(chunks)


def best_of(cmd, repeat=2) -> tuple:
    runs = [measure(cmd) for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def main(argv=None) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    # the parsers as an installed package has them: byte-compiled (pip compiles on install; a
    # checkout run under PYTHONDONTWRITEBYTECODE=1 would otherwise recompile them at every start)
    import compileall
    compileall.compile_dir(str(ROOT / "parsers"), quiet=1)
    from parsers import fastpath
    print("C fast path (parsers/_colscan): " + ("built" if fastpath.ENABLED else
          "NOT built or disabled: the regular-expression path is measured (make parsers-ext)"))
    target = int(MB * 1e6)
    py = sys.executable
    print(f"log size {MB:g} MB per format (VIDBENCH_BENCH_MB), files in {OUT.relative_to(ROOT)}; "
          "times are CPU seconds (user+sys), best of 2 runs, each in a fresh process")
    print(f"{'format':<14} {'records':>9} {'grep s':>7} {'naive s':>8} {'parser s':>9} "
          f"{'x grep':>7} {'naive/parser':>12} {'peak RSS MB':>11}  targets (<=6x grep, >=5x naive, <=100 MB)")
    ok = True
    for name, fw, marker, maker, header, is_json in FORMATS:
        path = OUT / f"{name}.log"
        generate(path, maker, header, target)
        g, _, gout = best_of(["grep", "-c", "-F", marker, str(path)])
        nv, _, _ = best_of([py, "-c", NAIVE, str(path), marker, "1" if is_json else "0"])
        p, rss, pout = best_of([py, "-m", f"parsers.{fw}", "--json", str(path)])
        import json
        try:
            s = json.loads(pout)
            recs = s["n_train_records"]
        except ValueError:
            print(f"{name}: the parser printed no JSON: {pout[:200]!r}")
            ok = False
            continue
        if recs != int(gout):
            print(f"{name}: parser counted {recs} records, grep {int(gout)}")
            ok = False
        met = [p <= 6 * g, nv >= 5 * p, rss <= 100]
        print(f"{name:<14} {recs:>9} {g:>7.3f} {nv:>8.2f} {p:>9.2f} {p / g:>7.1f} {nv / p:>12.1f} {rss:>11.1f}  "
              + " ".join("ok" if m else "MISS" for m in met), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
