"""Ranking: which unscreened record is most likely an include, and when screening could stop.

Open ``ranker.py`` first (the model the app uses, trained on the decisions so far); ``models.py``
holds the classifiers, ``keyword_order.py`` the order used before the model is ready,
``stopping.py`` the stopping aid, ``simulation.py`` and ``recall_curve.py`` replay labelled sets.
"""
