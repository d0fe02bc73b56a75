"""``make check-reference``: parse every real log in ``../shared/reference/logs`` and compare.

Why: ``expected.json`` there holds the figures an independent implementation of DEFINITIONS.md
computes from real, third-party logs (mean to 6 decimals, memory to 4, ``n_used``,
``n_skipped_warmup``). Agreement on every file is the parsers' acceptance test; any difference
exits 1. Each file's framework is detected (as ``python -m parsers`` does) and must match the
folder it lies in. Files that support no figure (``mean`` null) must also be refused by
``summarize`` with a one-line ``LogError``, as the CLI refuses them.

    python -m parsers.check_reference ../shared/reference/logs
"""
import json
import os
import sys

from parsers import api, core

KEYS = ("mean_s_per_iter", "max_gpu_mem_gb", "n_used", "n_skipped_warmup")


def check(root: str) -> int:
    exp_path = os.path.join(root, "expected.json")
    try:
        with open(exp_path) as fh:
            expected = json.load(fh)
    except FileNotFoundError:
        print(f"error: {exp_path}: no such file; give the reference logs folder (../shared/reference/logs)",
              file=sys.stderr)
        return 1
    bad = 0
    for rel in sorted(expected):
        path = os.path.join(root, rel)
        want = expected[rel]
        problems = []
        try:
            fw, fmt = api.detect(path)
            p = core.run_format(path, fw, fmt)
            got = core.summary_dict(p)
            if fw.name != rel.split("/")[0]:
                problems.append(f"detected {fw.name}, folder says {rel.split('/')[0]}")
            for k in KEYS:
                if got[k] != want[k]:
                    problems.append(f"{k} {got[k]} != expected {want[k]}")
            if want["mean_s_per_iter"] is None:
                try:
                    api.summarize(path)
                    problems.append("summarize() gave figures for a log that supports none")
                except core.LogError as err:
                    refusal = str(err)
            figures = ", ".join(f"{k}={got[k]}" for k in KEYS)
        except core.LogError as err:
            problems.append(f"LogError: {err}")
            figures, fmt = "", None
        if problems:
            bad += 1
            print(f"DIFF {rel}: " + "; ".join(problems))
        else:
            note = f" (refused: {refusal.split(': ', 1)[1][:70]}...)" if want["mean_s_per_iter"] is None else ""
            print(f"ok   {rel} [{fw.name} {fmt.name}]: {figures}{note}")
    print(f"{len(expected) - bad} of {len(expected)} files agree with expected.json")
    return 1 if bad else 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: python -m parsers.check_reference REFERENCE_LOGS_DIR", file=sys.stderr)
        return 2
    return check(argv[0])


if __name__ == "__main__":
    sys.exit(main())
