"""The ``leaflets`` command line. Each command calls one library function; only the command-line
modules (this one, ``cli_loop`` for the writer's loop, ``cli_common`` for what they share) choose exit
codes: 0 no errors (warnings allowed), 1 errors found, 2 usage or configuration problem.

Heavy imports (jsonschema, WeasyPrint) happen inside the commands that need them, so
``leaflets --help`` and ``leaflets validate`` start fast.
"""

from __future__ import annotations

import sys

import click

from leaflets import __version__
from leaflets.cli_common import REPORT_FORMATS, config_option, emit, load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leaflets")
def cli() -> None:
    """Keep patient-information leaflets as JSON, check them, and render them."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True,
              help="How to report findings.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", atomic=True),
              help="Write the report to this file instead of standard output.")
@config_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes to check many files with [default: the number of cores; "
                   "fewer than 48 files are always checked in one].")
@click.option("--brand", "brands", multiple=True, metavar="NAME_OR_PATH",
              help="A brand (a name in brands/ or a brand folder) that must fill the leaflets' local slots "
                   "such as {ward_phone}; repeat for several [default: every brand in brands/].")
def validate(paths: tuple[str, ...], fmt: str, output, config_path: str | None, jobs: int | None,
             brands: tuple[str, ...]) -> None:
    """Check leaflets (files or folders; default content/) and report every problem.

    Exits 0 when there are no errors (warnings allowed), 1 when there are, 2 for usage problems
    (including a bad configuration). LEAFLETS_TODAY=YYYY-MM-DD fixes "today" for the date rules.
    """
    from leaflets.check import check_paths
    from leaflets.errors import UsageError

    try:
        settings = load_settings(config_path)
        if brands:
            settings.brands = tuple(str(folder) for folder in _brand_folders(brands))
        report, sources = check_paths(list(paths) or ["content"], settings, jobs=jobs)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    emit(report, sources, fmt, output, "leaflets validate")
    sys.exit(1 if report.has_errors else 0)


def _brand_folders(brands: tuple[str, ...]) -> list:
    """The brand folders ``validate --brand`` names; UsageError (exit 2) for one that is not a brand."""
    from leaflets.errors import UsageError
    from leaflets.slots import brand_folders

    try:
        return brand_folders(brands)
    except ValueError as exc:
        raise UsageError(f"--brand: {exc}") from exc


@cli.command()
@click.argument("pdfs", nargs=-1, type=click.Path())
@click.option("--profile", type=click.Choice(["auto", "print", "screen", "large-print"]), default="auto",
              show_default=True, help="Check as a print shop (print) or an accessibility checker (screen) would; "
              "large-print: screen, with every word 16 pt or more; auto: screen for a PDF/UA file that is not "
              "PDF/X, print for any other.")
@click.option("--min-text-pt", type=click.FloatRange(min=1, max=200), default=None,
              help="The least text size (PL008); default 12, or 16 with --profile large-print.")
@click.option("--booklet", is_flag=True, help="Print profile: require a page count that is a multiple of 4.")
@click.option("--allow-embedded-files", is_flag=True, help="Do not report attached files.")
@click.option("--cmyk-only", is_flag=True, help="Print profile: colour only as CMYK, grey or spot ink (no RGB, Lab "
              "or RGB ICC colour, which PDF/X-4 allows), as `leaflets build` requires of its own print PDFs.")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS + ["markdown"]), default="text", show_default=True,
              help="How to report findings (markdown only with --list).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", atomic=True),
              help="Write the report to this file instead of standard output.")
@click.option("--list", "list_rules", is_flag=True, help="List the preflight rules instead (docs/preflight.md "
              "is `--list --format markdown`).")
def preflight(pdfs: tuple[str, ...], profile: str, min_text_pt: float | None, booklet: bool,
              allow_embedded_files: bool, cmyk_only: bool, fmt: str, output, list_rules: bool) -> None:
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
    large = profile == "large-print"  # a PDF does not say it is large print: see leaflets.preflight.options
    options = pf.Options(profile="screen" if large else profile, booklet=booklet,
                         allow_embedded_files=allow_embedded_files, cmyk_only=cmyk_only,
                         min_text_pt=min_text_pt or (pf.own_output_options("large-print").min_text_pt if large
                                                     else pf.Options().min_text_pt))
    report = pf.preflight_paths(files, options)
    emit(report, {}, fmt, output, "leaflets preflight")
    sys.exit(1 if report.has_errors else 0)


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
              help="What to build: html, pdf, txt (plain text for screen readers, Braille and e-mail), "
                   "comma-separated.")
@click.option("--profile", "profiles", default="screen,print", show_default=True, callback=_comma_list,
              help="PDF profiles: screen (tagged PDF/UA-1), print (PDF/X-4 with bleed), large-print (tagged "
                   "PDF/UA-1 on A4, text 16 pt or more; only when asked for), comma-separated.")
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
@click.option("--force", is_flag=True, help="Render every output, even those unchanged since the last build.")
@click.option("--shard", "shard_text", metavar="I/N",
              help="Build only shard I of N (a stable partition by leaflet, for CI matrices) into --out, with "
                   "the part manifest manifest.shard-I-of-N.json; join the parts with merge-manifests.")
@click.option("--bilingual", metavar="LANG,LANG",
              help="Also build one PDF per leaflet given in both languages (e.g. en,cy): parallel columns, Welsh "
                   "on the left, as <id>.cy-en.<profile>.pdf. The translation must be pinned and up to date.")
@config_option
def build(paths: tuple[str, ...], out_dir: str, formats: tuple[str, ...], profiles: tuple[str, ...], brand: str,
          jobs: int | None, draft: bool, crop_marks: bool, booklet: bool, force: bool, shard_text: str | None,
          bilingual: str | None, config_path: str | None) -> None:
    """Render leaflets (files or folders; default content/) to web pages and PDFs.

    Outputs unchanged since the last build into --out (same content, brand, templates, tool and
    options, and the file as it was written) are reused, not rendered again; --force renders all.

    Content with errors is refused (exit 1) unless --draft. Exits 1 when content is refused or a
    render fails, 2 for usage problems (unknown format or profile, bad brand, an --out folder that
    cannot be written or is inside the content, another build writing into the same folder).
    With --bilingual, a pair whose translation is not pinned, stale or different in its figures exits
    1; a leaflet in only one of the two languages is skipped with a note; none in both exits 2.
    """
    from leaflets import build as builder
    from leaflets.errors import UsageError
    from leaflets.findings import Report
    from leaflets.shards import Shard

    try:
        shard = Shard.parse(shard_text) if shard_text is not None else None
        result = builder.build(list(paths) or ["content"], out_dir, formats=formats, profiles=profiles,
                               brand=brand, jobs=jobs, draft=draft, crop_marks=crop_marks, booklet=booklet,
                               config=load_settings(config_path), force=force, shard=shard, bilingual=bilingual)
    except (UsageError, builder.BuildError) as exc:
        raise click.UsageError(str(exc)) from exc
    if result.refused:
        errors = Report([f for f in result.report.findings if f.is_error and f.file in result.refused],
                        list(result.refused))
        emit(errors, {}, "text", sys.stderr, "leaflets build")
        click.echo(f"refused {len(result.refused)} leaflet(s) with errors (nothing written for them; "
                   "--draft renders them with a DRAFT mark)", err=True)
    for failure in result.failures:
        click.echo(f"error: {failure}", err=True)
    for removed in result.removed:
        click.echo(f"removed earlier output {out_dir}/{removed}", err=True)
    for kept in result.kept:
        click.echo(f"warning: {out_dir}/{kept}", err=True)
    for renamed in result.renamed:
        click.echo(f"warning: {renamed}", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    part = f" for shard {shard.index}/{shard.count}" if shard else ""
    click.echo(f"built {len(result.outputs)} file(s) into {out_dir}{part}: {len(result.rendered)} rendered, "
               f"{len(result.reused)} reused (unchanged since the last build); see {out_dir}/{result.manifest}")
    sys.exit(0 if result.ok else 1)


@cli.command()
@click.argument("path", type=click.Path())
@click.option("--brand", default="default", show_default=True,
              help="A brand folder in brands/, or a path to a brand folder.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder to write the preview into [default: the leaflet's own folder under the "
                   "temporary folder, leaflets-preview-<uid>/<id>.<lang>/, emptied first].")
@click.option("--pdf", is_flag=True, help="Also render the screen PDF.")
@config_option
def preview(path: str, brand: str, out_dir: str | None, pdf: bool, config_path: str | None) -> None:
    """Render one leaflet's web page (and with --pdf its screen PDF) for its writer, even when it
    has errors (then with a DRAFT mark), and print every problem and the file to open.

    Exits 0 when the preview was rendered (even with content errors), 1 when it could not be,
    2 for usage problems. Writes no manifest: a preview is not a build.
    """
    from leaflets import preview as previewer
    from leaflets.errors import BuildError, UsageError

    try:
        result = previewer.preview(path, out_dir, brand=brand, pdf=pdf, config=load_settings(config_path))
    except (UsageError, BuildError) as exc:
        raise click.UsageError(str(exc)) from exc
    emit(result.report, result.sources, "text", None, "leaflets preview")
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


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--brand", default="default", show_default=True,
              help="A brand folder in brands/, or a path to a brand folder.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on; 0 picks a free one (the address is printed).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Loopback address to listen on (127.0.0.1, ::1 or localhost); any other is refused.")
@config_option
def serve(paths: tuple[str, ...], brand: str, port: int, host: str, config_path: str | None) -> None:
    """Preview leaflets (files or folders; default content/) in a browser while you edit them.

    Each save is checked and the page rendered again (as a draft when it has errors), and the
    browser reloads itself; findings are shown in the page with links to their rules, and the
    screen and print PDFs are rendered when their link is followed. Stop with Ctrl-C.

    \b
    Example:
      leaflets serve content/spinal-fusion/en.json
      leaflets serve content/ --brand example-hospital --port 0

    Exits 0 when stopped, 2 for usage problems (a missing file, a bad brand, a port in use, a
    host that is not this computer's loopback address).
    """
    from leaflets import serve as server
    from leaflets.errors import BuildError, UsageError

    try:
        server.run(list(paths) or ["content"], brand=brand, host=host, port=port, config=load_settings(config_path))
    except (UsageError, BuildError, server.ServeError) as exc:
        raise click.UsageError(str(exc)) from exc


@cli.command("merge-manifests")
@click.argument("parts", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default="dist/manifest.json", show_default=True,
              help="The merged manifest to write; the shards' outputs must already be in its folder.")
@click.option("--no-verify", is_flag=True, help="Do not check that every listed file is beside --out with its hash.")
def merge_manifests(parts: tuple[str, ...], out_path: str, no_verify: bool) -> None:
    """Join the part manifests of `leaflets build --shard I/N` (manifest.shard-I-of-N.json) into
    the manifest.json a whole build would have written.

    \b
    Example (after copying every shard's folder into dist/):
      leaflets merge-manifests dist/manifest.shard-*-of-4.json --out dist/manifest.json

    Refuses (exit 2), writing nothing, when a part is missing or given twice, the parts differ in
    tool version, toolchain, brand, content or options, two parts list one leaflet's file, or a file
    is not beside --out with the hash its part lists. Exits 0 when merged.
    """
    from leaflets import shards

    try:
        merged = shards.merge(parts, out_path, verify=not no_verify)
    except shards.MergeError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"merged {len(parts)} part(s), {len(merged['outputs'])} file(s), into {out_path}")


def _register_the_writers_loop() -> None:
    from leaflets import cli_loop

    for command in (cli_loop.import_command, cli_loop.new_command, cli_loop.diff_command, cli_loop.approve_command,
                    cli_loop.translate_pin, cli_loop.migrate_command):
        cli.add_command(command)


_register_the_writers_loop()


def main() -> None:
    cli(prog_name="leaflets")
