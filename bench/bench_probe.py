"""The timing probe's overhead on a real CPU training (target: at most 1 % slower).

Why here and not in a test: overhead is a speed target, measured against a baseline in the same
run. A small PyTorch training (a conv net on random images, real forward/backward/SGD steps) runs
as its own process with the probe and without it, alternately (A B A B ...), and reports the
median seconds per iteration of each (timed by the script itself, after 10 warm-up steps); the
ratio is the overhead. A second, steadier figure: the probe's own cost per iteration, measured in
one process by timing optimizer steps with and without the probe's hooks (many repetitions),
relative to the training's time per iteration. On a busy machine the first ratio carries the
noise of the machine, printed as the spread of the baseline runs (a warning when it exceeds the
target); the second does not.

    python -m bench probe                 # via make bench
    python -m bench.bench_probe --reps 6 --steps 200
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

from orchestrator.probe import INJECT_DIR, probe_env

TARGET = 1.01
STEPS_HOOK = 5000

TRAINING = textwrap.dedent("""
    import sys, time
    import torch
    torch.manual_seed(0)
    steps, warmup = int(sys.argv[1]), 10
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(), torch.nn.Linear(32, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    data = torch.randn(8, 16, 3, 32, 32)
    labels = torch.randint(0, 10, (8, 16))
    for i in range(steps + warmup):
        if i == warmup:
            start = time.perf_counter()
        x, y = data[i % 8], labels[i % 8]
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    print((time.perf_counter() - start) / steps)
""")

HOOK_COST = textwrap.dedent("""
    import sys, time, tempfile
    import torch
    steps = int(sys.argv[1])
    p = torch.nn.Parameter(torch.zeros(1))
    p.grad = torch.zeros(1)
    opt = torch.optim.SGD([p], lr=0.0)
    def per_step():
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(steps):
                opt.step()
            best = min(best, (time.perf_counter() - t0) / steps)
        return best
    bare = per_step()
    sys.path.insert(0, sys.argv[2])
    import _vidbench_probe
    # torch is already imported: start() patches it at once, as the import hook would have
    probe = _vidbench_probe.start(tempfile.mkdtemp(prefix="vidbench-bench-probe-"))
    probed = per_step()
    assert probe.n >= steps, probe.n
    print(bare, probed)
""")


def run_training(steps, env):
    out = subprocess.run([sys.executable, "-c", TRAINING, str(steps)], env=env, capture_output=True,
                         text=True, check=True)
    return float(out.stdout.split()[-1])


def hook_cost(steps, env):
    out = subprocess.run([sys.executable, "-c", HOOK_COST, str(steps), str(INJECT_DIR)], env=env,
                         capture_output=True, text=True, check=True)
    bare, probed = map(float, out.stdout.split())
    return bare, probed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bench_probe", description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=4, help="repetitions of each variant (default 4)")
    ap.add_argument("--steps", type=int, default=150, help="timed steps per training (default 150)")
    args = ap.parse_args(argv)

    base = dict(os.environ, OMP_NUM_THREADS="1")   # one thread: steadier on shared machines
    for var in ("VIDBENCH_PROBE_DIR", "VIDBENCH_CPU_COMPAT"):
        base.pop(var, None)
    times = {"without": [], "with": []}
    wall = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vidbench-bench-probe-") as tmp:
        for rep in range(args.reps):
            order = ("without", "with") if rep % 2 == 0 else ("with", "without")
            for variant in order:
                env = probe_env(os.path.join(tmp, f"r{rep}"), base) if variant == "with" else base
                times[variant].append(run_training(args.steps, env))
        records = sum(1 for _root, _dirs, files in os.walk(tmp) for f in files if f.endswith(".jsonl"))
    without = statistics.median(times["without"])
    with_probe = statistics.median(times["with"])
    ratio = with_probe / without
    spread = (max(times["without"]) - min(times["without"])) / without
    print(f"CPU training, conv net, batch 16, {args.steps} timed steps, {args.reps} interleaved runs "
          f"of each ({time.perf_counter() - wall:.0f} s, {records} probe files written)")
    print(f"  s/iter without probe: median {without:.6f}  runs {' '.join(f'{t:.6f}' for t in times['without'])}")
    print(f"  s/iter with probe:    median {with_probe:.6f}  runs {' '.join(f'{t:.6f}' for t in times['with'])}")
    verdict = "ok" if ratio <= TARGET else "ABOVE TARGET"
    print(f"  ratio with/without: {ratio:.4f} (target <= {TARGET}) {verdict}")
    if spread > TARGET - 1:
        print(f"  warning: unstable: the baseline runs spread {spread * 100:.1f} % (more than the "
              f"{(TARGET - 1) * 100:.0f} % target); rely on the per-iteration cost below")
    bare, probed = hook_cost(STEPS_HOOK, base)
    cost = probed - bare
    print(f"  probe cost per iteration (optimizer.step of one parameter, {STEPS_HOOK} steps, best of 5): "
          f"{bare * 1e6:.2f} us bare, {probed * 1e6:.2f} us probed, +{cost * 1e6:.2f} us "
          f"= {cost / without * 100:.3f} % of this training's {without * 1e3:.2f} ms per iteration")
    return 0


if __name__ == "__main__":
    sys.exit(main())
