"""The rules that decide a pair: a veto first, then a duplicate rule, then the review queue.

Specificity first: a false merge hides a study from the reviewer, a missed duplicate costs one
extra click. So every automatic link needs the title *and* independent agreement (an identifier,
or authors plus the place of publication), and every veto names the field that disagrees.
Rules are data: ``RULES`` lists them in the order they are tried; ``decide`` returns the first
that fires. Thresholds are on the 0..1 scores of :mod:`screener.dedupe.scoring`.
"""

from __future__ import annotations

from dataclasses import dataclass

from screener.dedupe.features import Features
from screener.dedupe.scoring import Scores

AUTO = "auto"
REVIEW = "review"


@dataclass(frozen=True)
class Verdict:
    status: str | None  # auto | review | None (not duplicates)
    rule: str  # the rule or veto that decided
    score: float  # one number to sort the review queue by


def _ge(value: float | None, threshold: float) -> bool:
    return value is not None and value >= threshold


def _known_diff(value: float | None) -> bool:
    return value is not None and value == 0.0


def _score(s: Scores) -> float:
    weights = {
        "title": 3.0,
        "authors": 2.0,
        "journal": 1.0,
        "volume": 1.0,
        "pages": 1.0,
        "abstract": 1.0,
        "doi": 2.0,
        "issue": 0.5,
    }
    total = weight = 0.0
    for name, w in weights.items():
        value = s.get(name)
        if value is not None:
            total += w * float(value)
            weight += w
    return round(total / weight, 3) if weight else 0.0


def decide(a: Features, b: Features, s: Scores) -> Verdict:
    """Auto-link, send to review, or leave apart; with the name of the deciding rule."""
    score = _score(s)
    title = s["title"]
    authors = s["authors"]
    journal = s["journal"]
    gap = s["year_gap"]
    id_match = s["doi"] == 1.0 or s["pmid"] == 1.0 or s["ids"] == 1.0
    same_volume = s["volume"] == 1.0
    same_pages = s["pages"] == 1.0
    authors_ok = _ge(authors, 0.7)
    journal_ok = _ge(journal, 0.9)
    place = same_volume and same_pages  # volume and first page agree

    def review(rule: str) -> Verdict:
        return Verdict(REVIEW, rule, score)

    def apart(rule: str) -> Verdict:
        return Verdict(None, rule, score)

    # --- vetoes: a field that is known on both sides and disagrees --------------------------
    if _known_diff(s["doi"]) and not id_match:
        if _ge(title, 0.98) and gap == 0 and authors_ok and place:
            return review("veto:different-doi")
        return apart("veto:different-doi")
    if _known_diff(s["pmid"]):
        if _ge(title, 0.98) and gap == 0 and authors_ok and place and s["doi"] is None:
            return review("veto:different-pmid")
        return apart("veto:different-pmid")
    if s.get("title_numbers") == 0.0 and not id_match:
        return apart("veto:different-numbers-in-title")  # part 1 / part 2, phase II / III
    if a.notice != b.notice:
        return apart(f"veto:notice({a.notice or 'article'}/{b.notice or 'article'})")
    if gap is not None and gap > 1:
        if id_match and _ge(title, 0.9):
            return review("veto:year-gap")
        return apart("veto:year-gap")
    same_issue = s["issue"] == 1.0
    if a.conference != b.conference and not (
        # one database tags the meeting abstract, the other lists the same supplement item
        # (a full paper in the same journal and volume has its own pages, issue and abstract)
        (journal_ok and same_volume and (same_pages or same_issue))
        or (journal_ok and gap == 0 and (same_pages or _ge(s["abstract"], 0.95)))
        or (s["doi"] == 1.0 and _ge(title, 0.9))
    ):
        if id_match and _ge(title, 0.9):
            return review("veto:conference-vs-article")
        return apart("veto:conference-vs-article")
    if s["cross_language"]:
        return _cross_language(s, id_match, score)

    # --- identifiers -----------------------------------------------------------------------
    if id_match:
        if _ge(title, 0.85) or (title is None and (authors_ok or journal_ok or place)):
            return Verdict(AUTO, "same-identifier", score)
        if _ge(title, 0.7) and not _known_diff(s["pages"]):
            return review("same-identifier-different-title")
        return apart("same-identifier-different-title")  # e.g. one DOI for a whole supplement

    if _known_diff(s["volume"]) or _known_diff(s["pages"]):
        field = "volume" if _known_diff(s["volume"]) else "pages"
        if _ge(title, 0.97) and authors_ok and journal_ok and gap == 0:
            return review(f"veto:different-{field}")
        return apart(f"veto:different-{field}")

    if _known_diff(s["issue"]) and not place:
        # same volume, other issue (yearly updates, series): only a human can tell
        if _ge(title, 0.97) and authors_ok and journal_ok and gap is not None and gap <= 1:
            return review("veto:different-issue")
        return apart("veto:different-issue")

    # --- notices and short titles need the place of publication -------------------------------
    if a.notice or a.short_title or b.short_title:
        kind = "notice" if a.notice else "short-title"
        if _ge(title, 0.95) and place and (journal_ok or authors_ok) and gap is not None:
            return Verdict(AUTO, f"{kind}+volume+page", score)
        if _ge(title, 0.95) and authors_ok and journal_ok and gap == 0:
            if same_volume and _ge(s["abstract"], 0.95):
                return Verdict(AUTO, f"{kind}+authors+journal+abstract", score)
            return review(f"{kind}-without-page")
        return apart(f"{kind}-needs-volume-and-page")

    # --- title with independent agreement -------------------------------------------------------
    if gap is None:
        if _ge(title, 0.95) and authors_ok and place:
            return Verdict(AUTO, "title+authors+volume+page", score)
        if _ge(title, 0.95) and authors_ok and journal_ok:
            return review("no-year")
        return apart("no-year")
    journal_differs = journal is not None and journal < 0.8
    if _ge(title, 0.95):
        if authors_ok and (
            journal_ok or place or (_ge(s["abstract"], 0.9) and not journal_differs)
        ):
            return Verdict(AUTO, "title+authors+source", score)
        if place and journal_ok:
            return Verdict(AUTO, "title+journal+volume+page", score)
        if authors_ok and gap == 0 and journal is None:
            return (
                Verdict(AUTO, "title+authors+year", score)
                if _ge(title, 0.99) and (same_volume or same_pages)
                else review("title+authors-no-journal")
            )
        if journal_differs and not place:
            if (
                a.conference
                and b.conference
                and gap == 0
                and _ge(title, 0.97)
                and _ge(authors, 0.9)
            ):
                return review("conference-named-differently")
            return apart("different-journal")
        if authors_ok or journal_ok or place:
            return review("title-with-partial-support")
        return apart("title-only")
    if _ge(title, 0.85):
        if authors_ok and journal_ok and place:
            return Verdict(AUTO, "close-title+authors+journal+volume+page", score)
        if authors_ok and _ge(s["abstract"], 0.95) and (journal_ok or place):
            return Verdict(AUTO, "close-title+authors+abstract", score)
        if _ge(title, 0.9) and authors_ok and (journal_ok or place) and gap == 0:
            return review("close-title")
        return apart("close-title-weak-support")
    return apart("different-title")


def _cross_language(s: Scores, id_match: bool, score: float) -> Verdict:
    """A CJK record and a Latin-script record: identifiers, or translated title + the place."""
    if id_match:
        return Verdict(AUTO, "cross-language:same-identifier", score)
    if s["volume"] == 0.0 or s["pages"] == 0.0:
        return Verdict(None, "cross-language:different-volume-or-page", score)
    place = s["volume"] == 1.0 and s["pages"] == 1.0 and s["year_gap"] == 0
    if _ge(s["title"], 0.9) and place:
        return Verdict(AUTO, "cross-language:translated-title+year+volume+page", score)
    if _ge(s["title"], 0.9) and s["year_gap"] == 0:
        return Verdict(REVIEW, "cross-language:translated-title-only", score)
    return Verdict(None, "cross-language:no-identifier", score)
