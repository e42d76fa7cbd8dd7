"""Schema-only against schema-plus-rules, side by side: ``python bench/run.py rules`` (or run this file).

The issue's budget: content rules may cost at most as much again as the schema check, so the
"rules / schema" ratio must stay at or below 1.0.

1. In-process, per leaflet: median time of the schema check and of all content rules on each
   leaflet in content/ (a fresh load each time, so nothing is cached between runs).
2. Whole command, process start to exit: `leaflets validate` on content/ copied to many files, with
   the default configuration and with every content rule deselected (``select = []``), so the cost
   of importing the rules is in the figure too.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def per_leaflet(runs: int) -> list[tuple[str, float, float]]:
    """(leaflet, schema ms, rules ms) medians for each leaflet in content/."""
    sys.path.insert(0, str(ROOT))
    return [(path.parent.name, *_time_leaflet(path, runs * 5)) for path in sorted((ROOT / "content").glob("*/*.json"))]


def _time_leaflet(path: Path, repeat: int) -> tuple[float, float]:
    from leaflets import content, schema
    from leaflets.config import Config
    from leaflets.rules import run

    config, raw = Config(), path.read_bytes()

    def fresh() -> content.Document:
        return content.parse(content.Document(path=path, display=str(path)), raw)

    schema.check(fresh())
    run(fresh(), config)  # warm: imports, compiled patterns, data files
    for_schema, for_rules = [fresh() for _ in range(repeat)], [fresh() for _ in range(repeat)]
    schema_ms = _median_ms(lambda: schema.check(for_schema.pop()), repeat)
    rules_ms = _median_ms(lambda: run(for_rules.pop(), config), repeat)
    return schema_ms, rules_ms


def whole_command(runs: int, copies: int) -> tuple[float, float, int]:
    """Median wall ms of `leaflets validate` on ``copies`` files: (schema only, schema + rules, files)."""
    sources = sorted((ROOT / "content").glob("*/*.json"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for index in range(copies):
            source = sources[index % len(sources)]
            target = folder / "content" / f"{source.parent.name}-{index}" / source.name
            target.parent.mkdir(parents=True)
            # the copy's folder no longer matches its id: keep LM001 quiet so both runs report alike
            shutil.copyfile(source, target)
        (folder / "none.toml").write_text("select = []\n")
        (folder / "all.toml").write_text('ignore = ["LM001"]\n')
        base = [sys.executable, "-m", "leaflets", "validate", "--format", "json", "content"]

        def timed(config: str) -> float:
            def once() -> None:
                done = subprocess.run(base + ["--config", config], cwd=folder, capture_output=True)
                if done.returncode not in (0, 1):
                    raise SystemExit(done.stderr.decode())
            return _median_ms(once, runs)

        return timed("none.toml"), timed("all.toml"), copies


def main(runs: int = 7, copies: int = 100) -> None:
    rows = per_leaflet(runs)
    print(f"rules: in-process, median of {runs * 5} runs per leaflet (budget: rules / schema <= 1.00)")
    print(f"{'leaflet':<36} {'schema':>9} {'rules':>9} {'rules/schema':>13}")
    for name, schema_ms, rules_ms in rows:
        print(f"{name:<36} {schema_ms:7.2f}ms {rules_ms:7.2f}ms {rules_ms / schema_ms:12.2f}x")
    total_schema, total_rules = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"{'all ' + str(len(rows)) + ' leaflets':<36} {total_schema:7.2f}ms {total_rules:7.2f}ms "
          f"{total_rules / total_schema:12.2f}x")
    only, both, files = whole_command(runs, copies)
    print(f"\nrules: `leaflets validate` on {files} files, process start to exit, median of {runs} runs "
          "(budget: <= 2.00x, the schema's cost again)")
    print(f"{'schema only (select = [])':<36} {only:7.0f}ms")
    print(f"{'schema + rules':<36} {both:7.0f}ms {both / only:12.2f}x")


if __name__ == "__main__":
    main()
