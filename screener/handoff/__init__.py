"""Hand-off: the records a stage kept, written for the next step of the review.

Open ``export.py`` first (RIS, CSV, JSON, BibTeX, decisions, the extraction sheet);
``studies.py`` groups reports into studies and words citations, ``ris_writer.py`` writes RIS and
BibTeX, ``extraction.py`` defines and reads the data-extraction sheet.
"""
