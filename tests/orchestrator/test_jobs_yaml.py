"""jobs/recognition.yaml and jobs/localization.yaml describe the published page, cell by cell.

The expected rows, figures, `x` and `TODO` marks are read here from the page itself
(../shared/reference/benchmark_zh-CN.md), independently of the specs; the config paths the
specs name are checked against the pinned trees cloned from ../shared/frameworks.
"""
import re
from pathlib import Path

import pytest

from orchestrator.sweep.checkout import Checkouts
from orchestrator.spec.expand import config_paths, expand
from orchestrator.spec.load import load_spec
from parsers.frameworks import FRAMEWORKS

ROOT = Path(__file__).resolve().parents[2]
RECOGNITION = ROOT / "jobs" / "recognition.yaml"
LOCALIZATION = ROOT / "jobs" / "localization.yaml"
PAGE_LABELS = {"TSN", "I3D heavy", "I3D", "TSM", "Slowonly", "Slowfast", "R(2+1)D", "BSN", "BMN"}


@pytest.fixture(scope="module")
def specs():
    return {"recognition": load_spec(RECOGNITION), "localization": load_spec(LOCALIZATION)}


def test_both_specs_load_and_expand_into_unique_safe_names(specs):
    names = [j.name for s in specs.values() for j in expand(s, repeats=2)]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9._-]*", n) and ".." not in n for n in names)
    for spec in specs.values():
        assert set(spec.frameworks) <= set(FRAMEWORKS)
        assert {c.model for c in spec.cells} <= PAGE_LABELS


def test_every_job_measures_at_least_50_plus_200_iterations(specs):
    for spec in specs.values():
        for job in expand(spec):
            it = job.iterations
            assert it.warmup >= 50 and it.measured >= 200, job.name
            assert it.stop, f"{job.name}: say how the command stops"
            if it.max_iters is not None:
                assert it.max_iters >= it.warmup + it.measured
            assert job.environment.setup and (ROOT / job.environment.setup).is_file()
            assert job.time_limit_min >= 30


def test_bsn_jobs_have_tem_and_pem_stages_and_others_one(specs):
    for spec in specs.values():
        for job in expand(spec):
            want = ["TEM", "PEM"] if job.cell.model == "BSN" else [""]
            assert [s.name for s in job.stages] == want, job.name


def test_launchers_follow_the_frameworks(specs):
    for spec in specs.values():
        for job in expand(spec):
            want = "per_gpu_task" if job.framework == "mmaction2" else "per_node"
            assert job.launcher == want
            if want == "per_gpu_task":
                assert job.tasks_per_node * job.nodes == job.cell.gpus
                assert "--launcher" in job.stages[0].command


# ------------------------------------------------------------------ against the page itself


def _page_rows(text, header_start):
    """The data rows of the Markdown table whose header starts with header_start."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith(header_start))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def _figure(cell):
    """'**[0.32](url)**' -> 0.32; 'x' -> 'x'; 'TODO' -> 'TODO'; '8.1' -> 8.1."""
    bare = re.sub(r"[*\[\]]|\(http[^)]*\)", "", cell).strip()
    return bare if bare in ("x", "TODO") else float(bare)


@pytest.fixture(scope="module")
def page(shared_dir):
    return (shared_dir / "reference" / "benchmark_zh-CN.md").read_text(encoding="utf-8")


@pytest.mark.shared
def test_recognition_cells_match_the_page_row_by_row(specs, page):
    rows = _page_rows(page, "| 模型")
    spec = specs["recognition"]
    assert len(spec.cells) == len(rows) == 13
    columns = ["mmaction2", "mmaction", "tsm", "pyslowfast"]   # the page's column order
    assert list(spec.frameworks) == columns
    for cell, row in zip(spec.cells, rows):
        model = re.match(r"\[([^\]]+)\]", row[0]).group(1)
        batch, gpus = (int(v) for v in row[3].split("x"))
        assert (cell.model, cell.input, cell.io_backend, cell.batch_per_gpu, cell.gpus) == \
            (model, row[1], row[2], batch, gpus)
        for k, fw in enumerate(columns):
            s_iter, mem = _figure(row[4 + 2 * k]), _figure(row[5 + 2 * k])
            entry = cell.entries[fw]
            where = f"{model} {row[1]} {fw}"
            if s_iter == "x":
                assert entry.status == "unsupported" and entry.reason, where
            elif s_iter == "TODO":
                assert entry.status == "todo" and entry.published is None, where
                assert entry.stages, where
            else:
                assert entry.status == "run", where
                assert entry.published["s_per_iter"] == s_iter, where
                assert entry.published["mem_gb"] == mem, where


@pytest.mark.shared
def test_localization_cells_match_the_page(specs, page):
    rows = _page_rows(page, "| Model")
    spec = specs["localization"]
    assert [c.model for c in spec.cells] == ["BSN", "BMN"] == \
        [re.match(r"(\w+)", r[0]).group(1) for r in rows]
    columns = ["mmaction2", "bsn", "bmn"]
    assert list(spec.frameworks) == columns
    for cell, row in zip(spec.cells, rows):
        for fw, text in zip(columns, row[1:]):
            entry = cell.entries[fw]
            bare = text.replace("*", "").strip()
            if bare == "x":
                assert entry.status == "unsupported"
                continue
            staged = re.findall(r"([\d.]+)\((TEM|PEM)\)", bare)
            if staged:
                assert entry.published == {st: {"s_per_iter": float(v), "mem_gb": None}
                                           for v, st in staged}
            else:
                assert entry.published["s_per_iter"] == float(bare)


@pytest.mark.shared
def test_pinned_commits_are_the_reference_ones(specs, shared_dir):
    table = (shared_dir / "reference" / "README.md").read_text()
    pins = dict(re.findall(r"\| \S.*? \| ([\w-]+/[\w-]+) \| ([0-9a-f]{40})", table))
    for spec in specs.values():
        for fw in spec.frameworks.values():
            slug = re.search(r"github\.com/(.+?)(\.git)?$", fw.source.repo).group(1)
            assert pins[slug] == fw.source.commit, fw.name


@pytest.mark.shared
def test_page_commands_are_the_page_text(specs, page):
    flat = re.sub(r"\s+", " ", page)
    for spec in specs.values():
        for cell in spec.cells:
            for fw, entry in cell.entries.items():
                for st in entry.stages:
                    if st.page_command and not entry.notes:   # notes explain a derived command
                        assert re.sub(r"\s+", " ", st.page_command) in flat, (cell.key, fw)


@pytest.mark.shared
def test_tsm_tsn_command_is_the_page_command_plus_output_folders(specs, page):
    line = next(l for l in page.splitlines() if l.startswith("python main.py kinetics RGB"))
    (job,) = expand(specs["recognition"], only="tsn--256p-rawframes--tsm")
    argv = list(job.stages[0].command)
    assert argv[:len(line.split())] == line.split()
    assert argv[len(line.split()):][::2] == ["--root_log", "--root_model"]


@pytest.fixture(scope="module")
def pinned_trees(shared_dir, specs, tmp_path_factory):
    cache = Checkouts(tmp_path_factory.mktemp("checkouts"),
                      bundle_dirs=[shared_dir / "frameworks"])
    trees = {}
    for spec in specs.values():
        for name, fw in spec.frameworks.items():
            trees[name] = cache.prepare(fw.source.repo, fw.source.commit, fw.source.bundle).path
    return trees


@pytest.mark.shared
def test_every_config_path_exists_in_the_pinned_tree(specs, pinned_trees):
    checked = 0
    for spec in specs.values():
        for fw, stage, path in config_paths(spec):
            assert (pinned_trees[fw] / path).is_file(), f"{fw}: {path} absent at the pin"
            checked += 1
        for job in expand(spec):   # the script every command runs, and any config argument
            for st in job.stages:
                script = st.command[2] if st.command[1] == "-u" else st.command[1]
                assert (pinned_trees[job.framework] / script).is_file(), (job.name, script)
                for arg in st.command:
                    if arg.startswith("configs/"):
                        assert (pinned_trees[job.framework] / arg).is_file(), (job.name, arg)
    assert checked >= 30
