"""LD: dates and governance. Review dates, and approval that matches the leaflet's status.

"Today" is the machine's date, or LEAFLETS_TODAY=YYYY-MM-DD for reproducible runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from leaflets.findings import Severity
from leaflets.rules.context import Context, parse_date
from leaflets.rules.registry import Hit, rule


def _when(days: int) -> str:
    if abs(days) < 60:
        return f"{abs(days)} day{'s' if abs(days) != 1 else ''}"
    months = round(abs(days) / 30.44)
    return f"about {months} months" if months < 24 else f"about {abs(days) / 365.25:.1f} years"


@rule("LD001", "review-overdue", Severity.ERROR, "The next review date has passed.",
      what="`next_review` earlier than today.",
      why="Treatments, figures and contact details change. A leaflet past its review date may tell a patient "
          "something that is no longer true, and most governance policies forbid issuing it.",
      bad='"next_review": "2020-01-31"',
      good="Review the content, then set `last_reviewed` to the review date and `next_review` to the next one.")
def review_overdue(ctx: Context) -> Iterable[Hit]:
    due = parse_date(ctx.data.get("next_review"))
    if due and due < ctx.today:
        yield Hit("/next_review", f"the next review was due on {due.isoformat()}, {_when((ctx.today - due).days)} "
                  "ago: review the leaflet before it is used again")


@rule("LD002", "review-due-soon", Severity.WARNING, "The next review is due soon.",
      what="`next_review` within `review-warning-days` days from today (default 90).",
      why="A review takes weeks: writers, a clinical reviewer and an approver. Starting before the date passes "
          "keeps the leaflet available to patients.",
      bad='"next_review" 30 days from today',
      good="Start the review now; after it, move `next_review` forward.")
def review_due_soon(ctx: Context) -> Iterable[Hit]:
    due = parse_date(ctx.data.get("next_review"))
    window = ctx.thresholds["review-warning-days"]
    if due and ctx.today <= due and (due - ctx.today).days <= window:
        yield Hit("/next_review", f"the next review is due on {due.isoformat()}, in {_when((due - ctx.today).days)}: "
                  "start the review now")


@rule("LD003", "review-period-too-long", Severity.WARNING, "The time between reviews is too long.",
      what="`next_review` more than `max-review-years` years (default 3) after `last_reviewed`.",
      why="Clinical practice moves; three years is the longest review cycle most NHS information standards allow.",
      bad='"last_reviewed": "2026-01-10", "next_review": "2031-01-10"',
      good='"last_reviewed": "2026-01-10", "next_review": "2028-01-10"')
def review_period_too_long(ctx: Context) -> Iterable[Hit]:
    last, due = parse_date(ctx.data.get("last_reviewed")), parse_date(ctx.data.get("next_review"))
    years = ctx.thresholds["max-review-years"]
    if last and due and (due - last).days > years * 365.25 + 1:
        yield Hit("/next_review", f"the next review is {_when((due - last).days)} after the last one; set it "
                  f"within {years:g} years of {last.isoformat()}")


@rule("LD004", "reviewed-in-future", Severity.ERROR, "The last review date is in the future, or after the next one.",
      what="`last_reviewed` later than today, or later than `next_review`.",
      why="A review that has not happened yet cannot vouch for the text; a future date usually means a typing "
          "slip in the year, which hides when the leaflet was really checked.",
      bad='"last_reviewed": "2099-05-01"',
      good="The date the review actually finished.")
def reviewed_in_future(ctx: Context) -> Iterable[Hit]:
    last, due = parse_date(ctx.data.get("last_reviewed")), parse_date(ctx.data.get("next_review"))
    if last and last > ctx.today:
        yield Hit("/last_reviewed", f"the last review is dated {last.isoformat()}, after today "
                  f"({ctx.today.isoformat()}): write the date the review finished")
    elif last and due and last >= due:
        yield Hit("/last_reviewed", f"the last review ({last.isoformat()}) is not before the next review "
                  f"({due.isoformat()}): check both dates")


@rule("LD005", "approved-without-approver", Severity.ERROR, "An approved leaflet does not name who approved it.",
      what="`status` \"approved\" with an approval whose name or role is a placeholder (\"TBC\", \"TODO\", "
           "\"[insert name]\": the list of LH001). A missing approval, name or role is the schema's finding (LS), "
           "so it is not reported twice.",
      why="Only an approved leaflet may go to patients without a warning band. Approval without a named, "
          "accountable person is not approval.",
      bad='"status": "approved", "approval": {"name": "TBC", "role": "Consultant", "date": "2026-01-10"}',
      good='"approval": {"name": "Ms A. Example", "role": "Consultant spinal surgeon", "date": "2026-01-10"}')
def approved_without_approver(ctx: Context) -> Iterable[Hit]:
    from leaflets.rules.data import phrases

    approval = _approved_with(ctx)
    for key in ("name", "role"):
        value = approval.get(key) if approval else None
        if not isinstance(value, str):
            continue  # the schema reports it
        lower = value.lower()
        if any(entry.regex.search(lower) for entry in phrases("placeholders").entries):
            yield Hit(f"/approval/{key}", f"the approval's {key} \"{value}\" is a placeholder: say who approved the "
                      "leaflet and in what role, or set status to \"in-review\"")


@rule("LD006", "approval-date-wrong", Severity.ERROR, "The approval date is in the future or before the last review.",
      what="`approval.date` later than today, or earlier than `last_reviewed` (the approval then predates the "
           "text it should cover).",
      why="An approval must cover the text patients receive. Approval dated before the latest review approved an "
          "older version.",
      bad='"last_reviewed": "2026-03-01", "approval": {"date": "2025-12-01", ...}',
      good="Approve the reviewed text and date the approval on or after the review.")
def approval_date_wrong(ctx: Context) -> Iterable[Hit]:
    approval = ctx.data.get("approval")
    date = parse_date(approval.get("date")) if isinstance(approval, dict) else None
    last = parse_date(ctx.data.get("last_reviewed"))
    if date and date > ctx.today:
        yield Hit("/approval/date", f"the approval is dated {date.isoformat()}, after today: write the date it "
                  "was given")
    elif date and last and date < last:
        yield Hit("/approval/date", f"the approval ({date.isoformat()}) is older than the last review "
                  f"({last.isoformat()}): have the reviewed text approved")


def _approved_with(ctx: Context) -> dict[str, Any] | None:
    """The approval object of an approved leaflet, or None (rules LD005/LS report what is missing)."""
    approval = ctx.data.get("approval")
    return approval if ctx.data.get("status") == "approved" and isinstance(approval, dict) else None


@rule("LD007", "changed-since-approval", Severity.ERROR, "The leaflet has changed since it was approved.",
      what="`status` \"approved\" with an `approval.content_sha256` (written by `leaflets approve`) that is not "
           "the SHA-256 of the leaflet's clinical content now: every field but `$schema`, `status`, `approval`, "
           "`suppressions` and `translation_of`.",
      why="An approval vouches for the text the approver read. A risk figure edited after sign-off would otherwise "
          "reach patients under a name that never saw it.",
      bad='"status": "approved" and a risk\'s "percent" changed from 1 to 2 after `leaflets approve`',
      good="Have the changed text approved again (`leaflets approve`), or set \"status\" to \"in-review\" "
           "until it is.")
def changed_since_approval(ctx: Context) -> Iterable[Hit]:
    from leaflets.clinical import clinical_hash

    approval = _approved_with(ctx)
    recorded = approval.get("content_sha256") if approval else None
    if approval and isinstance(recorded, str) and recorded != clinical_hash(ctx.data, ctx.doc.path.parent):
        date, name = approval.get("date"), approval.get("name")
        when = f" on {date}" if isinstance(date, str) else ""
        who = f" by {name}" if isinstance(name, str) else ""
        yield Hit("/approval/content_sha256", f"the leaflet has changed since it was approved{when}{who}: "
                  "re-approve it (`leaflets approve`) or set status to \"in-review\"")


@rule("LD008", "approval-not-bound-to-content", Severity.WARNING,
      "An approved leaflet's approval does not record what content it covers.",
      what="`status` \"approved\" with an `approval` that has no `content_sha256`, as approvals typed in by hand "
           "before `leaflets approve` existed.",
      why="Without the hash, an edit made after sign-off cannot be told from the approved text (LD007 cannot "
          "check it), so the leaflet may say approved over words nobody approved.",
      bad='"approval": {"name": "Ms A. Example", "role": "Consultant hand surgeon", "date": "2026-01-20"}',
      good="leaflets approve content/<id>/<lang>.json --name \"Ms A. Example\" --role \"Consultant hand surgeon\"")
def approval_not_bound_to_content(ctx: Context) -> Iterable[Hit]:
    approval = _approved_with(ctx)
    if approval and "content_sha256" not in approval:
        yield Hit("/approval", "the approval does not record which content it covers: have the leaflet approved "
                  "again with `leaflets approve`, which binds the approval to the text")
