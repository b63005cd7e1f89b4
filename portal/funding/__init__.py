"""Banded funding (issue 14): descriptors, the tariff per band and setting, the top-up due."""
