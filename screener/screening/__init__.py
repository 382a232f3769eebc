"""Screening: the protocol, decisions and the verdicts derived from them (no UI here).

Open ``verdict.py`` first: how a record's final verdict at each stage follows from the append-only
decision log. ``protocol.py`` reads review.toml; ``session.py`` is what the app drives;
``criteria.py``, ``decisionfile.py`` and ``merge.py`` write decisions; ``agreement.py`` and
``status.py`` report them; ``fulltext.py`` says where a full text can be found.
"""
