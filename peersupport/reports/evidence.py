"""The published figures the case-for-support deck cites (from the project's EVIDENCE.md).

Each figure is said in our own words beside a short citation; the deck's last slide gives the
full ones. Nothing here comes from the program's own data.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from peersupport.lib.i18n import Text


@dataclass(frozen=True)
class Source:
    short: str  # the citation: authors, journal and year, as published
    full: Text  # the reference, with what it found said in the reader's language


@dataclass(frozen=True)
class Fact:
    figure: Text
    words: Text
    source: Source


WATERMAN = Source("Waterman et al., Jt Comm J Qual Patient Saf 2007",
                  _("Waterman AD, et al. Joint Commission Journal on Quality and Patient Safety 2007;33:467. "
                  "Survey of 3,171 physicians in the United States and Canada."))
WEST = Source("West et al., JAMA 2006",
              _("West CP, et al. JAMA 2006. Self-perceived medical errors, burnout and depression among "
              "resident physicians."))
SHANAFELT = Source("Shanafelt et al., Ann Surg 2011",
                   _("Shanafelt TD, et al. Annals of Surgery 2011. Suicidal ideation among surgeons and its "
                   "association with a recent major medical error."))
SHAPIRO = Source("Shapiro & Galowitz, Acad Med 2016",
                 _("Shapiro J, Galowitz P. Academic Medicine 2016. Peer support for clinicians."))
HU = Source("Hu et al., Arch Surg 2012",
            _("Hu YY, et al. Archives of Surgery 2012. Physicians' needs in coping with emotional stressors."))
KAISER = Source("Kaiser Permanente, PLoS One 2023",
                _("Kaiser Permanente physician peer support program. PLoS One 2023;18:e0292917."))
OPT_OUT = Source("J Grad Med Educ 2024",
                 _("Opt-out versus opt-in wellness visits for residents. Journal of Graduate Medical Education 2024."))
EDREES = Source("Edrees et al., BMJ Open 2016",
                _("Edrees H, et al. BMJ Open 2016. Implementing the RISE second victim support program at "
                "the Johns Hopkins Hospital."))
MORAN = Source("Moran et al., J Patient Saf 2020",
               _("Moran D, et al. Journal of Patient Safety 2020. Cost-benefit analysis of the RISE peer "
               "support program for nurses at the Johns Hopkins Hospital."))
FORYOU = Source("University of Missouri forYOU",
                _("University of Missouri Health Care, forYOU team: about 6,500 staff served by 93 trained "
                "supporters."))

SOURCES = [WATERMAN, WEST, SHANAFELT, SHAPIRO, HU, KAISER, OPT_OUT, EDREES, MORAN, FORYOU]

HARM = [
    Fact("61%", _("of physicians had more anxiety about future errors after an error"), WATERMAN),
    Fact("44%", _("lost confidence; 42% slept badly; 42% were less satisfied with their work"), WATERMAN),
    Fact("10%", _("felt their organization supported them adequately"), WATERMAN),
    Fact("3.3×", _("the odds of screening positive for depression after a self-perceived major error"), WEST),
    # xgettext:no-python-format
    Fact("16%", _("of surgeons who reported a recent major error had thought of suicide in the past year "
                "(6.3% of all surgeons)"), SHANAFELT),
    Fact("99%", _("of physicians in high-risk specialties face a malpractice claim by age 65"), SHAPIRO),
]

ASK = [
    Fact("82%", _("of physicians were interested in counseling after an error"), WATERMAN),
    Fact("88%", _("would turn to a physician colleague (48% to mental health professionals, 29% to an "
                "employee assistance program)"), HU),
    Fact("89%", _("named time as a barrier to getting help; then access 69%, confidentiality 68%, "
                "career impact 68%, stigma 62%"), HU),
    Fact("48.5%", _("of surveyed physicians had used Kaiser Permanente's peer support (59 supporters, "
                  "306 conversations in 3 years, a median of 60 minutes each)"), KAISER),
]

OUTREACH = [
    Fact(_("55% vs 6%"), _("of residents used wellness visits that were scheduled by default, against those "
                      "they had to ask for"), OPT_OUT),
    Fact("88%", _("of Johns Hopkins RISE encounters were rated successful; low awareness was the main "
                "barrier (119 calls in 52 months)"), EDREES),
    Fact(_("1 per 70"), _("supporters to staff in Missouri's forYOU team (93 for about 6,500 staff)"), FORYOU),
]
