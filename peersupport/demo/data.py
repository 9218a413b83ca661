"""The demo program's raw material: Riverside General Hospital's departments, names, resources.

Everything here is invented. Names are combined at random (seeded) from the lists below, so any
resemblance to a real person is chance. Addresses use the reserved `.example` domain and phone
numbers the fictional 555-01xx range, so nothing in the demo can reach anyone.
"""

from dataclasses import dataclass

HOSPITAL = "Riverside General Hospital"
DOMAIN = "riverside.example"
MAIN, NORTH = "Main Campus", "North Campus"
SEED = 20261126
# Valid for Django's password validators (10+ characters, not common, not like any email).
PASSWORD = "harbour-lantern-2026"  # the demo's published password; never a real program's  # nosec B105


@dataclass(frozen=True)
class Department:
    name: str
    # (specialty, share of the department, chance a physician in it is interventional)
    specialties: tuple[tuple[str, float, float], ...]
    attendings: int
    residents: int = 0
    fellows: int = 0
    apps: int = 0
    nurses: int = 0
    nursing_specialty: str = ""
    # Share of the department's staff who work at North Campus (0: Main Campus only).
    north_share: float = 0.0
    # Departments without physicians: who they are and what the head is called.
    staff_role: str = ""
    staff: int = 0
    staff_specialty: str = ""


DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "Medicine",
        (
            ("Internal Medicine", 0.25, 0.0),
            ("Hospital Medicine", 0.25, 0.0),
            ("Gastroenterology", 0.1, 0.8),
            ("Pulmonology", 0.08, 0.4),
            ("Nephrology", 0.08, 0.1),
            ("Infectious Disease", 0.06, 0.0),
            ("Endocrinology", 0.06, 0.0),
            ("Rheumatology", 0.04, 0.0),
            ("Geriatrics", 0.04, 0.0),
            ("Hematology", 0.04, 0.0),
        ),
        attendings=66, residents=30, fellows=8, apps=10, nurses=20,
        nursing_specialty="Medical-Surgical Nursing", north_share=0.3,
    ),
    Department("Cardiology", (("Cardiology", 1.0, 0.5),), attendings=14, fellows=4, apps=3,
               nurses=6, nursing_specialty="Critical Care Nursing"),
    Department("Oncology", (("Oncology", 0.7, 0.0), ("Hematology", 0.3, 0.0)), attendings=10,
               fellows=3, apps=3, nurses=8, nursing_specialty="Oncology Nursing"),
    Department("Family Medicine", (("Family Medicine", 1.0, 0.0),), attendings=12, residents=10,
               apps=3, north_share=0.5),
    Department("Emergency Medicine", (("Emergency Medicine", 1.0, 0.3),), attendings=26,
               residents=12, apps=8, nurses=16, nursing_specialty="Emergency Nursing",
               north_share=0.3),
    Department("Critical Care", (("Critical Care", 1.0, 0.6),), attendings=10, fellows=3,
               nurses=12, nursing_specialty="Critical Care Nursing"),
    Department("Anesthesiology", (("Anesthesiology", 0.85, 1.0), ("Pain Medicine", 0.15, 1.0)),
               attendings=24, residents=8, fellows=2, apps=6),
    Department(
        "Surgery",
        (
            ("General Surgery", 0.35, 1.0),
            ("Trauma Surgery", 0.15, 1.0),
            ("Colorectal Surgery", 0.1, 1.0),
            ("Vascular Surgery", 0.1, 1.0),
            ("Plastic Surgery", 0.1, 1.0),
            ("Cardiothoracic Surgery", 0.1, 1.0),
            ("Pediatric Surgery", 0.1, 1.0),
        ),
        attendings=28, residents=14, fellows=2, apps=4, nurses=12,
        nursing_specialty="Perioperative Nursing",
    ),
    Department("Orthopedic Surgery", (("Orthopedic Surgery", 1.0, 1.0),), attendings=10,
               residents=4, apps=2, north_share=0.3),
    Department("Neurosurgery", (("Neurosurgery", 1.0, 1.0),), attendings=5, residents=2),
    Department("Urology", (("Urology", 1.0, 1.0),), attendings=5),
    Department("Otolaryngology", (("Otolaryngology", 1.0, 1.0),), attendings=4),
    Department("Ophthalmology", (("Ophthalmology", 1.0, 1.0),), attendings=4),
    Department(
        "Obstetrics and Gynecology",
        (("Obstetrics and Gynecology", 0.8, 1.0), ("Maternal-Fetal Medicine", 0.2, 0.6)),
        attendings=16, residents=8, apps=3, nurses=10,
        nursing_specialty="Labor and Delivery Nursing", north_share=0.3,
    ),
    Department("Pediatrics", (("Pediatrics", 0.75, 0.0), ("Neonatology", 0.25, 0.5)),
               attendings=18, residents=8, fellows=1, nurses=8,
               nursing_specialty="Pediatric Nursing", north_share=0.3),
    Department(
        "Radiology",
        (("Radiology", 0.7, 0.0), ("Interventional Radiology", 0.2, 1.0),
         ("Nuclear Medicine", 0.1, 0.0)),
        attendings=16, residents=4, fellows=1, north_share=0.25,
    ),
    Department("Pathology", (("Pathology", 1.0, 0.0),), attendings=8),
    Department("Psychiatry", (("Psychiatry", 1.0, 0.0),), attendings=10, residents=6, apps=2,
               north_share=0.4),
    Department("Neurology", (("Neurology", 1.0, 0.0),), attendings=8, residents=3),
    Department("Physical Medicine and Rehabilitation",
               (("Physical Medicine and Rehabilitation", 1.0, 0.0),), attendings=4,
               staff_role="therapist", staff=8, staff_specialty="Physical Therapy"),
    Department("Pharmacy", (), attendings=0, staff_role="pharmacist", staff=15,
               staff_specialty="Pharmacy", north_share=0.25),
    Department("Respiratory Care", (), attendings=0, staff_role="therapist", staff=8,
               staff_specialty="Respiratory Therapy", north_share=0.25),
)

# (first name, gender). A few people in every hundred are recorded as non-binary.
FIRST_NAMES: tuple[tuple[str, str], ...] = (
    ("Amara", "female"), ("Tomasz", "male"), ("Priya", "female"), ("Kwame", "male"),
    ("Ingrid", "female"), ("Mateo", "male"), ("Yuki", "female"), ("Daniel", "male"),
    ("Fatima", "female"), ("Jonah", "male"), ("Leilani", "female"), ("Rafael", "male"),
    ("Siobhan", "female"), ("Arjun", "male"), ("Nadia", "female"), ("Emeka", "male"),
    ("Hannah", "female"), ("Wei", "male"), ("Camila", "female"), ("Oskar", "male"),
    ("Zainab", "female"), ("Marcus", "male"), ("Mei", "female"), ("Diego", "male"),
    ("Olivia", "female"), ("Hamza", "male"), ("Ana", "female"), ("Tariq", "male"),
    ("Grace", "female"), ("Kenji", "male"), ("Aisha", "female"), ("Lukas", "male"),
    ("Rosa", "female"), ("Samuel", "male"), ("Anjali", "female"), ("Felipe", "male"),
    ("Chloe", "female"), ("Obinna", "male"), ("Sofia", "female"), ("Ravi", "male"),
    ("Esther", "female"), ("Ibrahim", "male"), ("Linh", "female"), ("Patrick", "male"),
    ("Maryam", "female"), ("Andrei", "male"), ("Beatriz", "female"), ("Jamal", "male"),
    ("Claire", "female"), ("Min-jun", "male"), ("Valentina", "female"), ("Elijah", "male"),
    ("Noor", "female"), ("Henrik", "male"), ("Adaeze", "female"), ("Carlos", "male"),
    ("Ruth", "female"), ("Vikram", "male"), ("Elena", "female"), ("Thomas", "male"),
    ("Keiko", "female"), ("Omar", "male"), ("Julia", "female"), ("Sione", "male"),
    ("Lakshmi", "female"), ("Nathan", "male"), ("Marisol", "female"), ("Yusuf", "male"),
    ("Abigail", "female"), ("Jae-won", "male"), ("Thandiwe", "female"), ("Pablo", "male"),
    ("Megan", "female"), ("Dmitri", "male"), ("Salma", "female"), ("Benjamin", "male"),
    ("Ximena", "female"), ("Kofi", "male"), ("Rebecca", "female"), ("Anand", "male"),
    ("Aroha", "female"), ("Gabriel", "male"), ("Hye-jin", "female"), ("Liam", "male"),
    ("Farah", "female"), ("Aleksander", "male"), ("Naomi", "female"), ("Chidi", "male"),
    ("Isabel", "female"), ("Hiroshi", "male"), ("Deborah", "female"), ("Mohammed", "male"),
    ("Tamar", "female"), ("Santiago", "male"), ("Bridget", "female"), ("Duc", "male"),
    ("Alex", "non-binary"), ("Robin", "non-binary"), ("Sasha", "non-binary"),
    ("Jordan", "non-binary"), ("Rowan", "non-binary"),
)

LAST_NAMES: tuple[str, ...] = (
    "Okafor", "Kowalski", "Raman", "Mensah", "Lindqvist", "Alvarez", "Tanaka", "Brennan",
    "Haddad", "Whitfield", "Kahale", "Moreira", "Gallagher", "Iyer", "Petrova", "Eze",
    "Schultz", "Zhang", "Restrepo", "Nieminen", "Bello", "Holloway", "Chen", "Navarro",
    "Fitzgerald", "Qureshi", "Sousa", "Rahman", "Osei", "Yamamoto", "Abdullah", "Becker",
    "Delgado", "Adeyemi", "Kapoor", "Castillo", "Dubois", "Nwosu", "Rossi", "Venkatesan",
    "Goldberg", "Hussain", "Nguyen", "O'Connell", "Karimi", "Popescu", "Carvalho", "Washington",
    "Marchetti", "Park", "Cardenas", "Oyelaran", "Sato", "Johansson", "Achebe", "Ramirez",
    "Levi", "Reddy", "Ivanova", "McAllister", "Fujita", "Farouk", "Silva", "Tuilagi",
    "Subramanian", "Harrington", "Quispe", "Demir", "Foster", "Kim", "Dlamini", "Ortega",
    "Blackwood", "Sokolov", "Aziz", "Thornton", "Villanueva", "Asante", "Weiss", "Bhatt",
    "Ngata", "Moreau", "Lee", "Sullivan", "Mahmoud", "Nowak", "Hartmann", "Obi",
    "Santos", "Morikawa", "Cohen", "Al-Sayed", "Friedman", "Mendoza", "Doyle", "Tran",
    "Abernathy", "Banerjee", "Coleman", "Eriksen", "Grant", "Hashemi", "Jovanovic", "Kaur",
    "Lopez", "Mwangi", "Novak", "Pereira", "Rivera", "Shapiro", "Takahashi", "Umeh",
    "Vasquez", "Walsh", "Yilmaz", "Zamora", "Agarwal", "Boateng", "Choi", "Esposito",
)

# Area codes for the fictional 555-01xx numbers: 100 numbers each, enough for everyone.
AREA_CODES: tuple[str, ...] = ("202", "312", "415", "503", "612", "617", "718", "919")

# The directory of resources, in our own words. Only the 988 Lifeline is a real service.
RESOURCES: tuple[tuple[str, str, str, str], ...] = (
    ("Employee Assistance Program", "counseling", "+1 555 0140 · eap@riverside.example",
     "Free, confidential short-term counseling for staff and their households, day or night. "
     "Nothing is shared with your department."),
    ("Clinician Wellness Clinic", "counseling", "+1 555 0141 · wellness@riverside.example",
     "Psychologists who see only clinicians, with an appointment within three working days and "
     "a room away from your own unit."),
    ("Mindfulness and Stress Reduction Course", "stress_reduction", "wellbeing@riverside.example",
     "An eight-week evening course in small groups, led by a trained teacher; places held for "
     "peers referred by a supporter."),
    ("Sleep and Stress Coaching (CBT)", "stress_reduction", "+1 555 0143",
     "Four to six sessions of cognitive behavioral coaching for poor sleep, worry and "
     "replaying events, by video or in person."),
    ("Risk & Legal Counsel Hotline", "medicolegal", "+1 555 0144 · legal@riverside.example",
     "The hospital's legal team answers questions about reports, statements and your rights, "
     "and explains what happens next."),
    ("Litigation Support Circle", "medicolegal", "+1 555 0145",
     "A small, confidential group of colleagues who have been through a lawsuit, meeting monthly "
     "with a facilitator."),
    ("Disclosure Coaching Service", "disclosure_coaching", "+1 555 0146",
     "Coaches help you prepare for, and debrief after, a conversation with a patient or family "
     "about what went wrong, including an apology."),
    ("Time Off and Shift Cover Desk", "time_off", "+1 555 0147 · medstaff@riverside.example",
     "The medical staff office arranges cover and short leave after a hard event, without asking "
     "for the reason."),
    ("988 Suicide & Crisis Lifeline", "crisis", "Call or text 988",
     "Free, confidential support in the United States for anyone in distress, at any hour."),
    ("After-Hours Crisis Response Team", "crisis", "Page 4-HELP (+1 555 0149)",
     "A mental health clinician on call for staff in acute distress, who can meet you on site "
     "within the hour."),
    ("Chaplaincy and Spiritual Care", "other", "+1 555 0150",
     "Chaplains of several faiths and none, available to staff for a quiet conversation or a "
     "moment of reflection."),
)


@dataclass(frozen=True)
class Involved:
    """Who in the roster a story involves (picked by department and role) and how it ends."""

    department: str
    role_type: str = "physician"
    specialty: str = ""
    # The case's state at load time: awaiting_assignment, assigned, outreach_made, accepted,
    # or closed (then `outcome` says how the outreach ended: accepted, declined, unreachable).
    state: str = "awaiting_assignment"
    outcome: str = ""
    # Names the person for a later story: the same tag there means the same clinician again
    # (referred again while their case is open, or coming back after an earlier case).
    tag: str = ""


@dataclass(frozen=True)
class Story:
    """One referral of the demo's history; times are counted back from the moment of loading."""

    category: str
    summary: str
    source: str
    # Which demo login refers: referrer, director, clinician (who may refer themself) or
    # integration (the safety-reporting system, with an external reference). Or no login: the
    # peer asks through a personal link from /support/ask/ (PERSONAL_LINK, with the wishes in
    # `preferences`), or clicks "I'd like to talk now" in the email after their earlier case
    # (TALK_LINK: the event is the earlier case's, so `category` and `summary` repeat it).
    by: str
    hours_ago: float
    involved: tuple[Involved, ...] = ()
    interventional: bool = False
    external_ref: str = ""
    assigned_after_hours: float | None = None
    closed_after_days: float | None = None
    preferences: tuple[tuple[str, str], ...] = ()


PERSONAL_LINK, TALK_LINK = "personal_link", "talk_link"

# The clinician whose work email the README names for trying /support/ask/ in the demo: an
# attending with no login and no case (tests/test_load_demo.py holds the demo to it).
ASK_EMPLOYEE_ID = "E1006"

STORIES: tuple[Story, ...] = (
    # Times are counted back from the load, and each open case's next step falls due after it by
    # the program's rules (assigned within 4 hours, first outreach within 24 hours, ...): a fresh
    # demo has steps due soon but none late, so the reminders job started beside it sends nothing.
    # Waiting for the director: the joint plan for three, one due within the hour, one just in.
    Story("medical_error",
          "A routine operation ended with an unexpected complication and a transfer to intensive "
          "care.",
          "safety_report", by="integration", hours_ago=2, interventional=True,
          external_ref="SR-4817",
          involved=(Involved("Anesthesiology", specialty="Anesthesiology"),
                    Involved("Surgery", specialty="General Surgery"),
                    Involved("Surgery", role_type="resident"))),
    Story("patient_death",
          "A young patient died in the emergency department after a long resuscitation.",
          "leader", by="director", hours_ago=3.25,
          involved=(Involved("Emergency Medicine", tag="emergency-attending"),)),
    # The safety report of the same death, later: the attending already has a case waiting, so
    # the new referral links to it ("also referred in #N") and opens one for the resident only.
    Story("patient_death",
          "A young patient died in the emergency department after a long resuscitation.",
          "safety_report", by="integration", hours_ago=1.25, external_ref="SR-4821",
          involved=(Involved("Emergency Medicine", tag="emergency-attending"),
                    Involved("Emergency Medicine", role_type="resident"))),
    # Asked for support through the emailed link from /support/ask/, with wishes: a neurologist
    # would like a woman from their own specialty, but the program's neurologists are in the
    # peer's own department, so the director reads why that wish cannot be met.
    Story("adverse_outcome",
          "A patient I saw in clinic had a stroke the following week, and it keeps coming back to me.",
          "self", by=PERSONAL_LINK, hours_ago=1.5,
          preferences=(("gender", "female"), ("specialty", "Neurology")),
          involved=(Involved("Neurology"),)),
    # Came back with "I'd like to talk now" from the open invitation after declining a month ago:
    # the supporter of that case is suggested first (continuity).
    Story("medical_error", "A test result was missed and treatment started later than planned.",
          "self", by=TALK_LINK, hours_ago=1,
          involved=(Involved("Cardiology", role_type="fellow", tag="cardiology-fellow"),)),
    Story("patient_aggression",
          "Threatened and pushed by a visitor during a night shift on an inpatient unit.",
          "colleague", by="clinician", hours_ago=0.75,
          involved=(Involved("Psychiatry", role_type="resident"),)),
    # Open and with a supporter.
    Story("adverse_outcome",
          "A delivery ended with an unexpected outcome for the baby; the clinician asked for a "
          "peer supporter.",
          "safety_report_opt_in", by="referrer", hours_ago=20, interventional=True,
          assigned_after_hours=1,
          involved=(Involved("Obstetrics and Gynecology", specialty="Obstetrics and Gynecology",
                             state="assigned"),)),
    Story("litigation",
          "Named in a lawsuit about care given two years ago; would like to talk to someone who "
          "has been through one.",
          "self", by="clinician", hours_ago=50, assigned_after_hours=2,
          preferences=(("gender", "female"),),
          involved=(Involved("Pediatrics", state="accepted"),)),
    Story("medical_error",
          "A medication mix-up on a medical ward reached a patient before it was caught.",
          "safety_report", by="referrer", hours_ago=40, assigned_after_hours=1.5,
          involved=(Involved("Medicine", specialty="Hospital Medicine", state="outreach_made"),
                    Involved("Medicine", role_type="resident", state="accepted"))),
    # Closed in the past.
    Story("patient_death", "A patient died unexpectedly overnight in intensive care.",
          "safety_report", by="referrer", hours_ago=24 * 24, assigned_after_hours=1,
          closed_after_days=9,
          involved=(Involved("Critical Care", state="closed", outcome="accepted"),)),
    Story("medical_error", "A test result was missed and treatment started later than planned.",
          "safety_report", by="referrer", hours_ago=38 * 24, assigned_after_hours=3,
          closed_after_days=5,
          involved=(Involved("Cardiology", role_type="fellow", state="closed",
                             outcome="declined", tag="cardiology-fellow"),)),
    Story("adverse_outcome",
          "A joint operation led to a serious complication and a second operation.",
          "safety_report", by="integration", hours_ago=52 * 24, interventional=True,
          external_ref="SR-4512", assigned_after_hours=2, closed_after_days=12,
          involved=(Involved("Orthopedic Surgery", state="closed", outcome="unreachable"),)),
    Story("litigation", "Served with a malpractice claim about a scan reported last year.",
          "colleague", by="director", hours_ago=70 * 24, assigned_after_hours=4,
          closed_after_days=14,
          involved=(Involved("Radiology", specialty="Radiology", state="closed",
                             outcome="accepted"),)),
    Story("patient_aggression",
          "Assaulted by a patient in the waiting area during a busy evening shift.",
          "safety_report", by="referrer", hours_ago=85 * 24, assigned_after_hours=1,
          closed_after_days=6,
          involved=(Involved("Emergency Medicine", role_type="resident", state="closed",
                             outcome="accepted"),
                    Involved("Emergency Medicine", state="closed", outcome="declined"))),
    Story("medical_error", "A gap in a handover meant a patient who was getting worse was seen late.",
          "safety_report", by="referrer", hours_ago=110 * 24, assigned_after_hours=2,
          closed_after_days=10,
          involved=(Involved("Neurology", state="closed", outcome="accepted"),)),
)
