"""Demo plans for the demo cases past assessment, written as a case officer would write them.

- Maya Sharma (draft sent, 15 days running): draft 1; some of its help is vague ("regular",
  "access to", "as needed") so the editor's checks have something to find.
- Oliver Brown (final plan): draft 1, then the final plan naming Oakfield Primary School.
- Zara Ahmed (plan in force, review coming): draft 1 and the final plan.
- Jordan Ellis (16, reviewed, moving to college): draft 1 and the final plan, with preparing-for-
  adulthood outcomes.
- Ethan Roberts (plan ended): his final plan stays readable.
- Ava Johnson (deciding about a plan): the council's working copy, not sent.

Each version is dated on the day the case's own story sent or issued it.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import func, select, update

from portal.accounts.models import User
from portal.audit import Event
from portal.cases.models import Case, CaseMilestones, Child
from portal.extensions import db
from portal.plans import comments, services
from portal.plans.models import Section

# Needs are (section, area or None, text, is_strength); outcomes link to needs by their index in
# the list; provision links to outcomes by index.


MAYA: dict[str, Any] = {
    "views": (
        "Maya is 6. She loves drawing, animals and her big sister. She likes it when grown-ups "
        "tell her what is going to happen next.\n\n"
        "Her mum says Maya is kind and funny at home, but school days make her very tired and "
        "she sometimes cries before school. Her family hope she will make a friend and learn "
        "to read."
    ),
    "my_plan": (
        "I want to read my own books. I want a friend to play with. My teacher helps me in a "
        "small group every morning. We check how I am doing every term."
    ),
    "health": "Maya was born early. She has glasses for distance.",
    "none": ["d", "h1", "h2", "j"],
    "needs": [
        ("b", "communication", "Maya finds it hard to understand long spoken instructions.", False),
        ("b", "communication", "Maya uses short sentences of three or four words.", False),
        ("b", "cognition", "Maya knows 12 letter sounds and is not yet blending them.", False),
        ("b", "semh", "Maya becomes upset when routines change without warning.", False),
        ("b", "semh", "Maya is kind and notices when other children are sad.", True),
        ("c", None, "Maya needs to wear her glasses in class.", False),
    ],
    "outcomes": [
        (
            "By the end of Year 2, Maya will follow a two-step instruction in class without help.",
            "By July 2028",
            "By Christmas: follows a one-step instruction given to the class\n"
            "By Easter: follows a two-step instruction with a picture prompt",
            False,
            [0, 1],
        ),
        (
            "By the end of Year 2, Maya will read a simple book with 80% of words correct.",
            "By July 2028",
            "By Christmas: knows all Phase 2 letter sounds\nBy Easter: blends three-letter words",
            False,
            [2],
        ),
        (
            "Maya will come into school calmly on most days and join in at playtime.",
            "By July 2027",
            "By half term: uses her visual timetable each morning",
            False,
            [3],
        ),
    ],
    "provision": [
        (
            "f",
            "Speech and language therapy programme to build understanding of instructions, "
            "written by the therapist and delivered by a trained teaching assistant.",
            "Teaching assistant trained by the NHS speech and language therapist",
            "20 minutes, 3 times a week",
            "Until the next annual review",
            "1 to 1",
            [0],
        ),
        ("f", "Regular phonics support.", "", "", "", "", [1]),
        ("f", "Access to a quiet space as needed.", "School staff", "", "", "", [2]),
        (
            "g",
            "An eye test and new glasses when her prescription changes.",
            "NHS optometrist",
            "Once a year",
            "Ongoing",
            "",
            [],
        ),
    ],
}

OLIVER: dict[str, Any] = {
    "views": (
        "Oliver is 7. He loves football, dinosaurs and building with Lego. He says the best "
        "part of school is PE and the worst part is writing.\n\n"
        "His family want him to enjoy school, to be able to write his name and a sentence, and "
        "to stay in his local school with his friends."
    ),
    "my_plan": (
        "I want to write my own sentences. I get help with writing every day. Mrs Brooks checks "
        "how I am doing. We talk about my plan once a year."
    ),
    "none": ["d", "h1", "h2", "j"],
    "health_none": False,
    "health": "Oliver has hypermobile joints, which make holding a pencil tiring.",
    "needs": [
        ("b", "cognition", "Oliver reads at the level expected of a 5 year old.", False),
        ("b", "sensory_physical", "Oliver's handwriting is slow and tiring for him.", False),
        ("b", "sensory_physical", "Oliver is a fast runner and good at ball games.", True),
        ("c", None, "Oliver's fingers tire quickly because his joints are very flexible.", False),
    ],
    "outcomes": [
        (
            "By the end of Year 4, Oliver will write three sentences on his own.",
            "By July 2029",
            "By the end of Year 3: writes one sentence using a word bank",
            False,
            [0, 1],
        ),
        (
            "Oliver will use a laptop to write longer pieces of work.",
            "By July 2028",
            "By Easter: types 10 words a minute",
            False,
            [1, 3],
        ),
    ],
    "provision": [
        (
            "f",
            "A structured reading programme (precision teaching) with a teaching assistant.",
            "Teaching assistant, planned by the class teacher",
            "15 minutes every school day",
            "Until the next annual review",
            "1 to 1",
            [0],
        ),
        (
            "f",
            "A school laptop with word prediction software for all written work over 3 "
            "sentences, and a touch-typing programme.",
            "Class teacher; software set up by the school's IT technician",
            "Every lesson with writing; typing practice 10 minutes, 3 times a week",
            "Until the next annual review",
            "",
            [1],
        ),
        (
            "g",
            "An occupational therapy assessment of his hand function, and a home exercise "
            "programme for the family and school.",
            "NHS children's occupational therapist",
            "One assessment, then a review every 6 months",
            "For 12 months",
            "1 to 1",
            [1],
        ),
    ],
    "placement": ("Oakfield Primary School", "mainstream"),
}

ZARA: dict[str, Any] = {
    "views": (
        "Zara is 11. She loves music, plays the keyboard and wants to be a vet. She finds busy, "
        "noisy places hard and likes to know what will happen each day.\n\n"
        "Her dad says Zara works very hard and worries about getting things wrong."
    ),
    "my_plan": (
        "I want to feel calm at school. I want to do well in maths. I meet Mr Ali every week "
        "to talk about my worries. My plan is checked every year."
    ),
    "none": ["d", "h1", "h2", "j"],
    "health": "",
    "needs": [
        ("b", "communication", "Zara is autistic. She takes words literally.", False),
        ("b", "semh", "Zara becomes very anxious in noisy, crowded places.", False),
        ("b", "cognition", "Zara is a strong reader and remembers facts well.", True),
        ("c", None, "Zara is under the community paediatrician for anxiety and sleep.", False),
    ],
    "outcomes": [
        (
            "Zara will tell an adult when she is worried, using words or her help card.",
            "By July 2027",
            "By half term: uses her help card once a week",
            False,
            [0, 1],
        ),
        (
            "Zara will move to secondary school with a plan for her first term.",
            "By September 2027",
            "By Easter: visits her new school three times",
            False,
            [1],
        ),
    ],
    "provision": [
        (
            "f",
            "A weekly session with the school's emotional literacy support assistant, using a "
            "programme on naming feelings and asking for help.",
            "Emotional literacy support assistant (ELSA)",
            "30 minutes once a week",
            "Until the end of Year 6",
            "1 to 1",
            [0],
        ),
        (
            "f",
            "A planned move to secondary school: three extra visits, a photo book of the new "
            "school, and a meeting between both schools' special needs coordinators.",
            "Both schools' special educational needs coordinators",
            "Three visits in the summer term, one meeting in May",
            "Until she starts Year 7",
            "",
            [1],
        ),
        (
            "g",
            "Reviews of her anxiety and sleep with the community paediatrician.",
            "Community paediatrician",
            "Every 6 months",
            "Until discharged by the paediatrician",
            "1 to 1",
            [0],
        ),
    ],
    "placement": ("Oakfield Primary School", "mainstream"),
}

JORDAN: dict[str, Any] = {
    "views": (
        "Jordan is 16. He likes cooking, gaming and fixing bikes. He wants to study motor "
        "vehicle maintenance at college and one day have his own workshop.\n\n"
        "Jordan says: \"I learn best when I can do things with my hands. I don't like being "
        'singled out in class."'
    ),
    "my_plan": (
        "I want to go to college to learn about bikes and cars. I want to travel there on my "
        "own. I get help with reading and writing in English. We check my plan every year."
    ),
    "none": ["c", "h1", "h2", "j"],
    "health": "",
    "social_care": "",
    "needs": [
        ("b", "cognition", "Jordan has dyslexia. He reads slowly and finds spelling hard.", False),
        ("b", "cognition", "Jordan is practical and good at solving problems.", True),
        ("b", "semh", "Jordan loses confidence when asked to read aloud.", False),
        ("d", None, "Jordan is learning to travel on his own by bus.", False),
    ],
    "outcomes": [
        (
            "Jordan will pass English at Level 1 so he can start a motor vehicle course.",
            "By July 2027",
            "By Christmas: uses text-to-speech software for all reading tasks\n"
            "By Easter: completes two practice papers with a reader",
            True,
            [0, 2],
        ),
        (
            "Jordan will travel to college on his own by bus.",
            "By September 2027",
            "By Easter: makes the journey with a travel trainer twice a week",
            True,
            [3],
        ),
    ],
    "provision": [
        (
            "f",
            "Specialist teaching for dyslexia, and a reader and extra time in exams.",
            "Specialist dyslexia teacher",
            "1 hour a week; exam arrangements in every exam",
            "Until the end of Year 11",
            "Small group of up to 4",
            [0],
        ),
        (
            "h2",
            "Independent travel training from home to college.",
            "Northfield travel training team",
            "Twice a week",
            "10 weeks from April",
            "1 to 1",
            [1],
        ),
    ],
    "placement": ("Riverside Academy", "mainstream"),
}

ETHAN: dict[str, Any] = {
    "views": (
        "Ethan was 17 when this plan was last reviewed. He loves football and wanted to work "
        "with animals."
    ),
    "my_plan": "I want a job working with animals. I get help with maths and English.",
    "none": ["c", "d", "g", "h1", "h2", "j"],
    "health": "",
    "needs": [
        ("b", "cognition", "Ethan has moderate learning difficulties in maths and English.", False),
    ],
    "outcomes": [
        (
            "Ethan will complete an animal care course at Entry Level 3.",
            "By July 2026",
            "By Christmas: completes the first unit",
            True,
            [0],
        ),
    ],
    "provision": [
        (
            "f",
            "Small-group maths and English teaching alongside his course.",
            "College learning support tutor",
            "2 hours a week",
            "Until the end of his course",
            "Group of up to 6",
            [0],
        ),
    ],
    "placement": ("Riverside Academy", "mainstream"),
}

AVA: dict[str, Any] = {
    "views": "Ava is 13. She enjoys art and swimming.",
    "my_plan": "",
    "none": [],
    "health": "",
    "needs": [
        ("b", "cognition", "Ava finds it hard to remember what she has just been told.", False),
    ],
    "outcomes": [],
    "provision": [],
}

#: Family comments on the draft: child → (email, {section: comment}, school, meeting, send,
#: [(section, response, answer)]). Jordan sent his and the council answered; Maya's mum has
#: saved hers and not sent them yet.
DEMO_COMMENTS: dict[
    str, tuple[str, dict[str, str], str, bool, bool, list[tuple[str, str, str]]]
] = {
    "Jordan": (
        "young.person@example.org",
        {
            "a": "Please say I want my own workshop one day, not just a job.",
            "f": "I don't want to be taken out of lessons in front of everyone.",
        },
        "Riverside Academy",
        False,
        True,
        [
            ("a", "changed", "We added your hope of having your own workshop to Section A."),
            (
                "f",
                "not_changed",
                "Your teaching has to happen in school time, but your teacher will meet you at "
                "the start of lunch so nobody sees you leave a lesson.",
            ),
        ],
    ),
    "Maya": (
        "parent2@example.org",
        {"f": "“Regular phonics support” does not say how often. Maya needs it every day."},
        "Oakfield Primary School",
        True,
        False,
        [],
    ),
}

#: child's first name → (plan, versions to freeze: "draft", "final")
DEMO_PLANS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "Maya": (MAYA, ("draft",)),
    "Oliver": (OLIVER, ("draft", "final")),
    "Zara": (ZARA, ("draft", "final")),
    "Jordan": (JORDAN, ("draft", "final")),
    "Ethan": (ETHAN, ("draft", "final")),
    "Ava": (AVA, ()),
}


def _write(officer: User, case: Case, spec: dict[str, Any]) -> None:
    services.save_section_text(
        officer, case, Section.A, text=spec["views"], my_plan_text=spec["my_plan"]
    )
    services.save_section_text(
        officer, case, Section.C, text=spec.get("health", ""), none_identified="c" in spec["none"]
    )
    services.save_section_text(
        officer,
        case,
        Section.D,
        text=spec.get("social_care", ""),
        none_identified="d" in spec["none"],
    )
    for letter in ("g", "h1", "h2", "j"):
        if letter in spec["none"]:
            services.save_section_text(officer, case, Section(letter), none_identified=True)
    needs = [
        services.save_need(
            officer, case, Section(section), text=text, area=area, is_strength=strength
        )
        for section, area, text, strength in spec["needs"]
    ]
    outcomes = [
        services.save_outcome(
            officer,
            case,
            text=text,
            by_when=by_when,
            steps=steps,
            preparing_for_adulthood=adulthood,
            need_ids=[needs[i].id for i in need_indexes],
        )
        for text, by_when, steps, adulthood, need_indexes in spec["outcomes"]
    ]
    for section, what, who, often, how_long, group, outcome_indexes in spec["provision"]:
        services.save_provision(
            officer,
            case,
            Section(section),
            what=what,
            who=who,
            how_often=often,
            how_long=how_long,
            group_size=group,
            outcome_ids=[outcomes[i].id for i in outcome_indexes],
        )


def load_demo_plans(users: dict[str, User]) -> None:
    """Write the demo plans and freeze their versions on the days the case stories say."""
    for first_name, (spec, steps) in DEMO_PLANS.items():
        case = db.session.execute(
            select(Case).join(Child).where(Child.first_name == first_name)
        ).scalar_one()
        officer = case.case_officer
        assert officer is not None
        milestones = db.session.scalar(
            select(CaseMilestones).where(CaseMilestones.case_id == case.id)
        )
        last_event = db.session.scalar(select(func.max(Event.id))) or 0
        _write(officer, case, spec)
        first_day = milestones.draft_sent_on if milestones and milestones.draft_sent_on else None
        last_event = _date_events(case, last_event, first_day)
        for step in steps:
            if step == "draft":
                version = services.send_draft(officer, case)
                day = milestones.draft_sent_on if milestones else None
            else:
                name, kind = spec["placement"]
                version = services.issue_final(
                    officer, case, placement_name=name, placement_type=kind
                )
                day = milestones.final_issued_on if milestones else None
            if step == "draft" and first_name in DEMO_COMMENTS:
                _comment(version, milestones, DEMO_COMMENTS[first_name])
            if day is not None:
                version.frozen_at = datetime.combine(day, time(10, 30))
                version.created_at = version.updated_at = version.frozen_at
            last_event = _date_events(case, last_event, day)
            db.session.commit()


def _comment(version, milestones, spec) -> None:
    """The family's comments on a demo draft, sent and answered if the story says so."""
    email, by_section, school, meeting, send, answers = spec
    author = db.session.execute(select(User).where(User.email == email)).scalar_one()
    case = version.plan.case
    comments.save_feedback(
        author,
        version,
        comments={Section(letter): text for letter, text in by_section.items()},
        wants_meeting=meeting,
        school_preference=school,
    )
    if not send:
        return
    feedback = comments.submit_feedback(author, version)
    if milestones is not None and milestones.family_comments_on is not None:
        feedback.submitted_at = datetime.combine(milestones.family_comments_on, time(18, 0))
    officer = case.case_officer
    for letter, response, text in answers:
        comment = next(c for c in feedback.comments if c.section == letter)
        comments.respond(officer, version, comment, response, text)
    db.session.commit()


def _date_events(case: Case, after_id: int, day) -> int:
    """Date the events the plan services just wrote on the story's day (not the moment of
    loading), and return the last event's id."""
    if day is not None:
        db.session.execute(
            update(Event)
            .where(Event.id > after_id, Event.case_id == case.id)
            .values(occurred_at=datetime.combine(day, time(10, 30)))
        )
    db.session.commit()
    return db.session.scalar(select(func.max(Event.id))) or 0
