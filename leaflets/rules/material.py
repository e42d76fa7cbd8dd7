"""The material-risk checklists (leaflets/rules/data/material_risks.toml), loaded and compiled once.

A family is a list of risks a leaflet for that kind of operation must name (UK consent law after
Montgomery, and the GMC's guidance, ask for every material risk and every serious harm however
rare). Each risk is found by any of its synonyms, so a writer's own words count ("a tear in the
covering of the nerves" for a dural tear); the list itself is data, so an editor can change it
without touching Python.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from leaflets.rules.data import DataError, load

FILE = "leaflets/rules/data/material_risks.toml"


@dataclass(frozen=True)
class MaterialRisk:
    id: str
    name: str
    synonyms: tuple[str, ...]  # as the checklist writes them: "dural tear", "infect*", "nerve* ~ damag*"
    # Other languages' synonyms ("synonyms_cy" in the data file), as (language, synonyms) pairs: an
    # English word list cannot find a risk named in Welsh, and a missing list must say "not checked".
    translated: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def in_language(self, language: str) -> MaterialRisk | None:
        """This risk with the synonyms of ``language`` (a base tag such as "cy"), or None if it has none."""
        if language == "en":
            return self
        words = dict(self.translated).get(language)
        return MaterialRisk(self.id, self.name, words) if words else None

    # Compiled when a leaflet of the family is first checked: the expressions of every family took
    # 25 ms to compile, paid again by every `leaflets validate` process.

    @functools.cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """Any plain synonym, matched in lower-cased text."""
        return _compiled([w for w in self.synonyms if "~" not in w])

    @functools.cached_property
    def pairs(self) -> tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]:
        """"a ~ b": both in one sentence."""
        return tuple((_compiled([a.strip()]), _compiled([b.strip()])) for a, _, b in  # type: ignore[misc]
                     (w.partition("~") for w in self.synonyms if "~" in w))

    @functools.cached_property
    def literals(self) -> tuple[str, ...]:
        """Each plain synonym as plain text: one must be in the text for the pattern to match."""
        return tuple(" ".join(w.removesuffix("*").split()) for w in self.synonyms if "~" not in w)

    @functools.cached_property
    def pair_words(self) -> tuple[tuple[str, str], ...]:
        """Each pair's first words: both must be in a sentence for the pair to match there."""
        return tuple((a.split()[0].removesuffix("*"), b.split()[0].removesuffix("*")) for a, _, b in
                     (w.partition("~") for w in self.synonyms if "~" in w))

    def mentioned(self, sentences: list[str], spaced: str | None = None) -> bool:
        """Whether any synonym is in the lower-cased text, given as its sentences (and optionally as
        ``spaced``: the sentences joined by NUL, runs of white space made one space; no synonym matches
        across a NUL). Substring tests, in C, come first: the expression is tried only where a synonym's
        text is, and a pair's only on the sentences holding both its words."""
        spaced = "\0".join(" ".join(s.split()) for s in sentences) if spaced is None else spaced
        if self.pattern is not None:
            # Every match starts where some synonym's text does (white space is single spaces here), so the
            # expression is tried at each such place, not searched for: its leading look-behind makes a search
            # scan every character (~17 us a spinal leaflet for "dura", whose text is also in "duration").
            for literal in self.literals:
                at = spaced.find(literal)
                while at >= 0:
                    if self.pattern.match(spaced, at):
                        return True
                    at = spaced.find(literal, at + 1)
        for (a, b), (word_a, word_b) in zip(self.pairs, self.pair_words, strict=True):
            if word_a in spaced and word_b in spaced and \
                    any(word_a in s and word_b in s and a.search(s) and b.search(s) for s in sentences):
                return True
        return False


@dataclass(frozen=True)
class Family:
    id: str
    name: str
    source: str
    risks: tuple[MaterialRisk, ...]


def _compiled(words: list[str]) -> re.Pattern[str] | None:
    return re.compile(rf"(?<![\w-])(?:{'|'.join(_synonym(w) for w in words)})") if words else None


def _synonym(word: str) -> str:
    """A synonym as a regular expression: a whole word or phrase (plural allowed), or a word start ("infect*")."""
    if word.endswith("*"):
        return r"\s+".join(re.escape(w) for w in word[:-1].split())
    return r"\s+".join(re.escape(w) for w in word.split()) + r"(?:e?s)?(?![\w-])"


def _risk(family: str, raw: object) -> MaterialRisk:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) and raw[k] for k in ("id", "name")) or \
            not isinstance(raw.get("synonyms"), list) or not raw["synonyms"]:
        raise DataError(f"{FILE}: a risk of family \"{family}\" needs an id, a name and a list of synonyms")
    translated = tuple((key.removeprefix("synonyms_"), _words(family, raw, key)) for key in sorted(raw)
                       if key.startswith("synonyms_"))
    return MaterialRisk(raw["id"], raw["name"], _words(family, raw, "synonyms"), translated)


def _words(family: str, raw: dict[str, object], key: str) -> tuple[str, ...]:
    """One synonym list of a risk, checked: lower case, pairs written "a ~ b"."""
    if not isinstance(raw[key], list) or not raw[key]:
        raise DataError(f"{FILE}: risk \"{raw['id']}\" of family \"{family}\": {key} must be a list of words")
    words = [str(w) for w in raw[key]]  # type: ignore[attr-defined]
    if any(w != w.lower() or not w.strip("* ") for w in words):
        raise DataError(f"{FILE}: risk \"{raw['id']}\" of family \"{family}\": write each synonym in lower case")
    if any("~" in w and not all(side.strip("* ") for side in w.split("~")) for w in words):
        raise DataError(f"{FILE}: risk \"{raw['id']}\" of family \"{family}\": write a pair as \"a ~ b\"")
    return tuple(words)


@functools.cache
def families() -> dict[str, Family]:
    """Every family in the data file, by id."""
    out = {}
    for family_id, raw in load("material_risks").get("family", {}).items():
        if not isinstance(raw, dict) or not isinstance(raw.get("source"), str) or not raw["source"].strip():
            raise DataError(f"{FILE}: family \"{family_id}\" needs a name and a source (say where the list comes from)")
        risks = tuple(_risk(family_id, r) for r in raw.get("risk", []))
        if len({r.id for r in risks}) != len(risks):
            raise DataError(f"{FILE}: family \"{family_id}\" lists a risk id twice")
        out[family_id] = Family(family_id, str(raw.get("name", family_id)), raw["source"], risks)
    return out
