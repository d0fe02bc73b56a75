"""The HTML report as a reader sees it: rendered by headless Chromium, the screenshot must open
with the chart (one bar per measured figure, heights in proportion to the s/iter figures of
sweeps.py) above the results table. Skips, saying why, where Chromium is absent (`make test`
installs it through `make browser`)."""
import shutil
import subprocess

import numpy as np
import pytest

from orchestrator.results import collect
from orchestrator.results import plots
from orchestrator.results import report

import sweeps

WIDTH, HEIGHT = 1400, 1800


def browser():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no headless Chromium (make browser installs it)")


def colour_mask(image, hex_colour, tol=0.02):
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return (np.abs(image[:, :, :3] - rgb) <= tol).all(axis=2)


@pytest.fixture(scope="module")
def screenshot(sweep, tmp_path_factory):
    exe = browser()
    collect.collect(sweep)
    out = tmp_path_factory.mktemp("html")
    rep = report.build_report(sweep / "results.csv")
    (out / "report.html").write_text(report.render(rep, "html", out, plots=False))
    png = out / "shot.png"
    run = subprocess.run([exe, "--headless=new", "--no-sandbox", "--disable-gpu",
                          "--hide-scrollbars", f"--window-size={WIDTH},{HEIGHT}",
                          f"--screenshot={png}", (out / "report.html").as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert png.is_file(), run.stderr[-2000:]
    import matplotlib.image
    return matplotlib.image.imread(str(png))


def test_the_report_opens_with_the_chart_above_the_table(screenshot):
    img = screenshot
    assert img.shape[:2] == (HEIGHT, WIDTH)
    blue = colour_mask(img, plots.CHART_COLOURS[0])      # MMAction2's bars
    orange = colour_mask(img, plots.CHART_COLOURS[1])    # PySlowFast's bars
    header = colour_mask(img, "#f3f4f6")                 # the table's header cells
    assert blue.sum() > 2000 and orange.sum() > 2000
    # the table: a header band across most of the page's width
    header_rows = np.where(header.sum(axis=1) > 0.6 * WIDTH)[0]
    assert header_rows.size > 10
    chart_bottom = max(np.where(blue.any(axis=1))[0].max(), np.where(orange.any(axis=1))[0].max())
    assert chart_bottom < header_rows.min()              # the chart comes first
    assert chart_bottom < HEIGHT / 2


def test_the_bars_are_the_figures(screenshot):
    blue = colour_mask(screenshot, plots.CHART_COLOURS[0])
    orange = colour_mask(screenshot, plots.CHART_COLOURS[1])
    # the tallest bar of each colour, in pixels: PySlowFast's Slowfast row (1.00 s/iter) and
    # MMAction2's I3D heavy row (0.339 s/iter, the mean of sweeps.MMCV after the warm-up)
    tallest_orange = orange.sum(axis=0).max()
    tallest_blue = blue.sum(axis=0).max()
    mmcv = float(np.mean(sweeps.MMCV[2:]))
    assert tallest_orange / tallest_blue == pytest.approx(1.0 / mmcv, rel=0.08)
    # side by side: the I3D heavy row has a blue and an orange bar next to each other
    blue_cols = np.where(blue.sum(axis=0) > 0.5 * tallest_blue)[0]
    orange_cols = np.where(orange.sum(axis=0) > 0.2 * tallest_orange)[0]
    gaps = np.abs(orange_cols[:, None] - blue_cols[None, :]).min()
    assert gaps <= 6
