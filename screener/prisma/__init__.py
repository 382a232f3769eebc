"""PRISMA: every number of the flow diagram, counted from the records and the decisions.

Open ``counts.py`` first (the 2020 flow as queries over the review); ``identities.py`` checks the
arithmetic identities before anything is drawn, ``classic.py`` derives the 2009 boxes, and
``fields.py`` names the output fields (the PRISMA2020 R package's CSV template).
"""
