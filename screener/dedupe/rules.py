"""How a pair is decided: constraints first, then the calibrated score.

Specificity first: a false merge hides a study from the reviewer, a missed duplicate costs one
extra click. A pair goes through three steps; the first that decides names itself in the
pair's ``rule``.

1. **Constraints** (:func:`constraint`), kept as verdicts because one field settles them:
   different DOIs or PMIDs (hard vetoes, sent to review only when everything else is
   identical), different numbers in the titles (part 1 / part 2), a notice (erratum, reply,
   comment, retraction) against an article, years more than one apart (``YEAR_GAP``), a
   meeting abstract against an article (unless the two are the same supplement item), a CJK
   title against a Latin one (identifiers or the translated title plus year, volume and page).
   A shared identifier (DOI, PMID, accession) links when the titles agree.
2. **Titles in two languages** (the language fields differ or a title carries its
   translation) that do not agree: the title cannot tell, so volume (or, when one record
   lacks it, the exact first page), first page, year, authors (``TRANSLATED_AUTHORS``) and
   journal must all agree, abstracts not differing (``translated-title+place``).
3. **The score** (:mod:`screener.dedupe.model`): a probability from the per-field evidence.
   At ``AUTO_P`` or above the pair is linked, if the title agrees (``TITLE_AUTO``) and
   something independent of the title does too (authors ``AUTHORS_OK``, journal
   ``JOURNAL_OK``, or volume + first page); a short or generic title or a notice also needs
   volume + first page (or volume + the same abstract, ``ABSTRACT_SAME``); a pair without
   a year needs volume + first page, and one with different issue numbers needs pages to
   compare (an updated Cochrane review keeps its title, volume and authors in another issue;
   an issue field holding a reference manager's record number is outweighed by the pages).
   A title that matches only as the start or end of the other (truncated, subtitle lost)
   also needs the authors (``PARTIAL_AUTHORS``) and no disagreeing abstract
   (``PARTIAL_ABSTRACT``): two abstracts printed on one page of one issue often share the
   start of their titles. Two abstracts
   that differ (below ``ABSTRACT_DIFFERENT``) never link automatically. At ``REVIEW_P``
   or above (title at least ``TITLE_REVIEW``) the pair goes to the review queue.

Thresholds are on the 0..1 scores of :mod:`screener.dedupe.scoring`; each has boundary pairs
in tests/test_dedupe_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from screener.dedupe.features import Features
from screener.dedupe.model import MODEL, Model, probability
from screener.dedupe.scoring import Scores

AUTO = "auto"
REVIEW = "review"

YEAR_GAP = 1  # years apart that a pair may be (ahead-of-print vs print)
AUTO_P = 0.85  # probability for an automatic link
REVIEW_P = 0.5  # probability for the review queue
TITLE_AUTO = 0.85  # least title similarity for an automatic link by score
TITLE_REVIEW = 0.8  # least title similarity for the review queue
AUTHORS_OK = 0.7  # authors agree
JOURNAL_OK = 0.9  # journal agrees
PLACE_PAGES = 0.9  # first pages agree (same, or a range end / backwards range)
PARTIAL_AUTHORS = 0.8  # a partial title needs authors this close
PARTIAL_ABSTRACT = 0.9  # ... and abstracts (when both have one) this close
ID_TITLE = 0.85  # a shared identifier links when the titles are this close
ID_TITLE_REVIEW = 0.7  # ... and is reviewed down to this
TRANSLATED_AUTHORS = 0.9  # titles in two languages: authors this close
ABSTRACT_SAME = 0.95  # a short title or notice: same volume and this close an abstract
ABSTRACT_DIFFERENT = 0.55  # two abstracts this far apart are two works (never auto-linked)


@dataclass(frozen=True)
class Verdict:
    status: str | None  # auto | review | None (not duplicates)
    rule: str  # the rule or veto that decided
    score: float  # the calibrated probability; sorts the review queue


def _ge(value: float | None, threshold: float) -> bool:
    return value is not None and value >= threshold


def _known_diff(value: float | None) -> bool:
    return value is not None and value == 0.0


def _abstracts_differ(s: Scores) -> bool:
    return s["abstract"] is not None and s["abstract"] < ABSTRACT_DIFFERENT


def _place(s: Scores) -> bool:
    """Volume and first page agree."""
    return s["volume"] == 1.0 and _ge(s["pages"], PLACE_PAGES)


def decide(a: Features, b: Features, s: Scores, model: Model = MODEL) -> Verdict:
    """Auto-link, send to review, or leave apart; with the name of the deciding rule."""
    score = probability(s, model)
    verdict = constraint(a, b, s, score)
    if verdict is not None:
        return verdict
    return by_score(a, s, score)


def constraint(a: Features, b: Features, s: Scores, score: float = 0.0) -> Verdict | None:
    """The verdict of a veto, an identifier or a language rule; None: the score decides."""
    title = s["title"]
    gap = s["year_gap"]
    id_match = s["doi"] == 1.0 or s["pmid"] == 1.0 or s["ids"] == 1.0
    authors_ok = _ge(s["authors"], AUTHORS_OK)
    journal_ok = _ge(s["journal"], JOURNAL_OK)
    same_volume = s["volume"] == 1.0
    same_pages = _ge(s["pages"], PLACE_PAGES)
    place = same_volume and same_pages

    def review(rule: str) -> Verdict:
        return Verdict(REVIEW, rule, score)

    def apart(rule: str) -> Verdict:
        return Verdict(None, rule, score)

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
    if gap is not None and gap > YEAR_GAP:
        if id_match and _ge(title, 0.9):
            return review("veto:year-gap")
        return apart("veto:year-gap")
    if a.conference != b.conference and not (
        # one database tags the meeting abstract, the other lists the same supplement item
        # (a full paper in the same journal and volume has its own pages, issue and abstract)
        (journal_ok and same_volume and (same_pages or s["issue"] == 1.0))
        or (journal_ok and gap == 0 and (same_pages or _ge(s["abstract"], 0.95)))
        or (s["doi"] == 1.0 and _ge(title, 0.9))
    ):
        if id_match and _ge(title, 0.9):
            return review("veto:conference-vs-article")
        return apart("veto:conference-vs-article")
    if s["cross_language"]:
        return _cross_language(s, id_match, score)
    if id_match:
        if _ge(title, ID_TITLE) or (title is None and (authors_ok or journal_ok or place)):
            return Verdict(AUTO, "same-identifier", score)
        if _ge(title, ID_TITLE_REVIEW) and not _known_diff(s["pages"]):
            return review("same-identifier-different-title")
        return apart("same-identifier-different-title")  # e.g. one DOI for a whole supplement
    two_languages = (a.language != b.language and a.language and b.language) or s.get("translated")
    if two_languages and not _ge(title, TITLE_AUTO):
        if (
            (place or (s["volume"] is None and s["pages"] == 1.0))
            and gap == 0
            and not _abstracts_differ(s)
            and _ge(s["authors"], TRANSLATED_AUTHORS)
            and journal_ok
            and not a.conference
        ):
            return Verdict(AUTO, "translated-title+place", score)
        return apart("translated-title-without-place")
    return None


def by_score(a: Features, s: Scores, score: float) -> Verdict:
    """Link, review or leave apart by the calibrated score and the guards of the docstring."""
    title = s["title"]
    if score >= AUTO_P and _ge(title, TITLE_AUTO):
        place = _place(s)
        supported = _ge(s["authors"], AUTHORS_OK) or _ge(s["journal"], JOURNAL_OK) or place
        missing = ""
        if not supported:
            missing = "independent-agreement"
        elif _abstracts_differ(s):
            missing = "agreeing-abstracts"
        elif (a.notice or s.get("short_title")) and not (
            place or (s["volume"] == 1.0 and _ge(s["abstract"], ABSTRACT_SAME))
        ):
            missing = "volume-and-page"
        elif s["year_gap"] is None and not place:
            missing = "year-or-place"
        elif s["issue"] == 0.0 and s["pages"] is None:
            missing = "page-agreement-against-other-issue"  # yearly updates, series
        elif s.get("title_partial") and not (
            _ge(s["authors"], PARTIAL_AUTHORS)
            and (s["abstract"] is None or _ge(s["abstract"], PARTIAL_ABSTRACT))
        ):
            missing = "authors-and-abstract-for-partial-title"
        if not missing:
            return Verdict(AUTO, "score", score)
        return Verdict(REVIEW, f"score-without-{missing}", score)
    if score >= REVIEW_P and _ge(title, TITLE_REVIEW):
        return Verdict(REVIEW, "score-uncertain", score)
    return Verdict(None, "score-low", score)


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
