"""Pooling single proportions from the extraction sheet, as R's meta::metaprop and metafor do.

Open ``pool.py`` first (one outcome pooled by every method); ``proportion.py`` holds exact CIs and
transformations, ``randomeffects.py`` the DerSimonian-Laird / REML estimators, ``glmm.py`` the
binomial-normal model, ``text.py`` the wording of the results.
"""
