"""PubMed XML (``PubmedArticleSet``: efetch / legacy download), articles and book articles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from screener import normalize
from screener.readers import Origin, Reader
from screener.readers.fields import authors, clean, finish, issn, language, unique
from screener.readers.xmlsafe import elements, text, to_dict
from screener.record import Record


def sniff(head: str) -> bool:
    return bool(re.search(r"<(?:!DOCTYPE\s+)?PubmedArticleSet\b", head[:4000]))


def origin(head: str) -> Origin:
    return ("PubMed", "PubMed")


def parse(lines: Iterable[str], source: str) -> Iterator[Record]:
    for element in elements(lines, source, ("PubmedArticle", "PubmedBookArticle")):
        yield build(element)


def _author(node: Any) -> str | None:
    """``Surname AB`` for a person; a group's name as written."""
    collective = text(node.find("CollectiveName"))
    if collective:
        return collective
    last = text(node.find("LastName"))
    if not last:
        return None
    initials = text(node.find("Initials"))
    if initials:
        return f"{last} {initials}"
    fore = text(node.find("ForeName"))
    found = authors([f"{last}, {fore}" if fore else last])
    return found[0] if found else None


def _abstract(node: Any | None) -> str | None:
    if node is None:
        return None
    parts = []
    for part in node.findall("AbstractText"):
        body = text(part)
        if not body:
            continue
        label = part.get("Label")
        parts.append(f"{label}: {body}" if label else body)
    return " ".join(parts) or None


def _year(node: Any | None) -> int | None:
    if node is None:
        return None
    return normalize.year(text(node.find("Year")) or text(node.find("MedlineDate")))


def build(element: Any) -> Record:
    citation = element.find("MedlineCitation")
    book = element.find("BookDocument")
    main = citation if citation is not None else book
    data = element.find("PubmedData")
    article = main.find("Article") if main is not None else None
    ids: dict[str, str] = {}
    for node in element.iterfind(".//ArticleIdList/ArticleId"):
        kind = node.get("IdType")
        value = text(node)
        if kind and value and kind not in ids and node.getparent().getparent() in (data, main):
            ids[kind] = value
    pmid = text(main.find("PMID")) if main is not None else ids.get("pubmed")
    doi = ids.get("doi")
    if not doi and article is not None:
        for loc in article.findall("ELocationID"):
            if loc.get("EIdType") == "doi":
                doi = text(loc)
    scope = article if article is not None else book
    journal = article.find("Journal") if article is not None else None
    issue = journal.find("JournalIssue") if journal is not None else None
    names = [] if scope is None else [_author(a) for a in scope.iterfind("AuthorList/Author")]
    year = _year(issue.find("PubDate")) if issue is not None else None
    if year is None and book is not None:
        year = _year(book.find("Book/PubDate"))
    keywords = [text(k) for k in element.iterfind(".//MeshHeadingList/MeshHeading/DescriptorName")]
    keywords += [text(k) for k in element.iterfind(".//KeywordList/Keyword")]
    types = [text(t) for t in element.iterfind(".//PublicationTypeList/PublicationType")]
    title = None
    if scope is not None:
        title = text(scope.find("ArticleTitle")) or text(scope.find("BookTitle"))
    if title is None and book is not None:
        title = text(book.find("Book/BookTitle"))
    lang = text(scope.find("Language")) if scope is not None else None
    record = Record(
        title=title,
        abstract=_abstract(scope.find("Abstract") if scope is not None else None),
        authors=[n for n in names if n],
        year=year,
        journal=text(journal.find("Title")) if journal is not None else None,
        journal_abbrev=text(journal.find("ISOAbbreviation")) if journal is not None else None,
        volume=text(issue.find("Volume")) if issue is not None else None,
        issue=text(issue.find("Issue")) if issue is not None else None,
        pages=normalize.pages(text(article.find("Pagination/MedlinePgn")))
        if article is not None
        else None,
        doi=normalize.doi(doi),
        pmid=pmid,
        pmcid=ids.get("pmc"),
        issn=issn(text(journal.find("ISSN"))) if journal is not None else None,
        language=language(lang),
        publication_types=unique(t for t in types if t),
        keywords=unique(clean(k) or "" for k in keywords if k),
        raw={element.tag: to_dict(element)},
    )
    return finish(record)


READER = Reader("pubmed-xml", "PubMed XML", sniff, parse, origin)
