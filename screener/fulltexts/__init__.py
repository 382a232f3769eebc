"""Full texts: PDFs attached to the records that reached full text, their text, what is missing.

The library, one module per step:

* ``pdf``: read a PDF's metadata and page texts with pypdfium2 (never raises: a file that cannot
  be read gives one sentence);
* ``identify``: which record a PDF is (identifiers, then title confirmed by authors and year);
* ``attach``: walk folders, identify, store every match with how it was made (one transaction);
* ``store``: a record's attached files and their page texts (extracted once, cached);
* ``status``: sought / attached / not retrieved / missing, and the missing list as RIS or CSV;
* ``reading``: a full text as a reader pages through it (pages, search, Methods/Results
  headings) and opening it in the system's PDF viewer.
"""
