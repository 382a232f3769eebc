"""The reconstruction's table: every record of the worked example, where it comes from, which
database exports it and what the reviewers decide. Read by make_data.py.

Real records take their bibliographic facts from ../shared/seed-review/bibliography.csv (the
``bib`` key); this table adds only what the reconstruction itself contributes. Constructed
records are entirely the reconstruction's (names, journals, numbers): see README.md.

Decision codes: ``i`` include, ``m`` maybe, ``eN`` exclude with reason N of that stage's list.
A third code is the consensus decision after a disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ---------------------------------------------------------------- protocol: reasons (review.toml)
TA_REASONS = [
    "Not refractory PM/DM (other disease or myositis type or untreated patients)",
    "Not systemic tacrolimus (other drug or topical tacrolimus)",
    "Not a clinical study (review or editorial or survey)",
    "Case report or case series of fewer than 5 patients",
    "Animal or in vitro study",
]
FT_REASONS = [
    "Wrong population (not refractory PM/DM or PM/DM not reported separately)",
    "Wrong intervention (no systemic tacrolimus or its effect not separable)",
    "No outcome of interest reported",
    "Wrong study design (review or secondary report or fewer than 5 patients)",
    "Protocol or ongoing study without results",
]
# Reason texts have no commas or semicolons: PRISMA2020's CSV lists reasons as "Reason, n; ..."

LIMIT_TEXT = {
    "year": "outside the years 1980-2015 ([limits] year_min/year_max)",
    "language": "language not English or Chinese ([limits] languages)",
    "type": "publication type excluded ([limits] exclude_publication_types)",
}

SEARCH_DATE = "2015-04-30"  # reconstruction: the paper gives only "May 1980 to April 2015"
UPDATE_DATE = "2016-04-30"  # reconstruction: the update round, a year later

# ------------------------------------------------------------------------- constructed sources
# Constructed journal names (fictional; chosen not to match a journal known to the compiler).
J = {
    "myo": ("Journal of Inflammatory Myopathy Research", "J Inflamm Myopathy Res"),
    "imm": ("Annals of Immunosuppressive Therapy", "Ann Immunosuppr Ther"),
    "case": ("Case Reports in Clinical Myology", "Case Rep Clin Myol"),
    "tx": ("Transplant Pharmacotherapy Reports", "Transpl Pharmacother Rep"),
    "exp": ("Experimental Myology", "Exp Myol"),
    "resp": ("Respiratory Rheumatology", "Respir Rheumatol"),
    "derm": ("Clinical Dermatology Therapeutics", "Clin Dermatol Ther"),
    "prot": ("Trial Protocols in Rheumatology", "Trial Protoc Rheumatol"),
    "prov": ("Provincial Medical Bulletin", "Prov Med Bull"),
    "neph": ("Renal Immunology Reports", "Ren Immunol Rep"),
    "neuro": ("Neuromuscular Therapeutics", "Neuromuscul Ther"),
}
# Constructed Chinese journals: (Chinese name, English name used by Embase)
JZ = {
    "myo": ("临床肌病学杂志", "Journal of Clinical Myopathy"),
    "rheum": ("风湿免疫临床杂志", "Clinical Journal of Rheumatology and Immunology"),
    "pharm": ("实用免疫药理学杂志", "Journal of Practical Immunopharmacology"),
    "tx": ("器官移植药学杂志", "Journal of Organ Transplant Pharmacy"),
    "derm": ("皮肤病治疗学杂志", "Journal of Dermatological Therapeutics"),
    "lung": ("肺病与风湿杂志", "Journal of Lung Disease and Rheumatism"),
    "exp": ("实验肌病学杂志", "Journal of Experimental Myopathy"),
    "neuro": ("神经肌肉病临床杂志", "Clinical Journal of Neuromuscular Disease"),
    "renal": ("肾脏免疫临床杂志", "Clinical Journal of Renal Immunology"),
}
AFF_ZH = "演示医科大学附属第一医院风湿免疫科"  # constructed affiliation ("Demo Medical University")


@dataclass
class Rec:
    key: str  # T001 ...
    origin: str  # real | constructed
    dbs: tuple[str, ...]  # pubmed, embase, central, cnki (round 1) or pubmed2016 (round 2)
    bib: str | None = None  # bibliography.csv key of a real record
    title: str | None = None
    title_embase: str | None = None  # Embase's wording when it differs
    title_zh: str | None = None
    authors: list[str] = field(default_factory=list)  # "Surname AB"
    authors_zh: list[str] = field(default_factory=list)
    journal: str | None = None
    journal_abbrev: str | None = None
    journal_zh: str | None = None
    year: int | None = None
    month: str | None = None  # "Oct" (PubMed DP)
    day: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None  # full form "1493-1498"
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    language: str | None = None  # eng jpn spa por chi
    pt: list[str] = field(default_factory=list)  # PubMed publication types
    m3: str | None = None  # Embase document type
    m3_central: str = "Journal article"
    abstract: str | None = None
    abstract_zh: str | None = None
    terms: list[str] = field(default_factory=list)  # index terms (Emtree-style, lower case)
    terms_zh: list[str] = field(default_factory=list)
    limit: str | None = None  # year | language | type
    ta: tuple[str, ...] = ()
    ft: tuple[str, ...] = ()
    not_retrieved: str | None = None
    round: int = 1
    source_note: str = ""  # README: where the facts come from / what is not known

    @property
    def embase_id(self) -> str:
        """Constructed Embase accession (range L9555..., not a real accession)."""
        return f"L9555000{int(self.key[1:]):03d}"

    @property
    def central_id(self) -> str:
        """Constructed CENTRAL accession (range CN-9555..., not a real accession)."""
        return f"CN-9555{int(self.key[1:]):04d}"

    @property
    def decision_key(self) -> str:
        if self.pmid:
            return f"pmid:{self.pmid}"
        if self.doi:
            return f"doi:{self.doi.lower()}"
        title = self.title or self.title_zh or self.title_embase
        if title:
            return f"title:{title}"
        return f"accession:{self.embase_id}"

    @property
    def constructed(self) -> bool:
        return self.origin == "constructed"


def cdoi(key: str) -> str:
    """The DOI of a constructed record: always under the test prefix 10.5555."""
    return f"10.5555/scrdemo.{key.lower()}"


def _authors(value: str) -> list[str]:
    value = value.split("(")[0]
    return [a.strip() for a in value.split(";") if a.strip() and a.strip() != "et al."]


LANG = {"English": "eng", "Japanese": "jpn", "Spanish": "spa", "Portuguese": "por"}


def real(
    bib: dict[str, dict[str, str]], key: str, bkey: str, dbs: tuple[str, ...], **kw: object
) -> Rec:
    """A real record: facts from bibliography.csv, the rest from ``kw``."""
    row = bib[bkey]
    lang = row["language"].split(" ")[0] if row["language"] else ""
    rec = Rec(
        key=key,
        origin="real",
        dbs=dbs,
        bib=bkey,
        title=row["title"] or None,
        authors=_authors(row["authors"]),
        journal=row["journal"] or None,
        journal_abbrev=row["journal_abbrev"] or None,
        year=int(row["year"]) if row["year"] else None,
        volume=row["volume"] or None,
        issue=row["issue"] or None,
        pages=row["pages"] or None,
        pmid=row["pmid"] or None,
        doi=row["doi"] or None,
        language=LANG.get(lang),
    )
    for name, value in kw.items():
        setattr(rec, name, value)
    return rec


# fmt: off
def build_records(bib: dict[str, dict[str, str]]) -> list[Rec]:
    P, E, C, K = "pubmed", "embase", "central", "cnki"
    R: list[Rec] = []
    add = R.append
    # ------------------------------------------------------------------ the 8 included studies
    add(real(bib, "T001", "oddis1999", (E,), authors=["Oddis CV"], m3="Letter",
             terms=["tacrolimus", "polymyositis", "interstitial lung disease", "human", "letter"],
             ta=("i", "i"), ft=("i", "i"),
             source_note="authors not rendered in the stored copy; first author 'Oddis CV' as in "
             "seed-facts (usual citation; initials as in the verified Saketkoo 2010 author list); "
             "co-authors, PMID, DOI, issue and last page unknown, so absent; a research letter, "
             "so no abstract"))
    add(real(bib, "T002", "wilkes2005", (E,), authors=["Wilkes MR"], m3="Article",
             abstract="Within a cohort of 536 patients with idiopathic inflammatory myopathy, 98 "
             "had anti-aminoacyl-tRNA synthetase antibodies. Fifteen of them with interstitial "
             "lung disease were treated with tacrolimus between 1992 and 2003; 13 who received it "
             "for at least 3 months were analysed (12 anti-Jo-1, 1 anti-PL-12). Mean tacrolimus "
             "exposure was 51.2 months. FVC, FEV1 and DLCO improved significantly, CK fell, 10 "
             "patients improved or kept normal strength, and the steroid dose fell significantly.",
             terms=["tacrolimus", "antisynthetase syndrome", "interstitial lung disease",
                    "lung function", "human", "article"],
             ta=("i", "i"), ft=("i", "i"),
             source_note="first author 'Wilkes MR' per seed-facts (5 authors, others not "
             "rendered); PMID unknown"))
    add(real(bib, "T003", "mitsui2011", (E,), title=None,
             ta=("m", "i", "i"), ft=("i", "i"),
             source_note="citation only (brief): surname, journal, year, volume, first page; "
             "title, authors' initials, type, abstract, PMID and DOI unknown, so the record has no "
             "title; the candidate title in seed-facts is unconfirmed and not used"))
    add(real(bib, "T004", "shimojima2012", (P, E), day="22", month="Nov", pmcid="PMC3565925",
             title_embase="Coadministration of tacrolimus with corticosteroid accelerates recovery "
             "in refractory patients with polymyositis/dermatomyositis: a retrospective study",
             pt=["Journal Article"], m3="Article",
             abstract="The records of 32 patients with polymyositis or dermatomyositis were "
             "reviewed; 15 (9 PM, 6 DM) received tacrolimus added to prednisolone, because the "
             "steroid could not be tapered (12) or because of a relapse with steroid complications "
             "(3). Manual muscle testing scores rose and CK fell significantly within 1 to 3 "
             "months, and the prednisolone dose was reduced. No serious tacrolimus-related adverse "
             "event occurred.",
             terms=["tacrolimus", "prednisolone", "polymyositis", "dermatomyositis",
                    "retrospective study", "human", "article"],
             ta=("i", "i"), ft=("i", "i"),
             source_note="complete in bibliography.csv/seed-facts (PMCID from seed-facts)"))
    add(real(bib, "T005", "matsubara2012", (P, E, C), month="Oct",
             pt=["Clinical Trial", "Journal Article", "Review"], m3="Article",
             abstract="A prospective, open, non-randomised study of tacrolimus in nine patients "
             "with refractory disease (5 dermatomyositis, 4 polymyositis), with a review of the "
             "literature. At 6 months all 5 DM and 3 of the 4 PM patients had improved (muscle "
             "strength, ambulation and CK). Disease duration under 4 years and a trough "
             "concentration above 5 ng/ml went with a better response. The only side effects were "
             "moderate hypertension and worsening of diabetes.",
             terms=["tacrolimus", "dermatomyositis", "polymyositis", "creatine kinase",
                    "muscle strength", "open study", "human", "article"],
             ta=("i", "i"), ft=("i", "i"),
             source_note="complete in bibliography.csv/seed-facts"))
    add(real(bib, "T006", "labirua2013", (P, E),
             pt=["Journal Article"], m3="Article",
             abstract="Of 179 patients with myositis, 60 had antisynthetase antibodies. Fifteen "
             "with antisynthetase-associated interstitial lung disease received tacrolimus or "
             "cyclosporine between 1980 and 2011 (11 refractory, 4 first-line; 8 DM, 4 PM, 3 lung "
             "disease alone). The calcineurin inhibitor was given for a mean of 19 months. FVC "
             "rose by more than 10% or remained stable in 13 of the 15 patients, including all 4 "
             "treated first-line.",
             terms=["tacrolimus", "cyclosporine", "calcineurin inhibitor",
                    "antisynthetase syndrome", "interstitial lung disease", "forced vital capacity",
                    "human", "article"],
             ta=("i", "i"), ft=("i", "e2", "i"),
             source_note="6 authors, only the first two known ('et al.' kept out of the author "
             "list); DOI unknown"))
    add(real(bib, "T007", "kurita2015", (E,), authors=["Kurita T"], m3="Article",
             abstract="A retrospective study of 49 previously untreated patients with PM/DM-"
             "associated interstitial lung disease at one hospital (January 2000 to July 2013): 25 "
             "received tacrolimus with conventional therapy and 24 conventional therapy alone. "
             "After inverse probability of treatment weighting, tacrolimus went with longer "
             "event-free survival (HR 0.32, 95% CI 0.14-0.75) and disease-free survival (HR 0.25, "
             "95% CI 0.10-0.66).",
             terms=["tacrolimus", "polymyositis", "dermatomyositis", "interstitial lung disease",
                    "survival", "retrospective study", "human", "article"],
             ta=("i", "i"), ft=("i", "e1", "i"),
             source_note="only 'Kurita T et al.' (bibliography.csv; seed-facts also names Yasuda S "
             "and Oba K, not used because the known-gaps table lists only Kurita T); PMID unknown"))
    add(real(bib, "T008", "yokoyama2015", (E,), authors=["Yokoyama Y"], m3="Article",
             abstract="A single-centre comparison of the initial treatment of dermatomyositis and "
             "polymyositis: 23 patients received tacrolimus with prednisolone 0.8 mg/kg/day "
             "(standard after 2008) and 19 prednisolone 1 mg/kg/day alone (before 2008), followed "
             "for 36 months. The median prednisolone dose was lower and the hospital stay shorter "
             "with tacrolimus. All patients reached remission except one death from interstitial "
             "lung disease in the monotherapy group.",
             terms=["tacrolimus", "prednisolone", "dermatomyositis", "polymyositis",
                    "corticosteroid sparing", "human", "article"],
             ta=("i", "e1", "i"), ft=("i", "i"),
             source_note="only the first author's surname known (initial Y per seed-facts "
             "'Yokoyama Y, et al.'); volume, issue and PMID unknown"))
    # ------------------------------------------------------------------ other real records
    add(real(bib, "T009", "shimojima2004", (P, E), pt=["Case Reports", "Journal Article"],
             m3="Article",
             abstract="A case report: long-standing polymyositis with myasthenia gravis after "
             "thymoma, relapsing after steroid withdrawal and treated with oral tacrolimus.",
             terms=["tacrolimus", "polymyositis", "myasthenia gravis", "case report", "human"],
             ta=("e4", "e4")))
    add(real(bib, "T010", "hassan2008", (P, E), pt=["Case Reports", "Journal Article"],
             m3="Article",
             abstract="Three children with corticosteroid-dependent refractory juvenile "
             "dermatomyositis were given oral tacrolimus and followed for 7 to 9 months.",
             terms=["tacrolimus", "juvenile dermatomyositis", "child", "case report", "human"],
             ta=("e4", "e4"),
             source_note="same title, author and year as T019 (its congress abstract): a different "
             "report, not a duplicate"))
    add(real(bib, "T011", "ingegnoli2012", (P, E), pt=["Journal Article"], m3="Article",
             abstract="A retrospective single-centre study of high-resolution CT in 131 patients "
             "with inflammatory myopathy: 15 with anti-Jo1-positive polymyositis and interstitial "
             "lung disease were followed for 12 months on cyclophosphamide or cyclosporin A. The "
             "literature on treating myositis-associated lung disease is reviewed.",
             terms=["polymyositis", "interstitial lung disease", "high resolution computer "
                    "tomography", "cyclophosphamide", "cyclosporine", "human", "article"],
             ta=("m", "m"), ft=("e2", "e2")))
    add(real(bib, "T012", "ge2015cyc", (E,), m3="Review",
             abstract="A systematic review of 12 non-randomised studies of cyclophosphamide in "
             "idiopathic inflammatory myopathies and their interstitial lung disease (search May "
             "1975 to May 2014).",
             terms=["cyclophosphamide", "myositis", "interstitial lung disease",
                    "systematic review", "human", "review"],
             ta=("e3", "e3")))
    add(real(bib, "T013", "lampropoulos_ard64", (E,), m3="Letter",
             abstract="A 61-year-old woman with refractory cutaneous dermatomyositis treated with "
             "tacrolimus ointment.",
             terms=["tacrolimus", "dermatomyositis", "topical treatment", "case report", "human"],
             ta=("e2", "e2"), source_note="year not shown in the stored copy, so absent"))
    add(real(bib, "T014", "hollar2004", (P, C), pt=["Clinical Trial", "Journal Article"],
             abstract="An open pilot study of tacrolimus 0.1% ointment for 6 to 8 weeks in six "
             "patients (five adults, one child) with recalcitrant skin disease of "
             "dermatomyositis.",
             terms=["tacrolimus", "dermatomyositis", "ointment", "skin disease", "human"],
             ta=("e2", "e2"), source_note="journal, year, volume and pages not seen, so absent"))
    add(real(bib, "T015", "ueda2003", (P, E), pt=["Case Reports", "Journal Article"],
             m3="Article",
             abstract="A case report: skin disease of amyopathic dermatomyositis treated with "
             "topical tacrolimus.",
             terms=["tacrolimus", "amyopathic dermatomyositis", "topical treatment", "case report",
                    "human"],
             ta=("e2", "e2")))
    add(real(bib, "T016", "joki2005", (E,), title="Effectiveness of tacrolimus in a case of "
             "polymyositis", m3="Article",
             abstract="A 57-year-old woman with polymyositis and interstitial pneumonia in whom "
             "tacrolimus 3 mg/day was added to corticosteroids.",
             terms=["tacrolimus", "polymyositis", "interstitial pneumonia", "case report", "human"],
             limit="language",
             source_note="Japanese article with English summary; Embase gives the English title "
             "(the bibliography's title without its Japanese part)"))
    add(real(bib, "T017", "revbrasreumatol2007", (E,),
             title="Topical tacrolimus in refractory skin lesions of juvenile dermatomiosytis",
             m3="Article",
             abstract="Three children with juvenile dermatomyositis and refractory skin lesions "
             "were treated with tacrolimus 0.03% ointment and assessed at 8 and 16 weeks.",
             terms=["tacrolimus", "juvenile dermatomyositis", "ointment", "child", "human"],
             limit="language",
             source_note="Portuguese article; Embase gives the English title as seen (including "
             "its misspelling); authors not seen, so absent"))
    add(real(bib, "T018", "medclin2006", (P, E),
             title_embase="Efficacy of tacrolimus (FK-506) in the treatment of recalcitrant "
             "juvenile dermatomyositis: study of 6 cases",
             pt=["Comparative Study", "English Abstract", "Journal Article"], m3="Article",
             abstract="A retrospective review of six children with severe juvenile "
             "dermatomyositis who completed 12 months of oral tacrolimus.",
             terms=["tacrolimus", "juvenile dermatomyositis", "child", "human", "article"],
             limit="language",
             source_note="Spanish article: PubMed prints the translated title in brackets, Embase "
             "without; authors not seen, so absent"))
    add(real(bib, "T019", "hassan2008pres", (E,), m3="Conference Abstract",
             abstract="A congress abstract: three steroid-dependent children with refractory "
             "juvenile dermatomyositis treated with oral tacrolimus.",
             terms=["tacrolimus", "juvenile dermatomyositis", "child", "conference abstract"],
             limit="type",
             source_note="congress abstract of the series reported in T010: not a duplicate"))
    add(real(bib, "T020", "rigby2014", (P, E), pt=["Case Reports"], m3="Article",
             abstract="Four consecutive patients with the anti-synthetase syndrome and significant "
             "interstitial lung disease received tacrolimus between 2009 and 2013 and were "
             "followed for a mean of 3 years.",
             terms=["tacrolimus", "antisynthetase syndrome", "respiratory failure",
                    "interstitial lung disease", "case report", "human"],
             ta=("i", "e4", "e4")))
    add(real(bib, "T021", "mimura2001", (P,), pt=["English Abstract", "Journal Article", "Review"],
             abstract="A review of second-line treatment for steroid-resistant polymyositis and "
             "dermatomyositis, naming tacrolimus as an alternative.",
             terms=["polymyositis", "dermatomyositis", "immunosuppressive agent", "review"],
             limit="language"))
    add(real(bib, "T022", "takada_autoimmunity2005", (P, E), pt=["Journal Article"], m3="Article",
             abstract="A summary of a retrospective multicentre series of 53 patients with PM/DM-"
             "associated interstitial lung disease treated with cyclosporine, and of 5 refractory "
             "patients switched to FK506 (tacrolimus).",
             terms=["tacrolimus", "cyclosporine", "polymyositis", "dermatomyositis",
                    "interstitial lung disease", "human", "article"],
             ta=("i", "i"), ft=("e4", "e4"), source_note="authors not seen, so absent"))
    add(real(bib, "T023", "kurasawa2014", (E,), m3="Review",
             abstract="A narrative review of the subtypes of DM/PM-associated interstitial lung "
             "disease and of combination immunosuppression as practised in Japan.",
             terms=["dermatomyositis", "polymyositis", "interstitial lung disease",
                    "immunosuppressive treatment", "review"],
             ta=("e3", "e3")))
    add(real(bib, "T024", "gordon2015", (E,), m3="Editorial",
             terms=["tacrolimus", "myositis", "interstitial lung disease", "editorial"],
             limit="type", source_note="editorial on T007 (Kurita 2015); no abstract"))
    add(real(bib, "T025", "quartuccio2007", (P, E), pt=["Journal Article"], m3="Article",
             abstract="Three patients with biopsy-proven sporadic inclusion body myositis were "
             "treated with cyclosporin A or tacrolimus together with steroids.",
             terms=["inclusion body myositis", "cyclosporine", "tacrolimus", "human", "article"],
             ta=("e1", "e1")))
    add(real(bib, "T026", "vattemi2014", (P, E), pt=["Case Reports", "Journal Article"],
             m3="Article",
             abstract="Two solid organ transplant recipients (liver, kidney) taking tacrolimus "
             "developed biopsy-proven polymyositis; tacrolimus is discussed as a possible cause.",
             terms=["tacrolimus", "polymyositis", "organ transplantation", "drug induced disease",
                    "case report", "human"],
             ta=("e1", "e1")))
    add(real(bib, "T027", "couriel2002", (P, E), pt=["Case Reports", "Review"], m3="Article",
             abstract="Two patients developed polymyositis as a manifestation of chronic graft-"
             "versus-host disease after allogeneic stem cell transplantation and went into "
             "remission on cyclosporine or tacrolimus; the literature is reviewed.",
             terms=["graft versus host reaction", "polymyositis", "cyclosporine", "tacrolimus",
                    "case report", "human"],
             ta=("e1", "e1"), source_note="surnames only (order from a URL slug)"))
    add(real(bib, "T028", "mimori2012", (E,), m3="Review",
             abstract="A review of interstitial lung disease in myositis: clinical subsets, "
             "biomarkers and treatment, with cyclophosphamide and the calcineurin inhibitors "
             "cyclosporine and tacrolimus for refractory disease.",
             terms=["myositis", "interstitial lung disease", "calcineurin inhibitor", "review"],
             ta=("e3", "e3"), source_note="volume and pages not seen, so absent"))
    add(real(bib, "T029", "kim2011_pimecrolimus", (E,), m3="Article",
             abstract="Two patients with dermatomyositis (one classic, one clinically amyopathic) "
             "and refractory skin lesions were treated with topical pimecrolimus.",
             terms=["pimecrolimus", "tacrolimus", "dermatomyositis", "topical treatment",
                    "case report", "human"],
             ta=("e2", "e2"), source_note="surnames only"))
    add(real(bib, "T030", "saitama_review_pmid17214587", (P,), pt=["Journal Article", "Review"],
             abstract="A review of the treatment of PM/DM-associated interstitial lung disease; "
             "cyclosporine A (or tacrolimus) with cyclophosphamide is advised for fulminant "
             "disease.",
             terms=["polymyositis", "dermatomyositis", "interstitial lung disease", "review"],
             ta=("e3", "e3"),
             source_note="journal, authors and year not seen, so absent (the record has only PMID, "
             "title, type)"))
    add(real(bib, "T031", "saketkoo2010", (P, E), pmcid="PMC3092635",
             pt=["Journal Article", "Review"], m3="Review",
             abstract="A narrative review of interstitial lung disease in idiopathic inflammatory "
             "myopathy, including the rationale for its treatment.",
             terms=["myositis", "interstitial lung disease", "review"],
             ta=("e3", "e3")))
    add(real(bib, "T032", "hallowell2014", (E,), m3="Review",
             abstract="A narrative review of the pulmonary manifestations of polymyositis and "
             "dermatomyositis and of their treatment.",
             terms=["polymyositis", "dermatomyositis", "lung disease", "review"],
             ta=("e3", "e3")))
    add(real(bib, "T033", "choy2002", (E,), m3="Review",
             abstract="A narrative review of the immunosuppressive treatment of dermatomyositis "
             "and polymyositis, including refractory disease.",
             terms=["dermatomyositis", "polymyositis", "immunosuppressive treatment", "review"],
             ta=("e3", "e3"), source_note="pages not seen (printed ambiguously), so absent"))
    add(real(bib, "T034", "callen2006", (E,), m3="Review",
             abstract="A narrative review of dermatomyositis, including skin-directed and "
             "immunomodulatory therapy.",
             terms=["dermatomyositis", "skin disease", "review"],
             ta=("e3", "e3")))
    add(real(bib, "T035", "sehgal2008", (E,), m3="Review",
             abstract="A literature survey of approved and unapproved dermatologic uses of "
             "tacrolimus, including connective tissue disease.",
             terms=["tacrolimus", "skin disease", "off label drug use", "review"],
             ta=("e3", "e3"), source_note="volume and pages not seen, so absent"))
    add(real(bib, "T036", "silny2011", (E,), m3="Review",
             abstract="A narrative review of tacrolimus in skin diseases other than atopic "
             "dermatitis.",
             terms=["tacrolimus", "skin disease", "review"],
             ta=("e3", "e3")))
    R.extend(constructed_records(P, E, C, K))
    return R
# fmt: on


def con(
    key: str,
    dbs: tuple[str, ...],
    title: str,
    authors: list[str],
    journal: str,
    year: int,
    volume: str | None,
    issue: str | None,
    pages: str | None,
    doi: bool,
    abstract: str | None,
    terms: list[str],
    **kw: object,
) -> Rec:
    """A constructed English-language record in one of the constructed journals."""
    full, abbrev = J[journal]
    rec = Rec(
        key=key,
        origin="constructed",
        dbs=dbs,
        title=title,
        authors=authors,
        journal=full,
        journal_abbrev=abbrev,
        year=year,
        volume=volume,
        issue=issue,
        pages=pages,
        doi=cdoi(key) if doi else None,
        language="eng",
        abstract=abstract,
        terms=terms,
        m3="Article",
    )
    for name, value in kw.items():
        setattr(rec, name, value)
    return rec


def zh(
    key: str,
    dbs: tuple[str, ...],
    title_zh: str,
    authors_zh: list[str],
    journal: str,
    year: int,
    volume: str | None,
    issue: str,
    pages: str,
    abstract_zh: str,
    terms_zh: list[str],
    doi: bool = False,
    **kw: object,
) -> Rec:
    """A constructed Chinese-language record (CNKI; some also indexed by Embase in English)."""
    name_zh, name_en = JZ[journal]
    rec = Rec(
        key=key,
        origin="constructed",
        dbs=dbs,
        title_zh=title_zh,
        authors_zh=authors_zh,
        journal_zh=name_zh,
        journal=name_en,
        year=year,
        volume=volume,
        issue=issue,
        pages=pages,
        doi=cdoi(key) if doi else None,
        language="chi",
        abstract_zh=abstract_zh,
        terms_zh=terms_zh,
        m3="Article",
    )
    for name, value in kw.items():
        setattr(rec, name, value)
    return rec


# Constructed author names: surnames made from muscle-protein names (obviously not real people);
# Chinese names: the placeholder surnames 示/例/演 ("show/example/demonstrate") with the
# cyclic placeholders 甲乙丙丁戊己 as given names.
A = [
    "Actinov KL",
    "Myosinski P",
    "Troponides A",
    "Titinova E",
    "Desminet R",
    "Nebulini G",
    "Dystrophou M",
    "Sarcoglyk T",
    "Calponi F",
    "Perimysio D",
    "Endomysio S",
    "Fasciculi H",
]
PINYIN = {
    "示": "Shi",
    "例": "Li",
    "演": "Yan",
    "甲": "J",
    "乙": "Y",
    "丙": "B",
    "丁": "D",
    "戊": "W",
    "己": "J",
}


def pinyin(name: str) -> str:
    """Embase's form of a constructed Chinese name: 示甲 -> 'Shi J'."""
    return f"{PINYIN[name[0]]} {PINYIN[name[1]]}"


# fmt: off
def constructed_records(P: str, E: str, C: str, K: str) -> list[Rec]:
    R: list[Rec] = []
    add = R.append
    # ---------------------------------------------------------- Embase + CENTRAL
    add(con("T037", (E, C), "Tacrolimus versus intravenous cyclophosphamide for interstitial lung "
            "disease in polymyositis and dermatomyositis: protocol for a randomised controlled "
            "trial", [A[0], A[1], A[2], A[3]], "prot", 2014, "3", "2", "45-52", True,
            "This protocol describes a planned multicentre, open-label randomised trial of oral "
            "tacrolimus against monthly intravenous cyclophosphamide, both with glucocorticoids, "
            "in adults with polymyositis or dermatomyositis and interstitial lung disease. The "
            "primary outcome is the change in FVC at 12 months; DLCO, muscle strength, CK and "
            "adverse events are secondary outcomes. Recruitment had not started when it was "
            "written.",
            ["tacrolimus", "cyclophosphamide", "polymyositis", "dermatomyositis",
             "interstitial lung disease", "randomized controlled trial (topic)", "study protocol"],
            ta=("i", "i"), ft=("e5", "e5")))
    add(con("T038", (E, C), "Tacrolimus versus mycophenolate mofetil for induction therapy of "
            "lupus nephritis: a randomised controlled trial", [A[4], A[5], A[6]], "neph", 2012,
            "8", "1", "12-19", True,
            "Sixty adults with biopsy-proven lupus nephritis were randomised to tacrolimus or "
            "mycophenolate mofetil, each with glucocorticoids, for 6 months. Complete renal "
            "remission rates were similar. Patients with overlap myositis were not eligible.",
            ["tacrolimus", "mycophenolic acid 2 morpholinoethyl ester", "lupus erythematosus "
             "nephritis", "randomized controlled trial"],
            ta=("e1", "e1")))
    add(con("T039", (E, C), "Oral tacrolimus in refractory dermatomyositis: interim results of an "
            "open-label pilot study", [A[7], A[0]], "myo", 2014, "12", "Suppl 1", "118", False,
            "Congress abstract. Interim data of an open-label pilot study of oral tacrolimus added "
            "to glucocorticoids in adults with dermatomyositis refractory to methotrexate; muscle "
            "strength and CK are reported for the first patients.",
            ["tacrolimus", "dermatomyositis", "open study", "conference abstract"],
            m3="Conference Abstract", m3_central="Conference proceeding", limit="type"))
    add(con("T040", (E, C), "Tacrolimus as add-on therapy in generalised myasthenia gravis: a "
            "randomised, placebo-controlled trial", [A[8], A[9], A[10]], "neuro", 2011, "6", "3",
            "155-162", True,
            "Adults with generalised myasthenia gravis on glucocorticoids were randomised to "
            "tacrolimus or placebo for 28 weeks. The tacrolimus group needed less prednisolone. "
            "Patients with a coexisting inflammatory myopathy were excluded.",
            ["tacrolimus", "myasthenia gravis", "placebo", "randomized controlled trial"],
            ta=("e1", "e1")))
    # ---------------------------------------------------------- CENTRAL only
    add(con("T041", (C,), "Tacrolimus 0.1% ointment versus vehicle for cutaneous dermatomyositis: "
            "a randomised, double-blind, within-patient trial", [A[11], A[2]], "derm", 2010,
            "5", "4", "210-216", True,
            "Twelve adults with cutaneous dermatomyositis applied tacrolimus 0.1% ointment to one "
            "side of the body and vehicle to the other for 12 weeks. Skin scores did not differ "
            "significantly between sides.",
            ["tacrolimus", "dermatomyositis", "ointment", "randomized controlled trial"],
            ta=("e2", "e2")))
    add(con("T042", (C,), "Conversion from cyclosporine to tacrolimus and muscle symptoms in "
            "kidney transplant recipients: a randomised trial", [A[3], A[6]], "tx", 2008, "4", "2",
            "77-83", False,
            "Stable kidney transplant recipients were randomised to continue cyclosporine or to "
            "switch to tacrolimus; myalgia, weakness and CK were recorded for 12 months.",
            ["tacrolimus", "cyclosporine", "kidney transplantation", "myalgia",
             "randomized controlled trial"],
            ta=("e1", "e1")))
    # ---------------------------------------------------------- CNKI + Embase (linked by DOI)
    add(zh("T043", (E, K),
           "他克莫司联合环磷酰胺治疗抗MDA5抗体阳性皮肌炎合并快速进展性间质性肺病12例",
           ["示甲", "例乙", "演丙"], "myo", 2014, "9", "04", "211-215",
           "目的：观察他克莫司联合环磷酰胺治疗抗MDA5抗体阳性皮肌炎合并快速进展性间质性肺病的疗效。"
           "方法：回顾分析12例患者的临床资料，所有患者在糖皮质激素基础上同时加用他克莫司和静脉环磷酰胺。"
           "结果：治疗6个月时8例存活，肺功能及影像学有所改善。结论：联合治疗可能改善部分患者预后，"
           "但无法区分各药物的作用。",
           ["他克莫司", "环磷酰胺", "皮肌炎", "抗MDA5抗体", "间质性肺病"], doi=True,
           title="Tacrolimus combined with cyclophosphamide for anti-MDA5 antibody-positive "
           "dermatomyositis with rapidly progressive interstitial lung disease: 12 cases",
           abstract="Twelve patients with anti-MDA5 antibody-positive dermatomyositis and rapidly "
           "progressive interstitial lung disease received tacrolimus and intravenous "
           "cyclophosphamide together with glucocorticoids. Eight were alive at 6 months, with "
           "some improvement in lung function and imaging. The effect of each drug cannot be "
           "separated.",
           terms=["tacrolimus", "cyclophosphamide", "dermatomyositis", "interstitial lung disease",
                  "human", "article"],
           ta=("i", "i"), ft=("e2", "e2")))
    add(zh("T044", (E, K), "他克莫司致肾移植受者横纹肌溶解1例", ["演丁", "示戊"], "tx", 2011, "5",
           "02", "98-99",
           "报道1例肾移植术后服用他克莫司的患者出现横纹肌溶解，停药并调整免疫抑制方案后好转，"
           "并与多发性肌炎进行鉴别。",
           ["他克莫司", "肾移植", "横纹肌溶解", "多发性肌炎"], doi=True,
           title="Tacrolimus-associated rhabdomyolysis in a kidney transplant recipient: a case "
           "report",
           abstract="A kidney transplant recipient taking tacrolimus developed rhabdomyolysis, "
           "which resolved after the immunosuppressive regimen was changed; the differential "
           "diagnosis with polymyositis is discussed.",
           terms=["tacrolimus", "kidney transplantation", "rhabdomyolysis", "case report"],
           ta=("e1", "e1")))
    # ---------------------------------------------------------- Embase only
    add(con("T045", (E,), "Tacrolimus for refractory polymyositis: experience with ten patients",
            [A[4], A[5]], "prov", 2003, "41", "6", "233-236", False, None,
            ["tacrolimus", "polymyositis", "human", "article"],
            ta=("m", "i", "i"),
            not_retrieved="full text not obtainable: the journal is not held by the library and "
            "has no electronic version, and two requests to the corresponding author went "
            "unanswered"))
    add(con("T046", (E,), "Whole-blood trough concentrations of tacrolimus in patients with "
            "idiopathic inflammatory myopathy", [A[9], A[1], A[7]], "imm", 2010, "7", "3",
            "141-147", True,
            "Trough concentrations were measured in 21 patients with polymyositis or "
            "dermatomyositis taking oral tacrolimus and related to dose, body weight and "
            "concomitant drugs. Concentrations varied widely at the same dose. Clinical response "
            "was not assessed.",
            ["tacrolimus", "drug blood level", "myositis", "pharmacokinetics", "human", "article"],
            ta=("i", "m", "i"), ft=("e3", "e3")))
    add(con("T047", (E,), "Tacrolimus in anti-synthetase syndrome-associated interstitial lung "
            "disease: a retrospective multicentre study", [A[2], A[10], A[8]], "resp", 2016, None,
            None, None, True,
            "Article in press. Patients with anti-synthetase syndrome and interstitial lung "
            "disease treated with tacrolimus at several centres were reviewed for lung function "
            "and survival.",
            ["tacrolimus", "antisynthetase syndrome", "interstitial lung disease", "human",
             "article"],
            limit="year"))
    add(con("T048", (E,), "Long-term safety of oral tacrolimus in juvenile dermatomyositis",
            [A[6], A[11]], "myo", 2016, None, None, None, True,
            "Article in press. Adverse events during long-term oral tacrolimus were collected in "
            "children with juvenile dermatomyositis.",
            ["tacrolimus", "juvenile dermatomyositis", "drug safety", "child", "article"],
            limit="year"))
    add(con("T049", (E,), "Tacrolimus in refractory necrotising myopathy with anti-SRP antibodies",
            [A[3], A[0]], "myo", 2013, "11", "Suppl 2", "87", False,
            "Congress abstract describing patients with anti-SRP necrotising myopathy given "
            "tacrolimus after failure of conventional immunosuppression.",
            ["tacrolimus", "necrotizing myopathy", "conference abstract"],
            m3="Conference Abstract", limit="type"))
    add(con("T050", (E,), "Renal function during tacrolimus therapy for myositis-associated "
            "interstitial lung disease", [A[5], A[9]], "resp", 2014, "9", "Suppl 1", "S40", False,
            "Congress abstract on serum creatinine and magnesium during tacrolimus treatment of "
            "myositis-associated interstitial lung disease.",
            ["tacrolimus", "nephrotoxicity", "myositis", "conference abstract"],
            m3="Conference Abstract", limit="type"))
    add(con("T051", (E,), "Use of calcineurin inhibitors in idiopathic inflammatory myopathy: a "
            "registry analysis", [A[7], A[4]], "imm", 2012, "9", "Suppl 1", "112", False,
            "Congress abstract: how often cyclosporine and tacrolimus were prescribed in a "
            "national myositis registry.",
            ["calcineurin inhibitor", "myositis", "register", "conference abstract"],
            m3="Conference Abstract", limit="type"))
    add(con("T052", (E,), "FK506 suppresses experimental autoimmune myositis in the Lewis rat",
            [A[10], A[1]], "exp", 1996, "2", "1", "17-24", False,
            "Experimental autoimmune myositis was induced in Lewis rats; FK506 given from the day "
            "of immunisation reduced muscle inflammation and necrosis.",
            ["tacrolimus", "experimental autoimmune myositis", "rat", "animal experiment"],
            ta=("e5", "e5")))
    add(con("T053", (E,), "Calcineurin inhibition and myoblast differentiation: implications for "
            "inflammatory myopathy", [A[8], A[3]], "exp", 2005, "11", "2", "63-70", True,
            "Cultured human myoblasts exposed to tacrolimus or cyclosporine fused less into "
            "myotubes, a possible concern for muscle repair in inflammatory myopathy.",
            ["tacrolimus", "myoblast", "cell differentiation", "in vitro study"],
            ta=("e5", "e5")))
    add(con("T054", (E,), "Tacrolimus for dermatomyositis with rapidly progressive interstitial "
            "lung disease: a case report", [A[11], A[6]], "case", 2009, "3", "2", "55-58", True,
            "A woman with dermatomyositis and rapidly progressive interstitial lung disease "
            "improved after tacrolimus was added to high-dose glucocorticoids.",
            ["tacrolimus", "dermatomyositis", "interstitial lung disease", "case report"],
            ta=("e4", "e4")))
    add(con("T055", (E,), "Successful treatment of anti-Jo-1 antisynthetase syndrome with "
            "tacrolimus after failure of methotrexate", [A[0], A[9]], "case", 2012, "6", "1",
            "12-15", True,
            "A man with anti-Jo-1 antisynthetase syndrome, myositis and interstitial lung disease "
            "that did not respond to methotrexate regained strength and lung function on "
            "tacrolimus.",
            ["tacrolimus", "antisynthetase syndrome", "methotrexate", "case report"],
            ta=("e4", "i", "e4")))
    add(con("T056", (E,), "Tacrolimus-induced myopathy in a liver transplant recipient",
            [A[1], A[4]], "tx", 2007, "3", "4", "201-203", False,
            "A liver transplant recipient developed proximal weakness and raised CK on tacrolimus; "
            "muscle biopsy showed a toxic myopathy that resolved after conversion to cyclosporine.",
            ["tacrolimus", "myopathy", "liver transplantation", "case report"],
            ta=("e1", "e1")))
    add(con("T057", (E,), "Treatment of refractory idiopathic inflammatory myopathies: an update",
            [A[2], A[5]], "myo", 2013, "11", "3", "130-141", True,
            "A narrative review of second-line agents for refractory myositis: methotrexate, "
            "azathioprine, mycophenolate, calcineurin inhibitors, rituximab and immunoglobulin.",
            ["myositis", "immunosuppressive treatment", "tacrolimus", "review"],
            m3="Review", ta=("e3", "e3")))
    add(con("T058", (E,), "Calcineurin inhibitors in rheumatology beyond transplantation",
            [A[3], A[7]], "imm", 2011, "8", "2", "88-97", True,
            "A review of cyclosporine and tacrolimus in lupus, rheumatoid arthritis, myositis and "
            "vasculitis.",
            ["calcineurin inhibitor", "tacrolimus", "rheumatic disease", "review"],
            m3="Review", ta=("e3", "e3")))
    add(con("T059", (E,), "Therapeutic options for interstitial lung disease in the antisynthetase "
            "syndrome", [A[10], A[11]], "resp", 2014, "9", "2", "61-70", True,
            "A review of glucocorticoids, calcineurin inhibitors, cyclophosphamide and rituximab "
            "for interstitial lung disease in the antisynthetase syndrome.",
            ["antisynthetase syndrome", "interstitial lung disease", "tacrolimus", "review"],
            m3="Review", ta=("e3", "m", "e3")))
    add(con("T060", (E,), "Rituximab in refractory polymyositis and dermatomyositis: a "
            "retrospective cohort of 18 patients", [A[6], A[8]], "myo", 2013, "11", "4", "180-186",
            True,
            "Eighteen patients with refractory polymyositis or dermatomyositis received rituximab; "
            "5 had previously failed tacrolimus. Muscle strength improved in 12.",
            ["rituximab", "polymyositis", "dermatomyositis", "tacrolimus", "human", "article"],
            ta=("e2", "e2")))
    add(con("T061", (E,), "Intravenous immunoglobulin in steroid-resistant dermatomyositis: a "
            "single-centre experience", [A[9], A[2]], "myo", 2006, "4", "1", "22-27", False,
            "Patients with steroid-resistant dermatomyositis received monthly intravenous "
            "immunoglobulin; several had been given tacrolimus or cyclosporine before.",
            ["immunoglobulin", "dermatomyositis", "human", "article"],
            ta=("e2", "e2")))
    add(con("T062", (E,), "Mycophenolate mofetil in dermatomyositis-associated interstitial lung "
            "disease: nine patients", [A[5], A[0]], "resp", 2010, "5", "3", "102-107", True,
            "Nine patients with dermatomyositis-associated interstitial lung disease, three after "
            "tacrolimus failure, received mycophenolate mofetil; FVC was stable in seven.",
            ["mycophenolic acid 2 morpholinoethyl ester", "dermatomyositis",
             "interstitial lung disease", "human", "article"],
            ta=("e2", "e2")))
    add(con("T063", (E,), "Multitarget therapy with tacrolimus, mycophenolate mofetil and steroids "
            "in lupus nephritis", [A[4], A[10]], "neph", 2013, "9", "2", "70-76", True,
            "Patients with lupus nephritis, including some with overlap myositis, received "
            "multitarget therapy; renal response at 6 months is reported.",
            ["tacrolimus", "lupus erythematosus nephritis", "human", "article"],
            ta=("e1", "e1")))
    add(con("T064", (E,), "Tacrolimus in rheumatoid arthritis-associated interstitial lung disease",
            [A[1], A[11]], "resp", 2011, "6", "4", "150-155", True,
            "Patients with rheumatoid arthritis and interstitial lung disease were given "
            "tacrolimus; the findings are compared with published data in myositis.",
            ["tacrolimus", "rheumatoid arthritis", "interstitial lung disease", "human",
             "article"],
            ta=("e1", "e1")))
    add(con("T065", (E,), "Topical calcineurin inhibitors for cutaneous lupus and dermatomyositis: "
            "a retrospective review of 20 patients", [A[7], A[8]], "derm", 2009, "4", "2", "90-95",
            True,
            "Twenty patients with cutaneous lupus or dermatomyositis applied tacrolimus or "
            "pimecrolimus; skin lesions improved in about half.",
            ["tacrolimus", "pimecrolimus", "dermatomyositis", "topical treatment", "human"],
            ta=("e2", "m", "e2")))
    add(con("T066", (E,), "Hypomagnesaemia and tremor during tacrolimus treatment of autoimmune "
            "disease", [A[3], A[5]], "imm", 2012, "9", "3", "140-146", True,
            "Adverse events were reviewed in patients with lupus, rheumatoid arthritis or myositis "
            "taking tacrolimus; hypomagnesaemia and tremor were the most frequent.",
            ["tacrolimus", "hypomagnesemia", "tremor", "autoimmune disease", "human", "article"],
            ta=("m", "e1", "e1")))
    add(con("T067", (E,), "Tacrolimus in psoriasis and dermatomyositis skin disease: a survey of "
            "dermatologists", [A[2], A[9]], "derm", 2008, "3", "1", "30-34", False,
            "A questionnaire survey of how dermatologists use topical and systemic tacrolimus for "
            "psoriasis and for the skin disease of dermatomyositis.",
            ["tacrolimus", "psoriasis", "dermatomyositis", "questionnaire"],
            ta=("e3", "e3")))
    # ---------------------------------------------------------- CNKI only
    cnki = [
        ("T068", "他克莫司治疗结缔组织病相关间质性肺病的疗效观察", ["例丁", "示己"],
         "rheum", 2013, "8", "05", "301-305",
         "目的：观察他克莫司治疗结缔组织病相关间质性肺病的疗效和安全性。方法：30例结缔组织病相关间质性肺病患者"
         "（类风湿关节炎10例、系统性硬化症8例、多发性肌炎/皮肌炎7例、其他5例）在糖皮质激素基础上加用他克莫司，"
         "观察12个月。结果：总体肺功能稳定或改善者占70%。结论：他克莫司可能有效，但各病种结果未分别报告。",
         ["他克莫司", "结缔组织病", "间质性肺病", "肺功能"], ("i", "i"), ("e1", "i", "e1"), None),
        ("T069", "他克莫司治疗狼疮性肾炎的疗效与安全性分析", ["演甲", "例丙"],
         "renal", 2013, None, "03", "150-154",
         "分析40例狼疮性肾炎患者应用他克莫司诱导治疗的疗效及不良反应，部分患者合并肌痛和肌酸激酶升高。",
         ["他克莫司", "狼疮性肾炎", "诱导治疗"], ("e1", "e1"), (), None),
        ("T070", "他克莫司治疗全身型重症肌无力的临床研究", ["示乙", "演丁"],
         "neuro", 2012, "7", "02", "88-91",
         "观察他克莫司治疗全身型重症肌无力的疗效，合并多发性肌炎者除外。结果显示加用他克莫司后激素用量减少。",
         ["他克莫司", "重症肌无力", "糖皮质激素"], ("e1", "e1"), (), None),
        ("T071", "多发性肌炎/皮肌炎的治疗研究进展", ["例甲"],
         "rheum", 2012, "7", "06", "372-375",
         "综述多发性肌炎/皮肌炎的治疗进展，包括糖皮质激素、甲氨蝶呤、硫唑嘌呤、钙调磷酸酶抑制剂及生物制剂。",
         ["多发性肌炎", "皮肌炎", "治疗", "综述"], ("e3", "e3"), (), None),
        ("T072", "难治性多发性肌炎/皮肌炎的治疗研究进展", ["例甲", "示丙"],
         "myo", 2014, "9", "02", "101-104",
         "综述难治性多发性肌炎/皮肌炎的定义及二线治疗药物，包括他克莫司、环孢素A、利妥昔单抗和静脉免疫球蛋白。",
         ["难治性", "多发性肌炎", "皮肌炎", "他克莫司", "综述"], ("e3", "e3"), (), None),
        ("T073", "钙调磷酸酶抑制剂在特发性炎性肌病中的应用", ["演乙"],
         "pharm", 2013, None, "04", "245-248",
         "介绍环孢素A和他克莫司的作用机制、药代动力学特点及其在特发性炎性肌病治疗中的应用现状。",
         ["钙调磷酸酶抑制剂", "他克莫司", "环孢素A", "特发性炎性肌病"], ("e3", "e3"), (), None),
        ("T074", "他克莫司软膏治疗皮肌炎皮肤损害的疗效观察", ["示丁", "例戊"],
         "derm", 2010, "5", "01", "33-35",
         "16例皮肌炎患者皮肤损害外用0.1%他克莫司软膏8周，观察皮损评分变化及局部不良反应。",
         ["他克莫司软膏", "皮肌炎", "皮肤损害"], ("e2", "e2"), (), None),
        ("T075", "皮肌炎合并间质性肺病患者的临床特点及预后分析", ["演戊", "示甲"],
         "lung", 2014, "6", "03", "160-164",
         "回顾分析58例皮肌炎合并间质性肺病患者的临床特点、治疗方案（糖皮质激素联合环磷酰胺、环孢素A或他克莫司等）"
         "及预后，探讨影响预后的因素。",
         ["皮肌炎", "间质性肺病", "预后"], ("e2", "m", "e2"), (), None),
        ("T076", "他克莫司治疗儿童皮肌炎1例", ["例己"],
         "myo", 2011, "6", "03", "190-191",
         "报道1例激素依赖的儿童皮肌炎患儿加用他克莫司后病情缓解、激素顺利减量。",
         ["他克莫司", "幼年皮肌炎", "病例报告"], ("e4", "e4"), (), None),
        ("T077", "他克莫司治疗抗合成酶综合征合并间质性肺病2例并文献复习", ["示乙", "例丁"],
         "lung", 2014, "6", "05", "280-283",
         "报道2例抗Jo-1抗体阳性抗合成酶综合征合并间质性肺病患者应用他克莫司治疗的经过，并复习相关文献。",
         ["他克莫司", "抗合成酶综合征", "间质性肺病", "病例报告"], ("e4", "e4"), (), None),
        ("T078", "环孢素A治疗难治性多发性肌炎/皮肌炎的临床观察", ["演丙", "例乙"],
         "rheum", 2009, "4", "02", "95-98",
         "20例难治性多发性肌炎/皮肌炎患者加用环孢素A治疗6个月，观察肌力、肌酸激酶及激素用量的变化。",
         ["环孢素A", "难治性", "多发性肌炎", "皮肌炎"], ("e2", "e2"), (), None),
        ("T079", "吗替麦考酚酯治疗皮肌炎相关间质性肺病的疗效分析", ["示戊", "演己"],
         "lung", 2013, "5", "04", "210-213",
         "分析15例皮肌炎相关间质性肺病患者应用吗替麦考酚酯的疗效，部分患者曾使用他克莫司无效。",
         ["吗替麦考酚酯", "皮肌炎", "间质性肺病"], ("e2", "e2"), (), None),
        ("T080", "他克莫司对实验性自身免疫性肌炎小鼠Th17细胞的影响", ["例丙", "示丁"],
         "exp", 2014, "3", "01", "15-19",
         "建立实验性自身免疫性肌炎小鼠模型，观察他克莫司对肌肉炎症及Th17细胞比例的影响。",
         ["他克莫司", "实验性自身免疫性肌炎", "Th17细胞", "小鼠"], ("e5", "e5"), (), None),
        ("T081", "他克莫司血药浓度监测在风湿免疫病中的应用", ["演甲"],
         "pharm", 2015, None, "01", "12-15",
         "综述他克莫司血药浓度监测的方法及其在系统性红斑狼疮、炎性肌病等风湿免疫病中的意义。",
         ["他克莫司", "血药浓度", "风湿免疫病", "综述"], ("e3", "e3"), (), None),
        ("T082", "他克莫司治疗难治性类风湿关节炎的临床观察", ["示丙", "例甲"],
         "rheum", 2012, "7", "03", "170-173",
         "观察32例难治性类风湿关节炎患者加用他克莫司的疗效，并与文献中多发性肌炎/皮肌炎的应用经验比较。",
         ["他克莫司", "类风湿关节炎", "难治性"], ("e1", "e1"), (), None),
        ("T083", "他克莫司治疗皮肌炎合并间质性肺病的回顾性分析", ["例戊", "演乙"],
         "lung", 2016, "8", "01", "20-24",
         "网络首发。回顾分析皮肌炎合并间质性肺病患者应用他克莫司的疗效及安全性。",
         ["他克莫司", "皮肌炎", "间质性肺病"], (), (), "year"),
        ("T084", "特发性炎性肌病的免疫抑制治疗", ["演丁"],
         "myo", 2011, "6", "01", "5-8",
         "讲座：介绍特发性炎性肌病免疫抑制治疗的原则和常用药物，包括他克莫司。",
         ["特发性炎性肌病", "免疫抑制剂", "讲座"], ("e3", "e3"), (), None),
        ("T085", "他克莫司在结缔组织病相关肺间质病变中的应用进展", ["示己", "例乙"],
         "lung", 2015, "7", "02", "90-93",
         "综述他克莫司治疗结缔组织病（包括多发性肌炎/皮肌炎）相关肺间质病变的研究进展。",
         ["他克莫司", "结缔组织病", "肺间质病变", "综述"], ("e3", "e3"), (), None),
    ]
    for row in cnki:
        key, title, authors, journal, year, vol, issue, pages, abstract, terms, ta, ft, limit = row
        add(zh(key, (K,), title, authors, journal, year, vol, issue, pages, abstract, terms,
               ta=ta, ft=ft, limit=limit))
    # ---------------------------------------------------------- round 2: PubMed rerun 2016
    add(con("T086", ("pubmed2016",), "Tacrolimus in refractory polymyositis and dermatomyositis: a "
            "two-centre retrospective cohort of 14 patients", [A[8], A[2], A[11]], "myo", 2015,
            "13", "4", "201-208", True,
            "Fourteen patients with polymyositis or dermatomyositis refractory to glucocorticoids "
            "and at least one immunosuppressant received oral tacrolimus at two centres. Muscle "
            "strength, CK and the glucocorticoid dose were recorded for 12 months, with adverse "
            "events.",
            ["Tacrolimus", "Polymyositis", "Dermatomyositis", "Retrospective Studies"],
            month="Oct", pt=["Journal Article"], round=2, ta=("i", "i"), ft=("i", "i")))
    add(con("T087", ("pubmed2016",), "Tacrolimus for anti-MDA5 antibody-positive clinically "
            "amyopathic dermatomyositis with interstitial lung disease: a case report",
            [A[5], A[10]], "case", 2015, "9", "3", "140-143", True,
            "A woman with anti-MDA5 antibody-positive clinically amyopathic dermatomyositis and "
            "interstitial lung disease improved on glucocorticoids with tacrolimus.",
            ["Tacrolimus", "Dermatomyositis", "Lung Diseases, Interstitial"],
            month="Dec", pt=["Case Reports", "Journal Article"], round=2, ta=("e4", "e4")))
    add(con("T088", ("pubmed2016",), "Calcineurin inhibitors for myositis-associated interstitial "
            "lung disease: a systematic review", [A[7], A[3]], "resp", 2015, "10", "3", "115-124",
            True,
            "A systematic review of cyclosporine and tacrolimus in interstitial lung disease "
            "associated with polymyositis, dermatomyositis and the antisynthetase syndrome.",
            ["Calcineurin Inhibitors", "Myositis", "Lung Diseases, Interstitial"],
            month="Jul", pt=["Journal Article", "Review"], round=2, ta=("e3", "e3")))
    return R
# fmt: on

# Records re-exported by the 2016 PubMed rerun (same PMIDs as in round 1).
UPDATE_REPEATS = ("T005", "T004", "T006")
