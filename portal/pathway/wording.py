"""The built-in "what happens next" / "what you need to do" wording for each stage and audience,
and its content keys (an editor's published content overrides it):

* ``pathway/<stage>/<audience>/next`` -- "What happens next"
* ``pathway/<stage>/<audience>/todo`` -- "What you need to do"

where ``<stage>`` is a :class:`Stage` value and ``<audience>`` an :class:`Audience` value, for
example ``pathway/draft/parent/todo``.
"""

from __future__ import annotations

from typing import NamedTuple

from portal.pathway.stages import Audience, Stage

# --------------------------------------------------------------------------------------------------
# "What happens next" and "What you need to do"
# --------------------------------------------------------------------------------------------------


class ContentText(NamedTuple):
    """A content key and the built-in wording used until an editor publishes content for it."""

    key: str
    default: str


def content_key(stage: Stage | str, audience: Audience | str, part: str) -> str:
    """The content key ``pathway/<stage>/<audience>/<part>``; ``part`` is "next" or "todo"."""
    if part not in ("next", "todo"):
        raise ValueError(f"Unknown pathway text part '{part}': use 'next' or 'todo'.")
    return f"pathway/{Stage(stage).value}/{Audience(audience).value}/{part}"


_YP, _PA, _SC, _PR, _CO = (
    Audience.YOUNG_PERSON,
    Audience.PARENT,
    Audience.SCHOOL,
    Audience.PROFESSIONAL,
    Audience.CASE_OFFICER,
)

_APPEAL_PARENT = (
    "If you disagree, you can ask for mediation. That is a meeting with someone independent who "
    "helps you and the council agree. You can also appeal to a tribunal, a special court. "
    "You have 2 months from the date on the letter."
)

_NEXT: dict[Stage, dict[Audience, str]] = {
    Stage.REQUEST: {
        _YP: "Someone asked the council to find out more about you. "
        "The council will say yes or no soon.",
        _PA: "The council is looking at the request. Within 6 weeks it will tell you if it will do "
        "an assessment. An assessment means finding out what help your child needs.",
        _SC: "The council will decide within 6 weeks of the request whether to carry out a needs "
        "assessment. It may ask you what support the child has now.",
        _PR: "The council will decide within 6 weeks of the request whether to carry out a needs "
        "assessment. You may be asked for information.",
        _CO: "Decide whether to carry out a needs assessment. Write to the family with the "
        "decision within 6 weeks of the request.",
    },
    Stage.ASSESSMENT: {
        _YP: "People are finding out what you are good at. They want to know what help you need. "
        "They will ask what you think.",
        _PA: "The council is asking people who know your child for advice. This might be the "
        "school, doctors and others. Each person has 6 weeks to reply. Then the council decides "
        "if your child needs a plan.",
        _SC: "The council is gathering advice about the child. Each person asked has 6 weeks from "
        "the day they were asked to reply.",
        _PR: "The council is gathering advice about the child. Each person asked has 6 weeks from "
        "the day they were asked to reply.",
        _CO: "Gather advice from everyone needed. Each request is due 6 weeks after it was sent. "
        "If there will be no plan, the family must hear by week 16.",
    },
    Stage.DECISION: {
        _YP: "The council is reading what people said about you. They will decide if you need a "
        "plan.",
        _PA: "The council is reading all the advice. It will decide if your child needs a plan. If "
        "it decides not to make one, it must tell you within 16 weeks of the request.",
        _SC: "The council is deciding whether to issue a plan. If it will not, it must tell the "
        "family within 16 weeks of the request.",
        _PR: "The council is deciding whether to issue a plan. If it will not, it must tell the "
        "family within 16 weeks of the request.",
        _CO: "Decide whether to issue a plan. If not, tell the family by week 16. If so, send them "
        "the draft plan.",
    },
    Stage.DRAFT: {
        _YP: "There is a first version of your plan. It says what help you will get. You can say "
        "what you think.",
        _PA: "The council has sent you a draft plan. You have 15 days to comment, counting the day "
        "it was sent. You can also ask for a meeting and say which school you want.",
        _SC: "The family has the draft plan. If they name your school, the council will ask if you "
        "can meet the child's needs. You then have 15 days to reply.",
        _PR: "The family has the draft plan to comment on. The final plan is due within 20 weeks "
        "of the request.",
        _CO: "Wait for the family's comments: they have 15 days, counting the day the draft was "
        "sent. Consult any school they name; it has 15 days to reply.",
    },
    Stage.FINAL: {
        _YP: "Your plan is ready. It says what help you will get. People will check it is working "
        "at least once a year.",
        _PA: "The final plan is ready. The help in it must now be given. The plan will be checked "
        "within 12 months. For a child under 5 it is checked every 3 to 6 months.",
        _SC: "The final plan has been issued. The school named in it must admit the child and give "
        "the help the plan describes.",
        _PR: "The final plan has been issued. It will be reviewed within 12 months, or every 3 to "
        "6 months for a child under 5.",
        _CO: "The plan is issued. Hold the first review within 12 months of the plan date, or "
        "within the set 3 to 6 months for a child under 5.",
    },
    Stage.REVIEW: {
        _YP: "People are checking how your plan is going. There will be a meeting. You can go and "
        "say what you think.",
        _PA: "Your child's plan is being checked. You will be invited to a meeting at least 2 "
        "weeks before it. Within 4 weeks after the meeting, the council decides to keep, change "
        "or end the plan.",
        _SC: "The plan is being reviewed. Invitations and advice go out at least 2 weeks before "
        "the meeting. The report is due within 2 weeks after it.",
        _PR: "The plan is being reviewed. You may be asked for advice at least 2 weeks before the "
        "meeting.",
        _CO: "Hold each review within 12 months of the last one. Within 4 weeks of the meeting, "
        "decide to keep, amend or cease the plan.",
    },
    Stage.CEASED: {
        _YP: "Your plan has ended. You can still get help at school or college.",
        _PA: "The council has decided to end your child's plan. " + _APPEAL_PARENT,
        _SC: "The plan has ended. The child may still need support from the school.",
        _PR: "The plan has ended. The child may still need support from your service.",
        _CO: "The plan has ended. The family can ask for mediation or appeal within 2 months of "
        "the letter.",
    },
    Stage.NOT_ASSESSING: {
        _YP: "The council decided not to find out more for now. You can still get help at school.",
        _PA: "The council has decided not to do an assessment. " + _APPEAL_PARENT,
        _SC: "The council decided not to carry out a needs assessment. The child may still need "
        "support from the school.",
        _PR: "The council decided not to carry out a needs assessment.",
        _CO: "The family can ask for mediation or appeal within 2 months of the letter.",
    },
    Stage.NOT_ISSUING: {
        _YP: "The council decided you do not need a plan for now. You can still get help at "
        "school.",
        _PA: "The council has decided not to make a plan for your child. " + _APPEAL_PARENT,
        _SC: "The council decided not to issue a plan. The child may still need support from the "
        "school.",
        _PR: "The council decided not to issue a plan after the assessment.",
        _CO: "The family can ask for mediation or appeal within 2 months of the letter.",
    },
}

_TODO: dict[Stage, dict[Audience, str]] = {
    Stage.REQUEST: {
        _YP: "You do not need to do anything now. You can tell an adult you trust how things "
        "feel for you.",
        _PA: "You do not need to do anything yet. If you have reports or letters about your child, "
        "you can add them here. They help the council decide.",
        _SC: "If the council asks, send what you know: the support the child has now and how they "
        "are doing.",
        _PR: "Nothing yet, unless the council asks you for information about the child.",
        _CO: "Gather the family's views and the school's evidence. Record the decision and the "
        "date of the letter.",
    },
    Stage.ASSESSMENT: {
        _YP: "Tell people what you like and what is hard. Say what you hope for. You can write, "
        "draw or tell someone.",
        _PA: "Tell the council about your child: what they enjoy, what is hard, and what help "
        "works. You can add your views and documents here.",
        _SC: "If you have been asked for advice, send it by the date shown. Say what the child "
        "needs and what would help.",
        _PR: "If you have been asked for advice, add it here by the date shown. If the child "
        "missed an appointment, tell the case officer straight away.",
        _CO: "Send advice requests and chase any that are due soon. Record advice when it arrives. "
        "Record an exception if a lawful reason applies.",
    },
    Stage.DECISION: {
        _YP: "You do not need to do anything now.",
        _PA: "You do not need to do anything now. You can read the advice about your child here "
        "once it is shared with you.",
        _SC: "Nothing, unless the council contacts you.",
        _PR: "Nothing, unless the council contacts you.",
        _CO: "Record the decision. Send the draft plan, or the letter saying no with the family's "
        "right to mediation and appeal.",
    },
    Stage.DRAFT: {
        _YP: "Read your plan with someone you trust. Tell them if something is wrong or missing.",
        _PA: "Read the draft plan. Tell the council what is right and what should change. Say "
        "which school or college you would like. Do this within 15 days.",
        _SC: "If the council asks you about a place for the child, reply within 15 days.",
        _PR: "Nothing, unless the council asks you to check the part of the plan that uses your "
        "advice.",
        _CO: "Record the family's comments and school preference. Consult the schools named. "
        "Issue the final plan within 20 weeks of the request.",
    },
    Stage.FINAL: {
        _YP: "Tell someone if the help is not working for you.",
        _PA: "Read the final plan. Tell the council or the school if help is not being given. "
        + _APPEAL_PARENT,
        _SC: "Put the help in the plan in place. Keep notes of progress for the first review.",
        _PR: "Give any help the plan says your service provides.",
        _CO: "Send the plan to everyone who needs it. Set the date of the first review.",
    },
    Stage.REVIEW: {
        _YP: "Think about what is going well and what is hard. Tell someone before the meeting.",
        _PA: "Come to the review meeting. Say what is working and what is not. If changes are "
        "suggested, you have 15 days to comment.",
        _SC: "Arrange the review meeting and invite everyone at least 2 weeks before it. Send the "
        "report within 2 weeks after it.",
        _PR: "If asked, send your advice at least 2 weeks before the meeting. Go to it if you can.",
        _CO: "Record the report, your decision and any proposed changes. A changed plan is due 8 "
        "weeks after the proposals were sent. For a move to a new school, name it by 15 February "
        "(31 March for a move to college after 16).",
    },
    Stage.CEASED: {
        _YP: "If you do not agree, tell an adult you trust. They can help you ask for it to be "
        "looked at again.",
        _PA: "Read the letter. It says why the plan is ending. If you disagree, contact a "
        "mediation service before the date shown.",
        _SC: "Keep supporting the child with the school's own help.",
        _PR: "Keep supporting the child as your service usually would.",
        _CO: "Check the letter gives the reasons and the family's right to mediation and appeal.",
    },
    Stage.NOT_ASSESSING: {
        _YP: "If you or your family do not agree, an adult can help you ask again.",
        _PA: "Read the letter. It says why. If you disagree, contact a mediation service before "
        "the date shown. You can also ask again later if things change.",
        _SC: "Keep supporting the child and keep notes of what you try and how it works.",
        _PR: "Nothing, unless the council or the family contacts you.",
        _CO: "Check the letter gives the reasons and the family's right to mediation and appeal.",
    },
    Stage.NOT_ISSUING: {
        _YP: "If you or your family do not agree, an adult can help you ask again.",
        _PA: "Read the letter. It says why. If you disagree, contact a mediation service before "
        "the date shown.",
        _SC: "Keep supporting the child. The advice gathered can help you plan their support.",
        _PR: "Nothing, unless the council or the family contacts you.",
        _CO: "Check the letter gives the reasons and the family's right to mediation and appeal. "
        "Share the advice gathered with the family and the school.",
    },
}


def next_step_text(stage: Stage | str, audience: Audience | str) -> ContentText:
    """The "What happens next" text for a stage and audience: its content key and default."""
    stage, audience = Stage(stage), Audience(audience)
    return ContentText(content_key(stage, audience, "next"), _NEXT[stage][audience])


def todo_text(stage: Stage | str, audience: Audience | str) -> ContentText:
    """The "What you need to do" text for a stage and audience: its content key and default."""
    stage, audience = Stage(stage), Audience(audience)
    return ContentText(content_key(stage, audience, "todo"), _TODO[stage][audience])


def all_content_texts() -> list[ContentText]:
    """Every pathway text with its default, e.g. to seed the content store or list missing keys."""
    return [
        part(stage, audience)
        for stage in Stage
        for audience in Audience
        for part in (next_step_text, todo_text)
    ]
