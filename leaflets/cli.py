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
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Rule configuration (leaflets.toml, or pyproject.toml with [tool.leaflets]) "
                   "[default: the nearest one above the current folder].")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes to check many files with [default: the number of cores; "
                   "fewer than 48 files are always checked in one].")
def validate(paths: tuple[str, ...], fmt: str, output, config_path: str | None, jobs: int | None) -> None:
    """Check leaflets (files or folders; default content/) and report every problem.

    Exits 0 when there are no errors (warnings allowed), 1 when there are, 2 for usage problems
    (including a bad configuration). LEAFLETS_TODAY=YYYY-MM-DD fixes "today" for the date rules.
    """
    from leaflets import config
    from leaflets.check import check_paths
    from leaflets.content import UsageError

    try:
        _check_today()
        report, sources = check_paths(list(paths) or ["content"], config.load(config_path), jobs=jobs)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    _emit(report, sources, fmt, output, "leaflets validate")
    sys.exit(1 if report.has_errors else 0)


@cli.command()
@click.argument("pdfs", nargs=-1, type=click.Path())
@click.option("--profile", type=click.Choice(["auto", "print", "screen"]), default="auto", show_default=True,
              help="Check as a print shop (print) or an accessibility checker (screen) would; auto: screen "
                   "for a PDF/UA file that is not PDF/X, print for any other.")
@click.option("--booklet", is_flag=True, help="Print profile: require a page count that is a multiple of 4.")
@click.option("--allow-embedded-files", is_flag=True, help="Do not report attached files.")
@click.option("--format", "fmt", type=click.Choice(FORMATS + ["markdown"]), default="text", show_default=True,
              help="How to report findings (markdown only with --list).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", atomic=True),
              help="Write the report to this file instead of standard output.")
@click.option("--list", "list_rules", is_flag=True, help="List the preflight rules instead (docs/preflight.md "
              "is `--list --format markdown`).")
def preflight(pdfs: tuple[str, ...], profile: str, booklet: bool, allow_embedded_files: bool, fmt: str,
              output, list_rules: bool) -> None:
    """Check PDFs (files or folders of *.pdf) as a print shop or screen reader would.

    Exits 0 when there are no errors (warnings allowed), 1 when there are, 2 for usage problems.
    """
    from pathlib import Path

    from leaflets import preflight as pf

    stream = output or sys.stdout
    if list_rules:
        stream.write(pf.rules_markdown() if fmt == "markdown" else pf.rules_text())
        return
    if fmt == "markdown":
        raise click.UsageError("--format markdown is only for --list")
    if not pdfs:
        raise click.UsageError("give at least one PDF file or folder")
    files: list[str] = []
    for name in pdfs:
        path = Path(name)
        if path.is_dir():
            found = sorted(str(p) for p in path.rglob("*.pdf"))
            if not found:
                raise click.UsageError(f"{name}: folder holds no .pdf files")
            files += found
        elif path.exists():
            files.append(name)
        else:
            raise click.UsageError(f"{name}: no such file or folder")
    options = pf.Options(profile=profile, booklet=booklet, allow_embedded_files=allow_embedded_files)
    report = pf.preflight_paths(files, options)
    _emit(report, {}, fmt, output, "leaflets preflight")
    sys.exit(1 if report.has_errors else 0)


def _check_today() -> None:
    import datetime as dt
    import os

    from leaflets.content import UsageError

    fixed = os.environ.get("LEAFLETS_TODAY", "")
    if fixed:
        try:
            dt.date.fromisoformat(fixed)
        except ValueError as exc:
            raise UsageError(f"LEAFLETS_TODAY={fixed!r} is not a date: write it as YYYY-MM-DD") from exc


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="markdown writes the rule reference (docs/rules.md).")
def rules_command(fmt: str) -> None:
    """List every finding code: file (LF), schema (LS) and content rules, with default severity."""
    from leaflets.rules import docs

    click.echo(docs.render(fmt), nl=False)


@cli.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Explain one rule: what it checks, why it matters, a bad example and what to write instead."""
    from leaflets.rules import docs

    try:
        click.echo(docs.explain(code), nl=False)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from exc


def _comma_list(_ctx, _param, value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="dist", show_default=True,
              help="Folder to write the outputs and manifest.json into.")
@click.option("--format", "formats", default="html,pdf", show_default=True, callback=_comma_list,
              help="What to build: html, pdf, or both (comma-separated).")
@click.option("--profile", "profiles", default="screen,print", show_default=True, callback=_comma_list,
              help="PDF profiles: screen (tagged PDF/UA-1), print (PDF/X-4 with bleed), or both.")
@click.option("--brand", default="default", show_default=True,
              help="A brand folder in brands/, or a path to a brand folder.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Outputs rendered at once [default: the number of cores].")
@click.option("--draft", is_flag=True, help="Render content with errors too, with a DRAFT mark on every page.")
@click.option("--crop-marks", is_flag=True, help="Print profile: add CMYK crop marks outside the bleed.")
@click.option("--booklet", is_flag=True,
              help="Print profile: pad to a multiple of 4 pages with a questions page and notes pages, and "
                   "for an A5 brand also write <id>.<lang>.booklet.pdf, imposed two up on A4 (A4 brands: "
                   "padding only, no imposition).")
def build(paths: tuple[str, ...], out_dir: str, formats: tuple[str, ...], profiles: tuple[str, ...], brand: str,
          jobs: int | None, draft: bool, crop_marks: bool, booklet: bool) -> None:
    """Render leaflets (files or folders; default content/) to web pages and PDFs.

    Content with errors is refused (exit 1) unless --draft. Exits 1 when content is refused or a
    render fails, 2 for usage problems (unknown format or profile, bad brand).
    """
    from leaflets import build as builder
    from leaflets.content import UsageError
    from leaflets.findings import Report

    try:
        result = builder.build(list(paths) or ["content"], out_dir, formats=formats, profiles=profiles,
                               brand=brand, jobs=jobs, draft=draft, crop_marks=crop_marks, booklet=booklet)
    except (UsageError, builder.BuildError) as exc:
        raise click.UsageError(str(exc)) from exc
    if result.refused:
        errors = Report([f for f in result.report.findings if f.is_error and f.file in result.refused],
                        list(result.refused))
        _emit(errors, {}, "text", sys.stderr, "leaflets build")
        click.echo(f"refused {len(result.refused)} leaflet(s) with errors (nothing written for them; "
                   "--draft renders them with a DRAFT mark)", err=True)
    for failure in result.failures:
        click.echo(f"error: {failure}", err=True)
    for removed in result.removed:
        click.echo(f"removed earlier output {out_dir}/{removed}", err=True)
    for kept in result.kept:
        click.echo(f"warning: {out_dir}/{kept}", err=True)
    click.echo(f"built {len(result.outputs)} file(s) into {out_dir} (see {out_dir}/manifest.json)")
    sys.exit(0 if result.ok else 1)


@cli.command()
@click.argument("path", type=click.Path())
@click.option("--brand", default="default", show_default=True,
              help="A brand folder in brands/, or a path to a brand folder.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder to write the preview into [default: a fresh temporary folder].")
@click.option("--pdf", is_flag=True, help="Also render the screen PDF.")
def preview(path: str, brand: str, out_dir: str | None, pdf: bool) -> None:
    """Render one leaflet's web page (and with --pdf its screen PDF) for its writer, even when it
    has errors (then with a DRAFT mark), and print every problem and the file to open.

    Exits 0 when the preview was rendered (even with content errors), 1 when it could not be,
    2 for usage problems. Writes no manifest: a preview is not a build.
    """
    from leaflets import build as builder
    from leaflets.content import UsageError

    try:
        _check_today()
        result = builder.preview(path, out_dir, brand=brand, pdf=pdf)
    except (UsageError, builder.BuildError) as exc:
        raise click.UsageError(str(exc)) from exc
    _emit(result.report, result.sources, "text", None, "leaflets preview")
    for failure in result.failures:
        click.echo(f"error: {failure}", err=True)
    for removed in result.removed:
        click.echo(f"removed earlier preview {result.out}/{removed}", err=True)
    if result.outputs:
        mark = " with a DRAFT mark (the content has errors)" if result.draft else ""
        click.echo(f"preview{mark} in {result.out}:")
        for output in result.outputs:
            click.echo(f"  {output.resolve().as_uri()}")
    sys.exit(0 if result.ok else 1)


def main() -> None:
    cli(prog_name="leaflets")
