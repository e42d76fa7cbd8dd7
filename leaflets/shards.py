"""``leaflets build --shard I/N`` and ``leaflets merge-manifests``: one build split across the jobs
of a CI matrix, and joined again.

**The partition.** Shard I of N builds the leaflets whose name (``<id>.<language>``, the name their
outputs have) a *jump consistent hash* (Lamping and Veach, 2014) of its SHA-256 puts in bucket
I - 1. A leaflet's shard depends on that leaflet and N only, so adding or removing leaflets never
moves another one (a shard's cached output folder stays valid: only the shard that gained a leaflet
renders), and going from N to N + 1 shards moves only the 1/(N + 1) of leaflets the new shard takes
(``hash mod N`` would move nearly all). The price is balance: buckets are as even as random ones,
about n/N ± √(n/N) leaflets, which is a few per cent at the scale sharding is for (hundreds per
shard); a sorted round-robin is perfectly even but moves every leaflet after an inserted one.
Refused leaflets are partitioned the same way (by the name their outputs would have), and two files
with one name land in one shard, which refuses both as a full build does.

**What a shard writes.** Its leaflets' outputs, and the whole-build files every shard writes alike
(``index.html``, listing every leaflet, and the brand's ``assets/``), into its own folder, with a
part manifest ``manifest.shard-I-of-N.json``: the manifest a full build writes, plus ``shard``. A
shard removes stale files only from what its own part manifest listed, never another shard's.

**Merging.** :func:`merge` joins the parts into the manifest a full build would have written, byte
for byte, after proving they belong together: every part of the same N present once, the same tool
version and toolchain, brand, content and options, no leaflet output listed by two parts, the
whole-build files identical in every part, and (unless told not to) every file present beside the
merged manifest with the SHA-256 it lists.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from leaflets import incremental
from leaflets.errors import UsageError

PART = re.compile(r"^manifest\.shard-(\d+)-of-(\d+)\.json$")
SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
MAX_SHARDS = 10_000


class MergeError(UsageError):
    """Parts that do not make one build (exit code 2): one line naming the parts and what differs."""


@dataclass(frozen=True)
class Shard:
    index: int  # 1 … count
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"I/N"`` with 1 ≤ I ≤ N; raises UsageError with the accepted form."""
        match = SHARD.match(text)
        if not match or not 1 <= int(match[1]) <= int(match[2]) <= MAX_SHARDS:
            raise UsageError(f"--shard {text!r}: write it as I/N, this shard's number and the number of shards, "
                             f"with 1 <= I <= N <= {MAX_SHARDS} (e.g. --shard 1/4)")
        return cls(int(match[1]), int(match[2]))

    @property
    def manifest(self) -> str:
        """The part manifest's name in the shard's output folder."""
        return f"manifest.shard-{self.index}-of-{self.count}.json"

    def owns(self, leaflet_id: str, language: str) -> bool:
        """Whether this shard builds the leaflet named ``<id>.<language>`` (a leading "?" of a name
        guessed from the path is ignored: the outputs are named without it)."""
        return bucket(leaflet_id.removeprefix("?"), language, self.count) == self.index - 1

    def describe(self) -> dict[str, int]:
        return {"index": self.index, "count": self.count}


def bucket(leaflet_id: str, language: str, count: int) -> int:
    """The bucket, 0 … count - 1, of the leaflet named ``<id>.<language>``."""
    key = int.from_bytes(hashlib.sha256(f"{leaflet_id}.{language}".encode()).digest()[:8], "big")
    return jump_hash(key, count)


def jump_hash(key: int, buckets: int) -> int:
    """Lamping and Veach's jump consistent hash of a 64-bit ``key`` into ``buckets`` buckets: when
    the number of buckets grows by one, only the keys the new bucket takes move."""
    chosen, candidate = -1, 0
    while candidate < buckets:
        chosen = candidate
        key = (key * 2862933555777941757 + 1) & 0xFFFF_FFFF_FFFF_FFFF
        candidate = int((chosen + 1) * ((1 << 31) / ((key >> 33) + 1)))
    return chosen


# --- merging the parts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    path: Path
    data: dict[str, Any]

    @property
    def shard(self) -> tuple[int, int]:
        return self.data["shard"]["index"], self.data["shard"]["count"]


def merge(paths: Sequence[str | Path], out: str | Path, *, verify: bool = True) -> dict[str, Any]:
    """The manifest of the whole build the parts at ``paths`` are shards of, written to ``out``
    (atomically); raises MergeError. With ``verify``, every file it lists must be in the folder of
    ``out`` with the SHA-256 it gives (copy the shards' outputs there first)."""
    from leaflets.manifest import dump
    from leaflets.outputs import write_atomic

    parts = [_read(Path(path)) for path in paths]
    if not parts:
        raise MergeError("merge-manifests: name the part manifests to merge (manifest.shard-I-of-N.json)")
    _check_complete(parts)
    _check_same_build(parts)
    merged = {key: value for key, value in parts[0].data.items() if key != "shard"}
    merged["outputs"] = _join_outputs(parts)
    target = Path(out)
    if verify:
        _verify_files(target.parent, merged["outputs"])
    write_atomic(target, dump(merged))  # as the whole build would have: see leaflets.manifest.dump
    return merged


def _read(path: Path) -> Part:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MergeError(f"{path}: cannot read the part manifest: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise MergeError(f"{path}: not a part manifest: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("tool") != "leaflets" or not isinstance(data.get("outputs"), list):
        raise MergeError(f"{path}: not a manifest leaflets wrote")
    if data.get("in_progress"):
        raise MergeError(f"{path}: that shard's build did not finish (the manifest says it is in progress): "
                         "build the shard again")
    shard = data.get("shard")
    if not (isinstance(shard, dict) and isinstance(shard.get("index"), int) and isinstance(shard.get("count"), int)
            and 1 <= shard["index"] <= shard["count"]):
        raise MergeError(f"{path}: not a part manifest (it has no \"shard\": it is a whole build's manifest): "
                         "merge the manifest.shard-I-of-N.json files that `leaflets build --shard I/N` wrote")
    if not all(isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("sha256"), str)
               for e in data["outputs"]):
        raise MergeError(f"{path}: an output without a path or sha256: not a manifest leaflets wrote")
    return Part(path, data)


def _check_complete(parts: list[Part]) -> None:
    """One part per shard of one N: a missing shard would make the folder look whole without its leaflets."""
    counts = sorted({part.shard[1] for part in parts})
    if len(counts) > 1:
        first, other = (next(p for p in parts if p.shard[1] == n) for n in counts[:2])
        raise MergeError(f"{first.path} is a shard of {counts[0]} and {other.path} of {counts[1]}: merge the parts "
                         "of one build")
    seen: dict[int, Path] = {}
    for part in parts:
        if part.shard[0] in seen:
            raise MergeError(f"{seen[part.shard[0]]} and {part.path} are both shard {part.shard[0]} of {counts[0]}: "
                             "name each part once")
        seen[part.shard[0]] = part.path
    missing = [str(i) for i in range(1, counts[0] + 1) if i not in seen]
    if missing:
        raise MergeError(f"shard(s) {', '.join(missing)} of {counts[0]} missing: merge every part of the build "
                         f"(given: {', '.join(str(p.path) for p in parts)})")


# (field, what it is, what to do) for every top-level field parts of one build must share
SAME = (("version", "leaflets version", "build every shard with the same version"),
        ("inputs.toolchain", "toolchain (leaflets code, templates or library versions)",
         "build every shard from the same commit and environment"),
        ("brand", "brand", "build every shard with the same --brand"),
        ("inputs.brand_sha256", "brand folder contents", "build every shard from the same brand files"),
        ("inputs.content_sha256", "content files", "build every shard from the same content (commit and paths)"),
        ("inputs.options", "options (--format, --profile, --draft, --crop-marks, --booklet)",
         "build every shard with the same options"))


def _field(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for name in dotted.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    return value


def _check_same_build(parts: list[Part]) -> None:
    first = parts[0]
    for dotted, what, fix in SAME:
        for part in parts[1:]:
            if _field(part.data, dotted) != _field(first.data, dotted):
                mine, theirs = _field(first.data, dotted), _field(part.data, dotted)
                shown = f" ({mine} and {theirs})" if dotted in ("version", "brand") else ""
                raise MergeError(f"{first.path} and {part.path} differ in {what}{shown}: they are not parts of "
                                 f"one build; {fix}")


def _join_outputs(parts: list[Part]) -> list[dict[str, Any]]:
    """Every part's outputs once. A leaflet's output (one with a ``source``) in two parts is refused;
    a whole-build file (index, assets) must be the same in every part that lists it."""
    joined: dict[str, tuple[dict[str, Any], Path]] = {}
    for part in parts:
        for entry in part.data["outputs"]:
            earlier = joined.get(entry["path"])
            if earlier is None:
                joined[entry["path"]] = (entry, part.path)
            elif "source" in entry or "source" in earlier[0]:
                raise MergeError(f"{entry['path']} is listed by both {earlier[1]} and {part.path}: shards must not "
                                 "overlap (were they built with different --shard counts or content?)")
            elif entry != earlier[0]:
                raise MergeError(f"{entry['path']} differs between {earlier[1]} and {part.path}: every shard writes "
                                 "it alike from the whole build, so the shards saw different content or one failed")
    return [entry for entry, _part in joined.values()]


def _verify_files(folder: Path, outputs: list[dict[str, Any]]) -> None:
    for entry in sorted(outputs, key=lambda e: e["path"]):
        relative = PurePosixPath(entry["path"])
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise MergeError(f"{entry['path']}: not a path inside the output folder: not a manifest leaflets wrote")
        actual = incremental.file_sha256(folder.joinpath(*relative.parts))
        if actual is None:
            raise MergeError(f"{folder / entry['path']}: missing: copy every shard's outputs into {folder} before "
                             "merging (or merge with --no-verify)")
        if actual != entry["sha256"]:
            raise MergeError(f"{folder / entry['path']}: has SHA-256 {actual[:12]}…, not the {entry['sha256'][:12]}… "
                             "its part manifest lists: copy that shard's outputs again")
