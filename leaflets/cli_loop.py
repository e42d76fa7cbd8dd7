"""The writer's-loop commands of the ``leaflets`` command line: ``new``, ``import``, ``diff``,
``approve``, ``translate-pin`` and ``migrate``. Registered on the group in :mod:`leaflets.cli`; exit codes as
there (0 done, 1 content problems, 2 usage problems). Heavy imports stay inside each command.
"""

from __future__ import annotations

import sys

import click

from leaflets.cli_common import config_option, date_today, emit, load_settings


@click.command("import")
@click.argument("file", type=click.Path())
@click.option("--id", "leaflet_id", help="The new leaflet's id [default: made from the document's title].")
@click.option("--lang", "language", default="en", show_default=True, help="The language of the document.")
@click.option("--content", "content_dir", type=click.Path(file_okay=False), default="content", show_default=True,
              help="The content folder to write <id>/<lang>.json into.")
@click.option("--force", is_flag=True, help="Replace an existing leaflet with the same id and language.")
@config_option
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
        settings = load_settings(config_path)  # a broken configuration is reported before anything is written
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
        place = result.figure_places.get(figure.name)
        click.echo(f"  picture saved as {figure}, a figure in {place}" if place else
                   f"  picture saved as {figure} (not placed: see the notes; no alt text)")
    for problem in result.not_extracted:
        click.echo(f"  picture not extracted: {problem}")
    for removed in result.removed:
        click.echo(f"  removed {removed} (from an earlier import of this leaflet)")
    if result.unmapped is not None:
        click.echo(f"kept aside, not yet in the leaflet: {result.unmapped} (place it, then delete the file)")
    report, sources = check_paths([str(result.leaflet)], settings)
    click.echo(f"to do ({len(report.findings)} finding(s) from leaflets validate {result.leaflet}):")
    emit(report, sources, "text", None, "leaflets import")


@click.command("new")
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
        path = scaffold.new(content_dir, leaflet_id, language, from_id, date_today())
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"created {path}: replace every TODO, then run `leaflets validate {path}`")


@click.command("diff")
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
    urgent-help symptoms, contact numbers and hours (other numbers too), figures (a redrawn picture
    too), local slots, and numbers in the text. Then the wording per section.

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


@click.command("approve")
@click.argument("path", type=click.Path())
@click.option("--name", required=True, help="The approver's name, e.g. \"Ms A. Example\".")
@click.option("--role", required=True, help="The approver's role, e.g. \"Consultant spinal surgeon\".")
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="The date of approval [default: today].")
@config_option
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
        settings = load_settings(config_path)
        when = approver.parse_date(date_text, settings.today)
        result = approver.approve(path, name, role, when, settings)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    if not result.written:
        emit(result.report, result.sources, "text", sys.stderr, "leaflets approve")
        click.echo(f"not approved: {path} has errors (fix them, then approve again); nothing was written", err=True)
        sys.exit(1)
    click.echo(f"approved {path} by {name.strip()}, {role.strip()}, on {when.isoformat()} "
               f"(content SHA-256 {result.content_sha256})")


@click.command("translate-pin")
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


@click.command("migrate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if any file still needs migrating (for CI and pre-commit).")
def migrate_command(paths: tuple[str, ...], check_only: bool) -> None:
    """Upgrade leaflet files (or every <id>/<lang>.json in folders) from content format v1 to v2,
    in place, keeping each file's layout: $schema is pointed at leaflet.v2.schema.json and each
    frequency's "known" is removed (v2 knows a figure by its rate). Nothing is lost, and running it
    again changes nothing. A valid approval or translation pin is kept for the unchanged content.

    \b
    Example:
      leaflets migrate content/

    Exits 0 when every file is v2 (or was migrated), 1 when a file could not be migrated (or, with
    --check, still needs migrating), 2 for usage problems.
    """
    from pathlib import Path

    from leaflets import content, migrate
    from leaflets.errors import UsageError

    try:
        files = content.discover(list(paths))
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    missing = [p for p in paths if not Path(p).exists() and not Path(p).is_symlink()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    results = migrate.migrate(files)
    failed = [r for r in results if r.problem]
    pending = [r for r in results if r.text is not None]
    for result in failed:
        click.echo(f"{result.display}: not migrated: {result.problem}", err=True)
    if check_only:
        for result in pending:
            click.echo(f"{result.display}: needs migrating to content format v{migrate.FORMAT} "
                       f"(run `leaflets migrate {result.display}`)", err=True)
        sys.exit(1 if failed or pending else 0)
    migrate.write(pending)
    for result in pending:
        click.echo(f"{result.display}: migrated to v{migrate.FORMAT}: {'; '.join(result.changed)}")
    click.echo(f"{len(pending)} migrated, {len(results) - len(pending) - len(failed)} already v{migrate.FORMAT}"
               + (f", {len(failed)} not migrated" if failed else ""))
    sys.exit(1 if failed else 0)
