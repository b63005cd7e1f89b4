"""The case officer's pages: open a case, and each step that moves a case along the pathway.

Every step is its own URL (listed in `portal.casework.blueprint`): a GET shows the form, a POST
calls one step and redirects (303) to the case page with a success message, or shows the form
again with GOV.UK-style errors. Only the team's case officer may use them (404 for anyone else:
they may not know the case exists); opening a case is for case officers only (403 for anyone else).
"""
