"""Plan quality audits (issue 13): the framework auditors check plans against, and the grade.

So far this package holds the framework (criteria per plan section, limiting criteria, section
weights, grade bands, guidance; loaded from `content/quality-framework.json`) and the pure grade
computation. Rounds, audits, roles and the dashboard are still to come.
"""
