"""The council's statutory steps on a case, one module a phase: `assessment`, `plan`, `review`,
`lawful_delays`, and the `checks` they share.

The case officer's actions (open a case, decide on assessment, ask for advice, send the draft,
issue the plan, run reviews, record exceptions, end the plan) all follow one pattern:

1. check the person may manage the case (`access.can(actor, Action.MANAGE, case)`);
2. check the case is at a stage where this can happen (`pathway.check_move` for a stage move);
3. check the dates are possible (not in the future, not before what came before);
4. change the case, write the event to the timeline in plain words, and commit.

A refusal raises :class:`Refused` (with the form field it is about, if any), or
:class:`NotAllowed` when the person may not manage the case at all. Nothing is saved then.
"""
