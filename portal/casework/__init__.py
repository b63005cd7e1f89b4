"""The council's statutory steps on a case: assessment, plan, review and lawful delays.

- `steps/`: the write operations, one module a phase (each checks, changes, records an event);
- `next_steps.py`: what the case officer can do next on a case;
- `forms.py`, `policy.py` (the rule for a case's parts), `views/` and `blueprint.py` (the pages).

The case everyone reads (tracker, caseload, timeline, dashboard) is in `portal.cases`; the dated
facts the steps record are its models, because every reader's deadlines are counted from them.
"""
