"""The one sentence carries no patient details: a corpus of our own examples, each refused one
with the rule that must catch it, and ordinary event sentences that must pass."""

import pytest

from peersupport.referrals import summary_check as check

REFUSED = [
    ("Patient John Smith MRN 12345678 died.", check.RECORD_NUMBER),
    ("A patient with MRN 4471823 had a fall on the ward.", check.RECORD_NUMBER),
    ("The wrong drug was given to the patient in chart number 55102.", check.RECORD_NUMBER),
    ("Medical record number A1234567 was mixed up with another patient's.", check.RECORD_NUMBER),
    ("A transfusion went to the wrong patient, record #88213.", check.RECORD_NUMBER),
    ("A scan for patient ID 20931 was read late.", check.RECORD_NUMBER),
    ("The safety report SR-2291 describes a fall in radiology.", check.RECORD_NUMBER),
    ("Dr Patel missed a deteriorating patient overnight.", check.NAME),
    ("Mrs. Jones died unexpectedly after surgery.", check.NAME),
    ("A fall happened while Mr O'Neil was walking to the bathroom.", check.NAME),
    ("Ms Alvarez was given the wrong medication.", check.NAME),
    ("Miss Taylor had a reaction to a blood product.", check.NAME),
    ("Mx Rivera was discharged before results came back.", check.NAME),
    ("The baby Olivia was delivered after a difficult labor.", check.NAME),
    ("A delay in treatment for patient Hernandez led to an intensive care admission.", check.NAME),
    ("A patient born on the same day as another was given the wrong blood.", check.DATE),
    ("The patient (DOB 1950) had a cardiac arrest during a procedure.", check.DATE),
    ("A patient with date of birth 04/07/1961 died after a fall.", check.DATE),
    ("A medication error occurred on 12/03/2026 in the intensive care unit.", check.DATE),
    ("The operation on 2026-11-02 ended with an unexpected complication.", check.DATE),
    ("A patient died on 3 March after a delayed diagnosis.", check.DATE),
    ("On November 14th, 2026 a patient fell in the emergency department.", check.DATE),
    ("A 72-year-old patient died unexpectedly after a routine operation.", check.AGE),
    ("A patient aged 72 fell out of bed overnight.", check.AGE),
    ("A 72 yo man had a cardiac arrest after a scan.", check.AGE),
    ("A three-month-old baby was given the wrong dose.", check.AGE),
    ("A woman, 45 years old, died during a routine procedure.", check.AGE),
    ("An infant at the age of six weeks had a serious reaction.", check.AGE),
    ("The nurse gave 10mg morphine too early.", check.DOSE),
    ("A child was given 5 ml of the wrong syrup.", check.DOSE),
    ("A patient received 2 units of insulin twice overnight.", check.DOSE),
    ("An infusion of 250 mcg was given instead of a smaller dose.", check.DOSE),
    ("The patient was given 1.5 g of an antibiotic they were allergic to.", check.DOSE),
    ("Ten milligrams too much of a sedative were given in recovery.", check.DOSE),
    ("A dose of 0.1 mg/kg was given to the wrong patient.", check.DOSE),
    ("A patient in bed 12 fell while getting up at night.", check.BED_ROOM),
    ("A fire alarm in room 4B led to an unsafe evacuation.", check.BED_ROOM),
    ("An aggressive visitor threatened staff in bay 3.", check.BED_ROOM),
    ("A swab was left behind after surgery in OR 7.", check.BED_ROOM),
    ("A patient was called back after result 4471 8823 was misfiled.", check.DIGITS),
    ("The call came from 555 0100 9932 and was missed.", check.DIGITS),
    ("A patient died unexpectedly. The family was angry.", check.SENTENCES),
    ("An operation went wrong! A second operation was needed.", check.SENTENCES),
    ("Was the scan read too late? The patient needed surgery.", check.SENTENCES),
    ("A patient fell at night. The nurse found them in the morning. They were hurt.", check.SENTENCES),
]

ACCEPTED = [
    "A medication dose was given twice on the ward overnight.",
    "A patient died unexpectedly after a routine operation.",
    "Unexpected airway complication during an elective procedure.",
    "A routine operation ended with an unexpected complication and a transfer to intensive care.",
    "A young patient died in the emergency department after a long resuscitation.",
    "Threatened and pushed by a visitor during a night shift on an inpatient unit.",
    "A delivery ended with an unexpected outcome for the baby; the clinician asked for a peer supporter.",
    "Named in a lawsuit about care given two years ago; would like to talk to someone who has been through one.",
    "A medication mix-up on a medical ward reached a patient before it was caught.",
    "A patient died unexpectedly overnight in intensive care.",
    "A test result was missed and treatment started later than planned.",
    "A joint operation led to a serious complication and a second operation.",
    "Served with a malpractice claim about a scan reported last year.",
    "Assaulted by a patient in the waiting area during a busy evening shift.",
    "A gap in a handover meant a patient who was getting worse was seen late.",
    "An older patient fell in the bathroom and broke a hip.",
    "A child had a serious allergic reaction to a medication in the clinic.",
    "A baby needed resuscitation after a difficult delivery.",
    "A wrong-site procedure was stopped just before the first incision.",
    "A patient in their seventies died after a fall on the ward.",
    "A sudden cardiac arrest in the Emergency Department did not respond to treatment.",
    "A family member shouted at and threatened staff at the Main Campus clinic.",
    "A diagnosis of cancer was missed on two earlier visits.",
    "A retained swab was found after surgery and needed a second operation.",
    "A patient took their own life shortly after discharge.",
    "The wrong patient was taken to the operating room, and the mistake was caught late.",
    "A long shift ended with a medication error that reached a patient.",
    "A complaint to the licensing board about care in 2024 is under way.",
    "A colleague witnessed a violent incident in the psychiatric unit.",
    "An infusion pump was set up wrongly and a patient was harmed.",
    "A newborn was transferred to intensive care after an unexpected complication.",
    "A pressure injury was found late on a patient in the Intensive Care Unit.",
    "A patient on a 24/7 monitoring program was not checked as planned.",
    "A 4-bed bay had to be evacuated during a night shift.",
    "Two units were short of staff when a patient deteriorated.",
    "A patient with a rare condition died despite several hours of treatment.",
    "Named in a lawsuit after a birth injury more than five years ago.",
    "An error in a laboratory result led to a delayed treatment.",
    "A patient was given a medicine they were known to be allergic to.",
    "A resident was verbally abused by a patient's relative during rounds.",
    "A surgical fire in an operating room injured a patient.",
    "Patient Safety asked us to refer the team after an unexpected death.",
    "A 3-hour delay in the emergency department ended in a serious outcome.",
]


def test_the_corpus_is_large_enough():
    assert len(REFUSED) >= 40 and len(ACCEPTED) >= 40
    assert {rule for _, rule in REFUSED} >= set(check.PATTERNS) | {check.SENTENCES}


@pytest.mark.parametrize(("summary", "rule"), REFUSED, ids=[f"{r}-{i}" for i, (_, r) in enumerate(REFUSED)])
def test_a_summary_with_patient_details_is_refused_by_the_rule_that_explains_it(summary, rule):
    findings = check.summary_findings(summary)
    assert findings, f"Nothing found in {summary!r}"
    assert findings[0].rule == rule, [(f.rule, f.fragments) for f in findings]
    # The message quotes what was found and says what to do instead.
    assert f"“{findings[0].fragments[0]}”" in findings[0].message
    assert "instead" in findings[0].message or "Leave" in findings[0].message or "Put" in findings[0].message \
        or "Keep" in findings[0].message


@pytest.mark.parametrize("summary", ACCEPTED)
def test_an_ordinary_event_sentence_is_accepted(summary):
    assert check.summary_findings(summary, lambda names: []) == []


def test_a_name_on_the_roster_is_found_with_one_lookup_of_capitalized_word_runs():
    asked: list[list[str]] = []

    def lookup(candidates: list[str]) -> list[str]:
        asked.append(candidates)
        return [c for c in candidates if c == "Dana Reyes"]

    [finding] = check.summary_findings("A fall was seen by Dana Reyes at the Main Campus.", lookup)
    assert finding.rule == check.ROSTER_NAME and finding.fragments == ("Dana Reyes",)
    assert len(asked) == 1 and "Main Campus" in asked[0] and "Dana Reyes" in asked[0]


def test_several_fragments_of_one_kind_are_quoted_together():
    [finding] = check.summary_findings("A patient was given 10mg and then 5 ml of the wrong drug.")
    assert finding.fragments == ("10mg", "5 ml")
    assert "“10mg” and “5 ml” are doses or amounts" in finding.message


def test_every_kind_found_is_reported_at_once():
    findings = check.summary_findings("Patient John Smith MRN 12345678 died. The nurse gave 10mg morphine IV at 3am.")
    assert [f.rule for f in findings] == [check.RECORD_NUMBER, check.DOSE, check.NAME, check.SENTENCES]
