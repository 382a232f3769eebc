"""The Ranker API the screening app uses: keyword order, training, explain, state, threads."""

from __future__ import annotations

import threading

import pytest

from screener.ranking.models import DEFAULT_MODEL
from screener.ranking.ranker import Ranker, record_text, training_labels

TEXTS = [
    "Statins and muscle pain in a cohort of older adults",  # 0
    "Tacrolimus in refractory dermatomyositis: a randomised trial",  # 1
    "Cancer screening reminders: a randomized trial in primary care",  # 2
    "Tacrolimus after kidney transplantation in the rat",  # 3
    "Oral tacrolimus for polymyositis and dermatomyositis, open trial",  # 4
    "Exercise training for heart failure: randomised controlled study",  # 5
    "Hand dermatitis among nurses",  # 6
]
INCLUDE = ["tacrolimus", "*myositis", "random*"]
EXCLUDE = ["rat", "kidney transplant*"]


def test_record_text_joins_fields_and_json_keywords() -> None:
    row = {
        "title": "Tacrolimus in myositis",
        "title_translated": None,
        "abstract": "  An open trial.  ",
        "keywords": '["Tacrolimus", "Myositis"]',
    }
    assert record_text(row) == "Tacrolimus in myositis\nAn open trial.\nkw_tacrolimus kw_myositis"
    assert record_text({"title": "T", "keywords": "Aa b; Cc"}) == "T\nkw_aa_b kw_cc"
    assert record_text({}) == ""


def keyword_hits(text: str, terms: list[str]) -> list[tuple[str, float]]:
    """The include terms found in ``text``, as the untrained Ranker explains a record."""
    return Ranker([text], terms).explain(0)


def test_keyword_hits_wildcards_phrases_words_and_cjk() -> None:
    text = "Randomised, randomized and random. Dermatomyositis and polymyositis; rather rats, rat."
    assert keyword_hits(text, ["random*", "*myositis", "rat", "absent"]) == [
        ("random*", 3),
        ("*myositis", 2),
        ("rat", 1),
    ]
    assert keyword_hits("a double blind,\ndouble  blind study", ["double blind"]) == [
        ("double blind", 2)
    ]
    assert keyword_hits("口服他克莫司治疗皮肌炎", ["他克莫司", "皮肌炎", "环孢素"]) == [
        ("他克莫司", 1),
        ("皮肌炎", 1),
    ]


def test_keyword_order_before_training() -> None:
    ranker = Ranker(TEXTS, INCLUDE, EXCLUDE)
    # scores: 0:0, 1:+3, 2:+1, 3:+1-2=-1, 4:+3 (tacrolimus, polymyositis, dermatomyositis),
    # 5:+1, 6:0 -> ties kept in file order
    assert ranker.order() == [1, 4, 2, 5, 0, 6, 3]
    assert ranker.state().trained is False
    assert ranker.state().features_ready is False  # built lazily, by prepare() or fit()
    assert ranker.explain(4) == [("*myositis", 2.0), ("tacrolimus", 1.0)]
    # only includes so far: still the keyword order, without the labelled records
    ranker.fit({1: True})
    assert ranker.order() == [4, 2, 5, 0, 6, 3]
    state = ranker.state()
    assert (state.trained, state.labels_used, state.includes_used) == (False, 1, 1)
    assert state.features_ready is False  # nothing to train on yet: no matrix built
    ranker.prepare()
    assert ranker.state().features_ready is True


def test_fit_ranks_similar_records_first_and_explains() -> None:
    ranker = Ranker(TEXTS, INCLUDE, EXCLUDE)
    ranker.fit({1: True, 0: False, 6: False})
    order = ranker.order()
    assert sorted(order) == [2, 3, 4, 5]
    assert order[0] == 4  # shares tacrolimus, dermatomyositis, trial with the include
    terms = ranker.explain(4, n=3)
    assert len(terms) == 3
    assert {t for t, _ in terms} <= {"tacrolimus", "dermatomyositis", "trial", "oral"}
    assert [w for _, w in terms] == sorted((w for _, w in terms), reverse=True)
    assert all(w > 0 for _, w in terms)
    state = ranker.state()
    assert state.trained is True
    assert (state.labels_used, state.includes_used, state.excludes_used) == (3, 1, 2)
    assert state.since_fit == 0
    assert state.fit_seconds > 0
    assert state.model == DEFAULT_MODEL
    assert ranker.state(n_labelled=5).since_fit == 2


@pytest.mark.parametrize("model", ["svm", "nb", "svm+nb", "svm-kw0.25", "svm-r20"])
def test_every_model_puts_the_similar_record_first(model: str) -> None:
    ranker = Ranker(TEXTS, model=model)
    ranker.fit({1: True, 0: False, 6: False})
    assert ranker.order()[0] == 4


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown model"):
        Ranker(TEXTS, model="bert")
    ranker = Ranker(TEXTS)
    with pytest.raises(IndexError, match="record index 7"):
        ranker.fit({7: True})


def test_texts_without_words_keep_the_keyword_order() -> None:
    ranker = Ranker(["", "", ""], ["trial"])
    ranker.fit({0: True, 1: False})
    assert ranker.order() == [2]
    assert ranker.state().trained is False
    assert ranker.explain(2) == []


def test_training_labels_count_maybe_as_include() -> None:
    verdicts = {1: "include", 2: "maybe", 3: "exclude", 4: "undo"}
    assert training_labels(verdicts) == {1: True, 2: True, 3: False}


def test_fit_in_a_worker_while_reading() -> None:
    texts = [
        f"record {i} about {'tacrolimus myositis' if i % 7 == 0 else 'other things'}"
        for i in range(300)
    ]
    ranker = Ranker(texts, ["tacrolimus"])
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for k in range(2, 40):
                ranker.fit({i: i % 7 == 0 for i in range(k)})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    while thread.is_alive():
        order = ranker.order()
        assert len(order) == len(set(order))
        ranker.state()
    thread.join()
    assert errors == []
    assert ranker.state().labels_used == 39
    assert len(ranker.order()) == 300 - 39
    assert ranker.order()[0] % 7 == 0


def test_ranking_modules_do_not_import_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import screener.ranking.ranker, screener.ranking.simulation\n"
        "import screener.ranking.stopping, screener.ranking.recall_curve\n"
        "import screener.commands.ranking\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
