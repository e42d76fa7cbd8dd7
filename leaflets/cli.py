"""The ``leaflets`` command line. Each command calls one library function; only this module
chooses exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage or configuration problem.

Heavy imports (jsonschema, WeasyPrint) happen inside the commands that need them, so
``leaflets --help`` and ``leaflets validate`` start fast.
"""

from __future__ import annotations

import sys

import click

from leaflets import __version__

REPORT_FORMATS = ["text", "json", "junit", "github", "sarif"]  # keep in step with report.REPORTERS (a test checks)


def _emit(report, sources, fmt: str, output, tool: str) -> None:
    from leaflets.report import REPORTERS, ReportOptions, want_color

    stream = output or sys.stdout
    color = fmt == "text" and output is None and want_color(sys.stdout)
    text = REPORTERS[fmt](report, ReportOptions(color=color, sources=sources, tool=tool))
    stream.write(text)


_config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False),
    help="Rule configuration (leaflets.toml, or pyproject.toml with [tool.leaflets]) "
         "[default: the nearest one above the current folder].")


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
@_config_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes to check many files with [default: the number of cores; "
                   "fewer than 48 files are always checked in one].")
def validate(paths: tuple[str, ...], fmt: str, output, config_path: str | None, jobs: int | None) -> None:
    """Check leaflets (files or folders; default content/) and report every problem.

    Exits 0 when there are no errors (warnings allowed), 1 when there are, 2 for usage problems
    (including a bad configuration). LEAFLETS_TODAY=YYYY-MM-DD fixes "today" for the date rules.
    """
    from leaflets.check import check_paths
    from leaflets.errors import UsageError

    try:
        report, sources = check_paths(list(paths) or ["content"], _settings(config_path), jobs=jobs)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    _emit(report, sources, fmt, output, "leaflets validate")
    sys.exit(1 if report.has_errors else 0)


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
    _emit(report, {}, fmt, output, "leaflets preflight")
    sys.exit(1 if report.has_errors else 0)


def _today():
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


def _settings(config_path: str | None):
    """The rule configuration (``--config``, or the nearest file) with today's date: resolved once,
    here, and passed to every check a command makes. Raises UsageError (a ConfigError too)."""
    from leaflets import config

    return config.load(config_path, today=_today())


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
@_config_option
def build(paths: tuple[str, ...], out_dir: str, formats: tuple[str, ...], profiles: tuple[str, ...], brand: str,
          jobs: int | None, draft: bool, crop_marks: bool, booklet: bool, force: bool, shard_text: str | None,
          config_path: str | None) -> None:
    """Render leaflets (files or folders; default content/) to web pages and PDFs.

    Outputs unchanged since the last build into --out (same content, brand, templates, tool and
    options, and the file as it was written) are reused, not rendered again; --force renders all.

    Content with errors is refused (exit 1) unless --draft. Exits 1 when content is refused or a
    render fails, 2 for usage problems (unknown format or profile, bad brand, an --out folder that
    cannot be written or is inside the content, another build writing into the same folder).
    """
    from leaflets import build as builder
    from leaflets.errors import UsageError
    from leaflets.findings import Report
    from leaflets.shards import Shard

    try:
        shard = Shard.parse(shard_text) if shard_text is not None else None
        result = builder.build(list(paths) or ["content"], out_dir, formats=formats, profiles=profiles,
                               brand=brand, jobs=jobs, draft=draft, crop_marks=crop_marks, booklet=booklet,
                               config=_settings(config_path), force=force, shard=shard)
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
    for renamed in result.renamed:
        click.echo(f"warning: {renamed}", err=True)
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
@_config_option
def preview(path: str, brand: str, out_dir: str | None, pdf: bool, config_path: str | None) -> None:
    """Render one leaflet's web page (and with --pdf its screen PDF) for its writer, even when it
    has errors (then with a DRAFT mark), and print every problem and the file to open.

    Exits 0 when the preview was rendered (even with content errors), 1 when it could not be,
    2 for usage problems. Writes no manifest: a preview is not a build.
    """
    from leaflets import preview as previewer
    from leaflets.errors import BuildError, UsageError

    try:
        result = previewer.preview(path, out_dir, brand=brand, pdf=pdf, config=_settings(config_path))
    except (UsageError, BuildError) as exc:
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


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--brand", default="default", show_default=True,
              help="A brand folder in brands/, or a path to a brand folder.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on; 0 picks a free one (the address is printed).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Loopback address to listen on (127.0.0.1, ::1 or localhost); any other is refused.")
@_config_option
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
        server.run(list(paths) or ["content"], brand=brand, host=host, port=port, config=_settings(config_path))
    except (UsageError, BuildError, server.ServeError) as exc:
        raise click.UsageError(str(exc)) from exc


@cli.command("import")
@click.argument("file", type=click.Path())
@click.option("--id", "leaflet_id", help="The new leaflet's id [default: made from the document's title].")
@click.option("--lang", "language", default="en", show_default=True, help="The language of the document.")
@click.option("--content", "content_dir", type=click.Path(file_okay=False), default="content", show_default=True,
              help="The content folder to write <id>/<lang>.json into.")
@click.option("--force", is_flag=True, help="Replace an existing leaflet with the same id and language.")
@_config_option
def import_command(file: str, leaflet_id: str | None, language: str, content_dir: str, force: bool,
                   config_path: str | None) -> None:
    """Turn a leaflet kept in Word (.docx) or HTML into a draft <id>/<lang>.json, then list what is left to do.

    Headings are matched to sections by their words, lists stay lists, a table of risks becomes risks
    with their frequencies, bold and italic are dropped. What fits no section is kept in
    <lang>.unmapped.md beside the draft (validate reports it, LM007) with the pictures, which are saved
    beside the leaflet. Every missing field is a TODO placeholder that validate reports.

    \b
    Example:
      leaflets import "Carpal tunnel release.docx" --id carpal-tunnel-release

    Exits 0 when imported (even with findings: they are the to-do list), 1 when the draft could not be
    written, 2 for usage problems (a file that is not a .docx or .html, too large, an id that exists).
    """
    from leaflets import importer
    from leaflets.check import check_paths
    from leaflets.errors import UsageError

    try:
        settings = _settings(config_path)  # a broken configuration is reported before anything is written
        result = importer.import_file(file, content_dir, leaflet_id, language, force, settings.today)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    except importer.ImportFailed as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"imported {file} into {result.leaflet}")
    for line in result.placed:
        click.echo(f"  {line}")
    for figure in result.figures:
        click.echo(f"  picture saved as {figure} (no alt text)")
    for problem in result.not_extracted:
        click.echo(f"  picture not extracted: {problem}")
    for removed in result.removed:
        click.echo(f"  removed {removed} (from an earlier import of this leaflet)")
    if result.unmapped is not None:
        click.echo(f"kept aside, not yet in the leaflet: {result.unmapped} (place it, then delete the file)")
    report, sources = check_paths([str(result.leaflet)], settings)
    click.echo(f"to do ({len(report.findings)} finding(s) from leaflets validate {result.leaflet}):")
    _emit(report, sources, "text", None, "leaflets import")


@cli.command("new")
@click.argument("leaflet_id", metavar="ID")
@click.option("--lang", "language", default="en", show_default=True, help="The language of the new file.")
@click.option("--from", "from_id", metavar="ID",
              help="Copy the structure of content/<ID>/<lang>.json: its sections and as many paragraphs, risks, "
                   "alternatives and steps, each text a TODO (no words or figures are copied).")
@click.option("--content", "content_dir", type=click.Path(file_okay=False), default="content", show_default=True,
              help="The content folder to create <id>/<lang>.json in.")
def new_command(leaflet_id: str, language: str, from_id: str | None, content_dir: str) -> None:
    """Start a leaflet: write <content>/<ID>/<lang>.json with every required field as a TODO placeholder.

    validate reports each placeholder (LH001), so a scaffold can never pass as finished. The status
    is "draft", the version "0.1", the review dates today and a year from today (LEAFLETS_TODAY
    fixes today).

    \b
    Examples:
      leaflets new carpal-tunnel-release
      leaflets new lumbar-discectomy --from spinal-fusion
      leaflets new spinal-fusion --lang cy --from spinal-fusion

    Exits 0 when written, 2 for usage problems (an id or language that is not valid, a leaflet that
    exists, a --from leaflet that does not).
    """
    from leaflets import scaffold
    from leaflets.errors import UsageError

    try:
        path = scaffold.new(content_dir, leaflet_id, language, from_id, _today())
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"created {path}: replace every TODO, then run `leaflets validate {path}`")


@cli.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True,
              help="text for the terminal, json for tools, html (a standalone page) to attach to a review.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", atomic=True),
              help="Write the diff to this file instead of standard output.")
def diff_command(old: str, new: str, fmt: str, output) -> None:
    """Show what changed between two versions of a leaflet, clinical facts first, for sign-off.

    OLD and NEW are leaflet files, or PATH@REV for a file as git has it at a revision. Clinical
    changes: risks added, removed or renamed, frequencies and bands, alternatives, sources,
    urgent-help symptoms, contact numbers, and numbers in the text. Then the wording per section.

    \b
    Examples:
      leaflets diff content/spinal-fusion/en.json@HEAD~1 content/spinal-fusion/en.json
      leaflets diff old/en.json new/en.json --format html -o review.html

    Exits 0 when only wording changed (or nothing), 1 when a clinical fact changed, 2 for usage
    problems (a missing file, a bad revision, a file that is not a leaflet).
    """
    from leaflets import diff as differ
    from leaflets.errors import UsageError
    from leaflets.report import want_color

    try:
        result = differ.diff_paths(old, new)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    if fmt == "json":
        text = differ.json_report(result)
    elif fmt == "html":
        text = differ.html_report(result)
    else:
        text = differ.text_report(result, color=output is None and want_color(sys.stdout))
    (output or sys.stdout).write(text)
    sys.exit(1 if result.clinical else 0)


@cli.command("approve")
@click.argument("path", type=click.Path())
@click.option("--name", required=True, help="The approver's name, e.g. \"Ms A. Example\".")
@click.option("--role", required=True, help="The approver's role, e.g. \"Consultant spinal surgeon\".")
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="The date of approval [default: today].")
@_config_option
def approve_command(path: str, name: str, role: str, date_text: str | None, config_path: str | None) -> None:
    """Approve a leaflet: set status "approved" and record who, in what role, when, and a hash of the
    clinical content approved, so validate reports any later change (LD007).

    The leaflet must validate without errors. Only the status and the approval are changed in the
    file; everything else stays as written.

    \b
    Example:
      leaflets approve content/spinal-fusion/en.json --name "Ms A. Example" \\
          --role "Consultant spinal surgeon" --date 2026-12-01

    Exits 0 when approved, 1 when the leaflet has errors (they are listed; nothing is written), 2
    for usage problems.
    """
    from leaflets import approve as approver
    from leaflets.errors import UsageError

    try:
        settings = _settings(config_path)
        when = approver.parse_date(date_text, settings.today)
        result = approver.approve(path, name, role, when, settings)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    if not result.written:
        _emit(result.report, result.sources, "text", sys.stderr, "leaflets approve")
        click.echo(f"not approved: {path} has errors (fix them, then approve again); nothing was written", err=True)
        sys.exit(1)
    click.echo(f"approved {path} by {name.strip()}, {role.strip()}, on {when.isoformat()} "
               f"(content SHA-256 {result.content_sha256})")


@cli.command("translate-pin")
@click.argument("path", type=click.Path())
@click.option("--from", "language", metavar="LANG",
              help="The source's language: <LANG>.json beside PATH [default: the one recorded, else en].")
def translate_pin(path: str, language: str | None) -> None:
    """Pin a translation to its source: record in PATH's translation_of the source leaflet's
    language, version, clinical-content hash and section hashes, so validate reports the translation
    as stale (LT002, naming the sections) as soon as the source changes.

    Run it when the translation says what the source says now. Only translation_of is changed in the
    file. A translation whose risks, figures, bands or numbers differ from the source's (LT003) is
    not pinned.

    \b
    Example:
      leaflets translate-pin content/spinal-fusion/cy.json --from en

    Exits 0 when pinned, 1 when the translation differs from its source (the differences are listed;
    nothing is written), 2 for usage problems (no such file, no source beside it).
    """
    from leaflets import translation
    from leaflets.errors import UsageError

    try:
        record, differences = translation.pin_file(path, language)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    if differences:
        for pointer, message in differences:
            click.echo(f"{path}: {pointer}: {message}", err=True)
        click.echo(f"not pinned: {path} differs from {record['language']}.json (fix it, then pin again); "
                   "nothing was written", err=True)
        sys.exit(1)
    click.echo(f"pinned {path} to {record['language']}.json version {record['version']} "
               f"(content SHA-256 {record['content_sha256']})")


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


def main() -> None:
    cli(prog_name="leaflets")
