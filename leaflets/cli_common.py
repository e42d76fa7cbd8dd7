"""What every ``leaflets`` command shares: writing a report in the chosen format, the ``--config``
option, and today's date and the rule configuration, resolved once per command and passed down.
"""

from __future__ import annotations

import sys

import click

REPORT_FORMATS = ["text", "json", "junit", "github", "sarif"]  # keep in step with report.REPORTERS (a test checks)


def emit(report, sources, fmt: str, output, tool: str) -> None:
    from leaflets.report import REPORTERS, ReportOptions, want_color

    stream = output or sys.stdout
    color = fmt == "text" and output is None and want_color(sys.stdout)
    text = REPORTERS[fmt](report, ReportOptions(color=color, sources=sources, tool=tool))
    stream.write(text)


config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False),
    help="Rule configuration (leaflets.toml, or pyproject.toml with [tool.leaflets]) "
         "[default: the nearest one above the current folder].")


def date_today():
    """Today for every date rule and date the CLI writes: LEAFLETS_TODAY=YYYY-MM-DD (so CI runs and
    tests are reproducible), else the clock's. Read here once, and passed down: nothing deeper reads
    the environment. Raises UsageError for a value that is not a date."""
    import datetime as dt
    import os

    from leaflets.errors import UsageError

    fixed = os.environ.get("LEAFLETS_TODAY", "")
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError as exc:
        raise UsageError(f"LEAFLETS_TODAY={fixed!r} is not a date: write it as YYYY-MM-DD") from exc


def load_settings(config_path: str | None):
    """The rule configuration (``--config``, or the nearest file) with today's date: resolved once,
    here, and passed to every check a command makes. Raises UsageError (a ConfigError too)."""
    from leaflets import config

    return config.load(config_path, today=date_today())
