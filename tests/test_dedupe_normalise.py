"""What exports really put in titles, venues and pages, read into comparable forms."""

from __future__ import annotations

import pytest

from screener.dedupe.pages import page_parts, pages_similarity
from screener.dedupe.titles import clean_title, title_variants
from screener.dedupe.venue import venue_keys, venue_similarity


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1762-3", "1762-1763", 1.0),
        ("1763-1762", "1762-1763", 0.9),  # range written backwards
        ("587-0", "587-600", 1.0),  # an abbreviation that makes no range: first page kept
        ("123-5, 130-2", "130-132", 0.9),  # several ranges, the other gives the second
        ("1763", "1762-1763", 0.9),  # a single page that ends the other's range
        ("S123", "123", 0.8),  # supplement letter lost
        ("123 Suppl", "S123", 0.8),
        ("1284-1290", "1234-1290", 0.6),  # one digit wrong, same last page
        ("1324-1330", "1234-1330", 0.6),  # two digits swapped
        ("1284-1299", "1234-1290", 0.0),  # first and last page both differ
        ("e12724", "1-8", None),  # article number vs printed pages: not comparable
        ("945-948", "948-961", 0.0),  # one range ends where the other starts: two articles
        ("08-Nov", "1-8", None),  # Excel damage is unknown, not different
    ],
)
def test_pages_similarity(a: str, b: str, expected: float | None) -> None:
    assert pages_similarity(page_parts(a), page_parts(b)) == expected


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "Tacrolimus in myositis. [Erratum appears in Lancet 2000;1:2]. [Review] [33 refs]",
            "Tacrolimus in myositis",
        ),
        ("Tacrolimus in myositis. Erratum in: Lancet. 2001;2:3", "Tacrolimus in myositis"),
        ("Tacrolimus in myositis.[Erratum appears in Arch", "Tacrolimus in myositis"),
        ("Tacrolimus in myositis [Article in German]", "Tacrolimus in myositis"),
        ("Original Article: A cohort of &lt;i&gt;patients&lt;/i&gt;", "A cohort of patients"),
        ("\u201cQuoted\u201d title of a 'cohort' study", "Quoted title of a cohort study"),
        ("Review: the treatment of myositis", "Review: the treatment of myositis"),
    ],
)
def test_clean_title(raw: str, clean: str) -> None:
    assert clean_title(raw) == clean


def test_title_variants_of_translated_titles() -> None:
    two = "Tacrolimus bei Myositis: eine Kohorte; Tacrolimus in myositis: a cohort"
    assert title_variants(two, foreign=True) == (
        two,
        "Tacrolimus bei Myositis: eine Kohorte",
        "Tacrolimus in myositis: a cohort",
    )
    assert title_variants(two) == (two,)  # in an English title a semicolon is punctuation
    assert title_variants("[Tacrolimus in refractory myositis]") == (
        "Tacrolimus in refractory myositis",
    )
    assert title_variants("Wirkung von Tacrolimus bei Myositis [Effect of tacrolimus]") == (
        "Wirkung von Tacrolimus bei Myositis [Effect of tacrolimus]",
        "Wirkung von Tacrolimus bei Myositis",
        "Effect of tacrolimus",
    )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Americas Conference on Information Systems", "AMCIS 2017 Proceedings", True),
        (
            "Proceedings of the 17th Annual Meeting of the European Society of Cardiology",
            "European Society of Cardiology Congress 2015",
            True,
        ),
        ("Conference: Society of Cardiology; 2015", "Society of Cardiology", True),
        ("BMJ", "British Medical Journal", True),
        ("N Engl J Med", "New England Journal of Medicine", True),
        ("International Journal of Cancer", "Journal of Cancer", False),
        ("Arthritis Rheum", "Arthritis Care Res", False),
        (
            "Haematologica",
            "Conference: 21st Congress of the European Hematology Association",
            False,
        ),
    ],
)
def test_venue_names(a: str, b: str, same: bool) -> None:
    assert (venue_similarity(venue_keys([a]), venue_keys([b])) == 1.0) is same


def test_pages_with_letters_after_the_number() -> None:
    assert pages_similarity(page_parts("93A-92A"), page_parts("92A-93A")) == 0.9
    assert pages_similarity(page_parts("251-217"), page_parts("215-217")) == 0.6
