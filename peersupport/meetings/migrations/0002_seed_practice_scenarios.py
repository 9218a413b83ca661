"""The first practice scenarios: every kind of event and every professional role, all invented."""

from django.db import migrations

SCENARIOS = [
    ("The wrong dose", "medical_error", "nurse",
     "On a busy night shift you gave a patient ten times the intended dose of a blood thinner after misreading a "
     "label. The patient needed an antidote and an extra day of monitoring, and is now recovering.",
     "Shaken and ashamed; replaying the moment over and over; afraid to go back to the same unit."),
    ("The missed fracture", "medical_error", "resident",
     "A week ago you discharged a patient from the emergency department with a sprained wrist. A radiologist "
     "later found a fracture you had missed, and the patient was called back.",
     "Embarrassed in front of the team; doubting whether they are cut out for medicine; not sleeping well."),
    ("A routine procedure goes wrong", "adverse_outcome", "physician",
     "A planned procedure you have done hundreds of times led to a rare bleeding complication. The patient "
     "spent a week in intensive care. The review found no error, but the family is angry.",
     "Isolated; second-guessing every step; wondering whether to keep doing this kind of case."),
    ("An unexpected death on the ward", "patient_death", "app",
     "A patient you had seen that afternoon and judged stable died overnight of a cause nobody anticipated. "
     "You learned of it when you came in the next morning.",
     "Numb, then guilty; asking what they should have noticed; dreading the morbidity and mortality conference."),
    ("The child in resuscitation", "patient_death", "fellow",
     "You led a long resuscitation of a young child after a drowning. Despite everything the team did, the "
     "child died, and you spoke with the parents afterward.",
     "Images that keep coming back; tearful at unexpected moments; hugging their own children too tightly."),
    ("Struck by a patient", "patient_aggression", "therapist",
     "During a session a confused patient hit you hard enough to leave a bruise. Colleagues helped, and the "
     "patient was moved to another unit, but you are scheduled to see similar patients this week.",
     "Jumpy and on edge; angry, then guilty for being angry; unsure whether anyone thinks it was their fault."),
    ("Threats at the pharmacy counter", "patient_aggression", "pharmacist",
     "A visitor who was refused an early refill shouted threats at you and waited in the parking lot at the "
     "end of your shift. Security walked you to your car.",
     "Frightened on the way to work; wary of every customer; feeling the workplace is no longer safe."),
    ("A letter from a lawyer", "litigation", "physician",
     "You have been named in a lawsuit about a delivery that ended badly two years ago. You may not discuss the "
     "case with the family and do not yet know when the deposition will be.",
     "Anxious and preoccupied; feeling judged before anything is decided; reluctant to tell anyone."),
    ("The transport that went wrong", "other", "other",
     "While moving a patient between units, the stretcher tipped on a ramp and the patient was bruised. The "
     "equipment was found faulty, yet you were the one pushing it.",
     "Guilty despite the findings; worried about their job; feeling invisible to the clinical staff."),
    ("A near miss after a double shift", "other", "nurse",
     "At the end of a double shift you almost gave a medication to the wrong patient; a colleague caught it in "
     "time. No harm was done, but you cannot stop thinking about it.",
     "Exhausted and frightened by what might have happened; wondering whether they can keep working these hours."),
]


def seed(apps, schema_editor):
    Scenario = apps.get_model("meetings", "Scenario")
    Scenario.objects.bulk_create(
        Scenario(title=title, category=category, role_type=role_type, situation=situation, feelings=feelings)
        for title, category, role_type, situation, feelings in SCENARIOS
    )


def unseed(apps, schema_editor):
    Scenario = apps.get_model("meetings", "Scenario")
    Scenario.objects.filter(title__in=[row[0] for row in SCENARIOS]).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_meetings_invitations_scenarios")]

    operations = [migrations.RunPython(seed, unseed)]
