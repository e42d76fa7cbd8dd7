"""LC004–LC006: plain-English style. Passive voice, wordy phrases (nouns made from verbs, formal
words) and patronising words. These are matters of style, not of safety, so they are warnings and
notes, and the passive-voice rate has a threshold in the configuration. The word lists are data:
leaflets/rules/data/plain_style.toml."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable

from leaflets.findings import Severity
from leaflets.rules.claims import phrase_hits
from leaflets.rules.completeness import section_run
from leaflets.rules.context import Context, Passage, Sentence
from leaflets.rules.registry import Hit, rule

_IRREGULAR = ("given|taken|done|made|seen|known|shown|kept|put|told|sent|left|held|found|brought|written|set|cut|"
              "worn|broken|chosen|drawn|heard|paid|understood|begun|fed|led|meant|read|stuck|torn|woken|sewn|shut")
# adjectives that look like participles: "you may be tired", "we are pleased", "you are used to"
_NOT_PASSIVE = {"tired", "worried", "concerned", "pleased", "interested", "scared", "bored", "married", "supposed",
                "used", "allowed", "advised", "prepared", "qualified", "experienced", "related", "based", "needed",
                "red", "bed", "shed", "unexpected", "expected", "limited", "dedicated", "complicated", "bruised",
                "swollen", "frightened", "confused", "stressed", "embarrassed", "relaxed", "satisfied", "unwell"}
# matched once over the lower-cased prose (no IGNORECASE: several times faster); starts with a space
# so the scan only tries at spaces
_PASSIVE = re.compile(rf" (?:am|is|are|was|were|be|been|being) +(?:[a-z]+ly +)?(?P<p>[a-z]+ed|{_IRREGULAR})\b")
_SECTION = operator.attrgetter("paragraph.section")  # a Sentence's section


def _passive_sentences(ctx: Context, matches: list[tuple[Passage, int, re.Match[str]]]) -> list[Sentence]:
    """The sentences (outside the title and glossary) with a passive verb, each once, in order;
    ``matches``: ``_PASSIVE``'s in the prose."""
    sentences = ctx.sentences
    # each paragraph's first sentence (a paragraph's sentences are contiguous): made by a comprehension
    # going backwards, so the first one wins, rather than a loop over every sentence with two lists each
    first = {id(s.paragraph): n for n, s in zip(range(len(sentences) - 1, -1, -1), reversed(sentences), strict=True)}
    found: dict[int, Sentence] = {}
    for paragraph, index, match in matches:
        if paragraph.section in ("title", "glossary") or match["p"] in _NOT_PASSIVE:
            continue
        at, number = first.get(id(paragraph)), None
        while at is not None and at < len(sentences) and sentences[at].paragraph is paragraph and \
                sentences[at].start <= index:
            number, at = at, at + 1  # the paragraph's last sentence starting at or before the match
        if number is not None:
            found.setdefault(number, sentences[number])
    return [found[k] for k in sorted(found)]


@rule("LC004", "passive-voice", Severity.INFO, "Many sentences are in the passive voice.",
      what="The share of the leaflet's sentences that use the passive voice (\"you will be given\", \"the wound is "
           "closed\"), when it is above `max-passive-percent` (default 33) and the leaflet has at least "
           "`min-passive-sentences` sentences (default 20). Reported once, as a note: some passives are the right "
           "choice, a leaflet full of them is not.",
      why="Passive sentences hide who does what: \"you will be seen\" leaves the patient asking by whom and when. "
          "Plain-English guidance asks for active verbs in most sentences.",
      bad="Your wound will be checked and your stitches will be removed. You will be given a letter.",
      good="A nurse checks your wound and takes out your stitches. We give you a letter.")
def passive_voice(ctx: Context) -> Iterable[Hit]:
    # the sentences outside the title and the glossary, counted: each of the two is one run (section_run)
    counted = len(ctx.sentences) - len(section_run(ctx.sentences, "title", _SECTION)) - \
        len(section_run(ctx.sentences, "glossary", _SECTION))
    if counted < ctx.thresholds.get("min-passive-sentences", 20):
        return
    limit = ctx.thresholds.get("max-passive-percent", 33)
    matches = list(ctx.matches(_PASSIVE, lower=True))
    if 100 * len(matches) / counted <= limit:
        return  # each passive sentence holds a match: with this few, which sentences hold them is not needed
    passive = _passive_sentences(ctx, matches)
    share = 100 * len(passive) / counted
    if share > limit:
        first = passive[0]
        yield Hit(first.paragraph.pointer, f"{len(passive)} of {counted} sentences ({share:.0f}%) are in the "
                  f"passive voice (aim for {limit:g}% or fewer): say who does what, e.g. \"a nurse checks your wound\"",
                  index=first.start)


@rule("LC005", "wordy-phrase", Severity.INFO, "A wordy phrase where a plain verb or word would do.",
      what="Nouns made from verbs and formal words from the `[[wordy]]` list in leaflets/rules/data/plain_style.toml: "
           "\"undergo a procedure\", \"prior to\", \"commence\", \"in the event of\", \"make a decision\".",
      why="Plain-English guidance puts the action in a verb and uses the everyday word: \"before you have your "
          "operation\" is read faster and understood by more people than \"prior to undergoing the procedure\".",
      bad="Prior to undergoing the procedure, a decision will be made about your anaesthetic.",
      good="Before your operation, you and your anaesthetist decide which anaesthetic you have.",
      data_file="leaflets/rules/data/plain_style.toml")
def wordy_phrase(ctx: Context) -> Iterable[Hit]:
    reported: dict[str, int] = {}
    for hit in phrase_hits(ctx, "plain_style", "wordy", "wordy phrase"):
        if hit.index is not None and reported.get(hit.pointer) == hit.index:
            continue  # "undergo a procedure" and "undergo" start at the same place: once
        reported[hit.pointer] = hit.index or 0
        yield hit


@rule("LC006", "patronising-word", Severity.WARNING, "A word that talks down to the reader.",
      what="Words from the `[[patronising]]` list in leaflets/rules/data/plain_style.toml: \"obviously\", "
           "\"simply\", \"of course\", \"just relax\", \"don't worry\".",
      why="A patient who finds a step hard, or is worried, reads \"simply\" and \"don't worry\" as being told they "
          "are slow or silly; they stop asking the questions the leaflet wants them to ask.",
      bad="Simply keep the dressing dry. Obviously, don't worry if it bleeds a little.",
      good="Keep the dressing dry. A little bleeding is normal; call the ward if it soaks the dressing.",
      data_file="leaflets/rules/data/plain_style.toml")
def patronising_word(ctx: Context) -> Iterable[Hit]:
    return phrase_hits(ctx, "plain_style", "patronising", "patronising word")
