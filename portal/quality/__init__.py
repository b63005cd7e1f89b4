"""Plan quality audits (issue 13): check issued plans against a published framework.

- `framework`, `grading`: the criteria per section and the computed grade (pure);
- `sampling`, `agreement`: drawing a round's sample from its seed, sharing it out, and the
  agreement between two auditors (pure);
- `models`, `services`, `policy`, `views`: rounds, audits, moderation and the actions for case
  officers; `dashboard`: the figures, counted in SQL.

Plans are read only through `plan_source` (installed by `portal.wiring`), never imported.
"""
