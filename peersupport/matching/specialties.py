"""Specialty families of a 400-bed hospital, for the "related specialty" preference.

A supporter from a neighboring specialty knows the peer's working world (the same theatres,
the same kind of night) without sitting in the peer's own department, so they score just below
a same-specialty supporter. A few specialties belong to two families because they straddle two
worlds (a trauma surgeon lives in both the operating theatre and the emergency department).
"""

from __future__ import annotations

FAMILIES: dict[str, tuple[str, ...]] = {
    "surgical": (
        "General Surgery",
        "Orthopedic Surgery",
        "Cardiothoracic Surgery",
        "Neurosurgery",
        "Vascular Surgery",
        "Trauma Surgery",
        "Colorectal Surgery",
        "Plastic Surgery",
        "Urology",
        "Otolaryngology",
        "Ophthalmology",
    ),
    "medicine": (
        "Internal Medicine",
        "Hospital Medicine",
        "Family Medicine",
        "Cardiology",
        "Gastroenterology",
        "Nephrology",
        "Pulmonology",
        "Oncology",
        "Hematology",
        "Infectious Disease",
        "Endocrinology",
        "Rheumatology",
        "Geriatrics",
    ),
    "critical care and anesthesia": (
        "Anesthesiology",
        "Critical Care",
        "Pain Medicine",
        "Pulmonology",
    ),
    "women's and children's": (
        "Obstetrics and Gynecology",
        "Maternal-Fetal Medicine",
        "Pediatrics",
        "Neonatology",
        "Pediatric Surgery",
    ),
    "emergency": (
        "Emergency Medicine",
        "Trauma Surgery",
        "Critical Care",
    ),
    "diagnostics": (
        "Radiology",
        "Interventional Radiology",
        "Nuclear Medicine",
        "Pathology",
    ),
    "psychiatry and neurology": (
        "Psychiatry",
        "Neurology",
        "Physical Medicine and Rehabilitation",
    ),
    "nursing": (
        "Medical-Surgical Nursing",
        "Critical Care Nursing",
        "Emergency Nursing",
        "Perioperative Nursing",
        "Labor and Delivery Nursing",
        "Pediatric Nursing",
        "Oncology Nursing",
    ),
    "pharmacy and therapies": (
        "Pharmacy",
        "Respiratory Therapy",
        "Physical Therapy",
    ),
}

# Every specialty once, in the table's order (the demo data draws from this list).
SPECIALTIES: list[str] = list(dict.fromkeys(name for names in FAMILIES.values() for name in names))

# Names as people type them vary in case; the roster is not normalized, so neither is the lookup.
_FAMILIES_BY_NAME: dict[str, frozenset[str]] = {
    name.casefold(): frozenset(family for family, names in FAMILIES.items() if name in names) for name in SPECIALTIES
}


def families_of(specialty: str) -> frozenset[str]:
    """The families a specialty belongs to; empty for a specialty the table does not know."""
    return _FAMILIES_BY_NAME.get(specialty.strip().casefold(), frozenset())


def related(a: str, b: str) -> bool:
    """Different specialties that share a family. The same specialty is not "related": it
    earns the stronger same-specialty score instead, and is never counted twice."""
    if a.strip().casefold() == b.strip().casefold():
        return False
    return bool(families_of(a) & families_of(b))
