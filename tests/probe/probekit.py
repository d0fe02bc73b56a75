"""Reading a probe folder in the probe tests (its own module name: `conftest` is ambiguous
when several test folders each have one)."""
import json
import pathlib


class Records:
    """The records of one probe folder, by process."""

    def __init__(self, out_dir):
        self.out_dir = pathlib.Path(out_dir)
        self.files = sorted(self.out_dir.glob("probe-*.jsonl"))
        self.by_file = {}
        for path in self.files:
            lines = path.read_text().splitlines()
            # every line is one complete JSON object (json.loads raises otherwise)
            self.by_file[path] = [json.loads(line) for line in lines]

    def headers(self):
        return [recs[0] for recs in self.by_file.values()]

    def iters(self, path):
        return [r for r in self.by_file[path] if r["kind"] == "iter"]

    def stepping(self):
        """{path: iter records} of the processes that wrote iteration records."""
        return {p: self.iters(p) for p in self.files if self.iters(p)}

    def only_stepping(self):
        stepping = self.stepping()
        assert len(stepping) == 1, f"expected one stepping process, got {sorted(map(str, stepping))}"
        (path, iters), = stepping.items()
        return path, iters

    def of_kind(self, kind):
        return [r for recs in self.by_file.values() for r in recs if r["kind"] == kind]
