"""The ``leaflets`` command line. Each command calls one library function; only this module
chooses exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage or configuration problem.

Heavy imports (jsonschema, WeasyPrint) happen inside the commands that need them, so
``leaflets --help`` and ``leaflets validate`` start fast.
"""

from __future__ import annotations

import sys

import click

from leaflets import __version__

FORMATS = ["text", "json", "junit", "github", "sarif"]  # keep in step with report.REPORTERS (a test checks)


def _emit(report, sources, fmt: str, output, tool: str) -> None:
    from leaflets.report import REPORTERS, ReportOptions, want_color

    stream = output or sys.stdout
    color = fmt == "text" and output is None and want_color(sys.stdout)
    text = REPORTERS[fmt](report, ReportOptions(color=color, sources=sources, tool=tool))
    stream.write(text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leaflets")
def cli() -> None:
    """Keep patient-information leaflets as JSON, check them, and render them."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="How to report findings.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", atomic=True),
              help="Write the report to this file instead of standard output.")
def validate(paths: tuple[str, ...], fmt: str, output) -> None:
    """Check leaflets (files or folders; default content/) and report every problem.

    Exits 0 when there are no errors (warnings allowed), 1 when there are, 2 for usage problems.
    """
    from leaflets.check import check_paths
    from leaflets.content import UsageError

    try:
        report, sources = check_paths(list(paths) or ["content"])
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    _emit(report, sources, fmt, output, "leaflets validate")
    sys.exit(1 if report.has_errors else 0)


def main() -> None:
    cli(prog_name="leaflets")
