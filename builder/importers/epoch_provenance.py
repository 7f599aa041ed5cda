"""Whose figure an Epoch AI value is: the developer's, passed through Epoch, or Epoch's own estimate (or a leak Epoch
cites).

Epoch's notes say how each value was found. A value stays `reported` only when the notes show the developer published
it: they quote the developer's words holding a number, or cite a table, figure, section or statement of the
developer's paper or model card; and Epoch's own words (outside the quotes) neither estimate (estimate, assume,
approximately, speculate, leak, rumour, ...) nor compute it (a product, a quotient, an equation, 6ND). Anything else
is a `third-party-estimate`, carrying Epoch's row confidence (Confident, Likely, Speculative) where it gives one, on
the figures that confidence rates (compute, parameters, dataset size; Epoch AI, AI Models Documentation,
"Estimation": https://epoch.ai/data/ai-models-documentation/estimation). The rule is deliberately strict: a count
Epoch lists without saying where it read it is not shown as the developer's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

REPORTED, THIRD_PARTY = "reported", "third-party-estimate"
CONFIDENCE = {"confident": "Confident", "likely": "Likely", "speculative": "Speculative"}
QUOTED = re.compile(r'"[^"]*"|“[^”]*”')
URL = re.compile(r"https?://\S+")
ESTIMATE = re.compile(
    r"estimat|assum|guess|speculat|approx|roughly|\baround\b|\babout\b|\blikely\b|probabl|rumou?r|leak|reportedly|"
    r"semianalysis|"
    r"\bwe think\b|\bi think\b|extrapolat|\binfer|imput|\bbased on\b|\bsuggest|unclear|not clear|not "
    r"sure|unknown|\bmay\b|"
    r"\bmight\b|\bcould\b|our (?:calculation|estimate)|~|≈|\?",
    re.IGNORECASE,
)
ARITHMETIC = re.compile(
    r"\d\s*[*×/]\s*\d|\d\s*x\s*\d|=\s*~?\s*\d|\b6\s*\*?\s*N\s*\*?\s*D\b|\bC\s*=|\*\s*10\^", re.IGNORECASE
)
DEVELOPER = re.compile(
    r"\breported\b|\bstated\b|\bstates\b|according to the (?:paper|authors|model card|developers?|technical "
    r"report|blog)|"
    r"\b(?:table|figure|fig\.|section|appendix|page|p\.)\s*[A-Z]?\d|model card|technical report|from the paper|in "
    r"the paper",
    re.IGNORECASE,
)
FLOP = re.compile(r"flops?\b(?!\s*/\s*s)|flop/s-days|pf-?days|petaflop", re.IGNORECASE)
MULTIPLIER = {
    "trillion": 1e12,
    "billion": 1e9,
    "million": 1e6,
    "thousand": 1e3,
    "t": 1e12,
    "b": 1e9,
    "m": 1e6,
    "k": 1e3,
}
TOKEN_COUNT = re.compile(
    r"(\d[\d,]*(?:\.\d+)?)(?:\s*(?:[eE]\+?(\d+)|[*x×]\s*10\^\s*(\d+)))?"
    r"\s*(trillion|billion|million|thousand|[TBMK])?\b"
    r"(?=[^.\n\d]{0,40}?\btokens?\b)",
    re.IGNORECASE,
)
TOKENS_TAG = re.compile(r"^\[\s*tokens?\s*\]", re.IGNORECASE)
TOKEN_TOLERANCE = 0.02


@dataclass(frozen=True)
class Judged:
    """Who stands behind one value (reported or third-party-estimate), Epoch's confidence if it is Epoch's, and why."""

    provenance: str
    confidence: str | None
    why: str


def confidence(row: Mapping[str, str]) -> str | None:
    """Epoch's confidence for the row in its own words, when it gives one ('Unknown' and blanks give none)."""
    return CONFIDENCE.get(row.get("Confidence", "").strip().lower())


def judge(notes: str, row: Mapping[str, str], subject: re.Pattern[str] | None = None, rated: bool = True) -> Judged:
    """`reported` when the notes show the developer published the value (and, with `subject`, mention what it is),
    else Epoch's; `rated` figures (compute, parameters, dataset size: what Epoch's confidence rates) carry the row's
    confidence."""
    if not rated:
        return _unrated(judge(notes, row, subject))
    notes = URL.sub(" ", notes or "")
    own = QUOTED.sub(" ", notes)
    if not notes.strip():
        return Judged(THIRD_PARTY, confidence(row), "Epoch AI gives no note on where the value comes from")
    if ESTIMATE.search(own):
        return Judged(
            THIRD_PARTY, confidence(row), "Epoch AI's notes call the value an estimate or cite a leak or guess"
        )
    if ARITHMETIC.search(own):
        return Judged(THIRD_PARTY, confidence(row), "Epoch AI computed the value (its notes show the calculation)")
    quoted = any(re.search(r"\d", q) for q in QUOTED.findall(notes))
    if not (quoted or DEVELOPER.search(own)):
        return Judged(THIRD_PARTY, confidence(row), "Epoch AI's notes do not say the developer published the value")
    if subject is not None and not subject.search(notes):
        return Judged(THIRD_PARTY, confidence(row), "Epoch AI's notes do not say the developer published this figure")
    return Judged(REPORTED, None, "Epoch AI's notes quote or cite the developer's publication")


def _unrated(judged: Judged) -> Judged:
    return Judged(judged.provenance, None, judged.why)


def parameters(row: Mapping[str, str]) -> Judged:
    return judge(row.get("Parameters notes", ""), row)


def compute(row: Mapping[str, str], method: str | None = None) -> Judged:
    """Training compute: Epoch's estimation method decides when it is known ('Reported' alone), else the notes, which
    must name the FLOP figure itself (a developer rarely publishes it; Epoch usually computes it)."""
    if method:
        methods = {m.strip().lower() for m in method.split(",") if m.strip()}
        if methods == {"reported"}:
            return Judged(REPORTED, None, "Epoch AI's estimation method: Reported")
        return Judged(THIRD_PARTY, confidence(row), f"Epoch AI's estimation method: {method}")
    return judge(row.get("Training compute notes", ""), row, FLOP)


def duration(row: Mapping[str, str]) -> Judged:
    return judge(row.get("Training time notes", ""), row, rated=False)


def _mentioned(value: float, notes: str) -> bool:
    """Whether the notes print the value (a count with or without thousands commas, a share as a fraction or a
    percentage)."""
    forms = {f"{value:g}", f"{value:,.0f}" if value >= 1 else "", f"{value * 100:g}%" if value < 1 else ""}
    if value >= 1 and float(value).is_integer():
        forms.add(str(int(value)))
    return any(f and re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d]|[.,]\d)", notes) for f in forms)


def _found_in_notes(value: float, row: Mapping[str, str], columns: tuple[str, ...], what: str) -> Judged:
    """A value without notes of its own (accelerator count, utilization, chip-hours): the developer's only when notes
    that show the developer published them print it."""
    for column in columns:
        notes = row.get(column, "")
        if notes and _mentioned(value, notes) and judge(notes, row).provenance == REPORTED:
            return Judged(REPORTED, None, f"printed in Epoch AI's {column.lower()}, which cite the developer")
    return Judged(THIRD_PARTY, None, f"Epoch AI's notes do not show the developer published the {what}")


NOTE_COLUMNS = ("Training compute notes", "Training time notes", "Utilization notes", "Compute cost notes")


def accelerator_count(value: float, row: Mapping[str, str]) -> Judged:
    return _found_in_notes(value, row, NOTE_COLUMNS, "accelerator count")


def utilization(value: float, row: Mapping[str, str]) -> Judged:
    return _found_in_notes(value, row, ("Utilization notes", "Training compute notes"), "utilization")


def chip_hours(value: float, row: Mapping[str, str]) -> Judged:
    return _found_in_notes(value, row, NOTE_COLUMNS, "chip-hours")


def _token_counts(notes: str) -> list[float]:
    """Every count the notes give in tokens ('780 billion tokens', '15.6T tokens', '3.2e10 tokens')."""
    found = []
    for digits, exponent, power, word in TOKEN_COUNT.findall(notes):
        try:
            number = float(digits.replace(",", ""))
        except ValueError:
            continue
        if exponent or power:
            number *= 10 ** int(exponent or power)
        found.append(number * MULTIPLIER.get(word.lower(), 1))
    return found


def states_tokens(size: float, notes: str) -> bool:
    """Whether Epoch's dataset-size notes state the size in tokens: tagged '[tokens]', or printing the same count as
    tokens."""
    if TOKENS_TAG.match(notes.strip()):
        return True
    return any(abs(n - size) <= TOKEN_TOLERANCE * size for n in _token_counts(notes))


def tokens(size: float, epochs: float | None, row: Mapping[str, str]) -> Judged:
    """Training tokens from a dataset size in tokens: the developer's only when the notes show it published them and
    no epoch count of Epoch's multiplies them."""
    if epochs is not None and epochs != 1:
        return Judged(THIRD_PARTY, confidence(row), "Epoch AI multiplied the dataset size by its epoch count")
    return judge(row.get("Dataset size notes", ""), row)
