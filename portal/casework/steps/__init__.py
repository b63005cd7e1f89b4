"""The council's statutory steps on a case, one module a phase: `assessment`, `plan`, `review`,
`lawful_delays`, and what they all use in `shared`.

The case officer's steps (open a case, decide on assessment, ask for advice, send the draft,
issue the plan, run reviews, record lawful delays, end the plan) all follow one pattern:

1. check the person may manage the case (`shared.check_manage`);
2. check the case is at a stage where this can happen (`shared.move_to` for a stage move, which
   asks `pathway.check_move`; `shared.require_stage` otherwise);
3. check the dates are possible (`shared.check_date`, which returns the date: not missing, not in
   the future, not before what came before);
4. change the case, write the event to the timeline in plain words (`shared.timeline`), and
   return `Done(subject, message)`: the row made or changed, and the success message for the
   case officer. The `@step` decorator commits it all at once.

A refusal raises :class:`~portal.refusals.Refused` (with the form field it is about, if any), or
:class:`~portal.refusals.NotAllowed` when the person may not manage the case at all. Nothing is
saved then.
"""
