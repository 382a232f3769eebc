"""Titles as exports really write them: what to strip before two titles are compared.

* MEDLINE and reference-manager notes, bracketed anywhere or trailing (also when an export
  cut the title inside the note, leaving no closing bracket): ``[Erratum appears in ...]``,
  ``[Retraction in ...]``, ``[Comment on ...]``, ``[Review]``, ``[33 refs]``, and the
  unbracketed ``. Erratum in: ...`` form. They describe the record; they are not its title,
  and left in they make an article look like an erratum.
* HTML entities and markup (``&lt;i&gt;``, ``<sup>``), quotes of every kind.
* A section heading put before the title by one database (``Original Article: ...``).
* Translated titles: MEDLINE brackets the English translation of a non-English title
  (``[Tacrolimus in myositis].``); some exports give both (``Titre original [English title]``
  or ``Original = English``, or for an article in another language ``Original; English``).
  :func:`title_variants` yields each language's form so that a
  record meets its copy in either language.
"""

from __future__ import annotations

import html
import re

_NOTE_WORDS = (
    r"erratum|errata|corrigendum|corrected|correction|retraction|retracted|withdrawn|comment|"
    r"comments|commentary|update|updated|published|republished|reprinted|reprint|see|refs?|"
    r"references?|review|discussion|abstract|letter|editorial|english abstract|"
    r"expression of concern|summary for patients"
)
_BRACKET_NOTE = re.compile(
    rf"\[\s*(?:{_NOTE_WORDS})\b[^\[\]]*(?:\]|$)|\[\d+\s+refs?\]"
    r"|\[(?:article|text|abstract|summary)?\s*in\s+[a-z]+(?:\s+[a-z]+)?\]",
    re.I,
)
_TRAILING_NOTE = re.compile(
    r"[.\s]+(?:erratum|errata|corrigendum|retraction|comment|update)s?\s+(?:in|on|appears in|"
    r"to|of|for)\s*:?\s+.*$",
    re.I,
)
_HEADING = re.compile(
    r"^\s*(?:original (?:article|research|paper|contribution|investigation)|research "
    r"(?:article|paper|letter)|review article|brief (?:report|communication)|short "
    r"(?:report|communication)|case report|clinical (?:study|trial|research)|"
    r"letter to the editor|systematic review|meta-analysis|editorial|perspective|viewpoint)"
    r"\s*[:.\u2013\u2014-]\s+(?=\S)",
    re.I,
)
_MARKUP = re.compile(r"<[^>]{0,40}>")
_QUOTES = re.compile("[\"\u201c\u201d\u201e\u2018\u2019\u00ab\u00bb`]|(?<!\\w)'|'(?!\\w)")
_WHOLE_BRACKET = re.compile(r"^\s*\[(.+)\]\s*\.?\s*$", re.S)
_BOTH_LANGUAGES = re.compile(r"^(.{10,}?)\s*(?:\[(.{10,})\]|\s=\s(.{10,}))\s*\.?\s*$", re.S)


def clean_title(title: str | None) -> str:
    """The title without notes, markup, quotes and a leading section heading."""
    if not title:
        return ""
    text = html.unescape(html.unescape(title))
    text = _MARKUP.sub(" ", text)
    text = _QUOTES.sub("", text)
    text = _BRACKET_NOTE.sub(" ", text)
    stripped = _TRAILING_NOTE.sub("", text)
    if len(stripped) >= 10:
        text = stripped
    headless = _HEADING.sub("", text)
    if len(headless) >= 10:
        text = headless
    return " ".join(text.split()).strip(" .")


def title_variants(title: str, foreign: bool = False) -> tuple[str, ...]:
    """The cleaned title and, for a title given in two languages, each language's form.

    ``[English translation].`` (MEDLINE) gives the text inside; ``Original [English]`` and
    ``Original = English`` give the whole, the original and the English form; so does
    ``Original; English`` when the record's language is not English (``foreign``): in an
    English title a semicolon is only punctuation.
    """
    whole = _WHOLE_BRACKET.match(title)
    if whole:
        return (whole.group(1).strip(" ."),)
    both = _BOTH_LANGUAGES.match(title)
    if both:
        original, english = both.group(1), both.group(2) or both.group(3)
        return (title, original.strip(" .:;"), english.strip(" .:;"))
    if foreign and "; " in title:
        original, _, english = title.partition("; ")
        if len(original) >= 10 and len(english) >= 10:
            return (title, original.strip(" .:;"), english.strip(" .:;"))
    return (title,)
