import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext, gettext_lazy

from peersupport.accounts.models import User
from peersupport.audit.services import audit_record
from peersupport.lib.errors import InvalidInput
from peersupport.matching.models import matching_version_bump
from peersupport.program.models import DEFAULT_WEIGHTS, Program, ProgramSettings, ProgramSite, program_id_for_site
from peersupport.publicity.services import publicity_places_start
from peersupport.referrals.models import Category
from peersupport.roster.models import Person, RoleType
from peersupport.support.pages import require_free_public_address


@dataclass(frozen=True)
class ProgramSettingsInput:
    served_role_types: list[str]
    assignment_due_hours: int
    first_outreach_due_hours: int
    exclude_same_department: bool
    default_case_limit: int
    small_count_threshold: int
    retention_days: int
    unreachable_after_attempts: int
    unreachable_after_days: int
    next_attempt_due_hours: int
    first_conversation_due_hours: int
    follow_up_due_days: int
    close_due_days: int
    escalate_after_hours: int
    weights: dict[str, float] = field(default_factory=dict)
    one_peer_per_supporter_per_event: bool = True
    administrators_see_cases: bool = True
    break_glass_hours: int = 2
    # Event categories for which other programs' shared supporters are suggested by default.
    outside_supporter_categories: list[str] = field(default_factory=list)


# Each number setting with its bounds. Due times stay within a fortnight (or three months for
# days): a step that may wait longer is one nobody watches.
NUMBER_BOUNDS: dict[str, tuple[int, int]] = {
    "assignment_due_hours": (1, 24 * 14),
    "first_outreach_due_hours": (1, 24 * 14),
    "next_attempt_due_hours": (1, 24 * 14),
    "first_conversation_due_hours": (1, 24 * 14),
    "follow_up_due_days": (1, 90),
    "close_due_days": (1, 90),
    "escalate_after_hours": (1, 24 * 14),
    "unreachable_after_attempts": (1, 10),
    "unreachable_after_days": (1, 60),
    "default_case_limit": (1, 20),
    "small_count_threshold": (5, 100),
    "retention_days": (30, 3650),
    # Emergency access is for the emergency: within a day, a director can be reached again.
    "break_glass_hours": (1, 24),
}

# Each number's name on the settings page, and in the message that refuses one out of bounds.
SETTING_LABELS = {
    "assignment_due_hours": gettext_lazy("Hours to assign a supporter"),
    "first_outreach_due_hours": gettext_lazy("Hours to the first outreach"),
    "next_attempt_due_hours": gettext_lazy("Hours to the next try"),
    "first_conversation_due_hours": gettext_lazy("Hours to the conversation"),
    "follow_up_due_days": gettext_lazy("Days to a planned follow-up"),
    "close_due_days": gettext_lazy("Days to close a case"),
    "escalate_after_hours": gettext_lazy("Hours late before the director is told"),
    "unreachable_after_attempts": gettext_lazy("Unanswered tries before a peer is unreachable"),
    "unreachable_after_days": gettext_lazy("Days those tries are spread over"),
    "default_case_limit": gettext_lazy("Default case limit"),
    "small_count_threshold": gettext_lazy("Smallest count shown in reports"),
    "retention_days": gettext_lazy("Days to keep a closed case's details"),
    "break_glass_hours": gettext_lazy("Hours an emergency access lasts"),
}


def program_settings_update(*, actor: User, data: ProgramSettingsInput) -> ProgramSettings:
    if not data.served_role_types:
        raise InvalidInput(gettext("The program must serve at least one professional role."))
    unknown = [r for r in data.served_role_types if r not in RoleType.values]
    if unknown:
        raise InvalidInput(gettext("Unknown professional role “%(role)s”: choose from the list.")
                           % {"role": unknown[0][:40]})
    for name, (low, high) in NUMBER_BOUNDS.items():
        if not low <= getattr(data, name) <= high:
            raise InvalidInput(gettext("“%(setting)s” must be between %(low)s and %(high)s.")
                               % {"setting": SETTING_LABELS[name], "low": low, "high": high})
    bad_weights = [k for k in data.weights if k not in DEFAULT_WEIGHTS]
    if bad_weights:
        raise InvalidInput(gettext("Unknown matching weight “%(weight)s”.") % {"weight": bad_weights[0][:40]})
    if any(not 0 <= float(v) <= 10 for v in data.weights.values()):
        raise InvalidInput(gettext("Each matching weight is between 0 and 10."))
    unknown_categories = [c for c in data.outside_supporter_categories if c not in Category.values]
    if unknown_categories:
        raise InvalidInput(gettext("Unknown kind of event “%(category)s”: choose from the list.")
                           % {"category": unknown_categories[0][:40]})
    with transaction.atomic():
        # The director's own program's settings: another program's are never theirs to change.
        ProgramSettings.for_program(actor.program_id)
        program = ProgramSettings.objects.select_for_update().get(program_id=actor.program_id or Program.default().pk)
        program.served_role_types = list(dict.fromkeys(data.served_role_types))
        for name in NUMBER_BOUNDS:
            setattr(program, name, getattr(data, name))
        program.exclude_same_department = data.exclude_same_department
        program.one_peer_per_supporter_per_event = data.one_peer_per_supporter_per_event
        program.administrators_see_cases = data.administrators_see_cases
        program.outside_supporter_categories = list(dict.fromkeys(data.outside_supporter_categories))
        program.weights = {**program.effective_weights(), **{k: float(v) for k, v in data.weights.items()}}
        program.save()
        # The kept matching facts hold each program's default case limit (a shared supporter's own).
        matching_version_bump()
        audit_record(actor=actor, action="program.settings_update", obj=program,
                     detail={"administrators_see_cases": program.administrators_see_cases,
                             "break_glass_hours": program.break_glass_hours})
    return program


# Programs and their sites: set up by the installation's operator (`manage.py programs`).

SHORT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def program_create(*, name: str, short_name: str, actor: User | None = None) -> Program:
    """A new program, with the default settings. The first program of an installation is its
    default one (the program of every site no program names)."""
    name, short_name = name.strip(), short_name.strip().lower()
    if not name or len(name) > 200:
        raise InvalidInput(gettext("Give the program a name of at most 200 characters."))
    if not SHORT_NAME.match(short_name):
        raise InvalidInput(gettext("A short name is lowercase letters, digits and hyphens, at most 40."))
    require_free_public_address(short_name)
    with transaction.atomic():
        if Program.objects.filter(short_name=short_name).exists():
            raise InvalidInput(gettext("A program is already called “%(short_name)s”.") % {"short_name": short_name})
        first = not Program.objects.exists()
        program = Program.objects.create(name=name, short_name=short_name, is_default=first)
        ProgramSettings.for_program(program)
        publicity_places_start(program.pk)
        audit_record(actor=actor, action="program.create", obj=program, detail={"short_name": short_name})
    return program


def program_site_set(*, site: str, program: Program | None, actor: User | None = None) -> int:
    """Map a site to a program (None: back to the default program). Everyone at that site, and
    their logins, move to it at once; cases keep the program they opened in. Returns how many
    people moved."""
    site = site.strip()
    if not site or len(site) > 100:
        raise InvalidInput(gettext("Give the site as the roster writes it (at most 100 characters)."))
    with transaction.atomic():
        if program is None:
            ProgramSite.objects.filter(site=site).delete()
        else:
            ProgramSite.objects.update_or_create(site=site, defaults={"program": program})
        program_id = program_id_for_site(site)
        people = Person.objects.filter(site=site).exclude(program_id=program_id)
        User.objects.filter(person__in=people).update(program_id=program_id)
        moved = people.update(program_id=program_id)
        if moved:
            # update() sends no signals: the suggestions' kept facts (each supporter's program) reload.
            matching_version_bump()
        audit_record(actor=actor, action="program.site_set", object_type="program", object_id=program_id,
                     detail={"moved": moved})
    return moved


def own_sites(program: Program) -> list[tuple[str, int]]:
    """A program's sites, each with how many people on the roster are there: the sites mapped to
    it, and for the default program every roster site no program names too. One grouped query on
    the index of a program's people by site."""
    counts = dict(Person.objects.filter(program_id=program.pk).order_by().values_list("site")
                  .annotate(people=Count("pk")).values_list("site", "people"))
    mapped = set(ProgramSite.objects.filter(program=program).values_list("site", flat=True))
    sites = mapped | ({site for site in counts if site} if program.is_default else set())
    return sorted(((site, counts.get(site, 0)) for site in sites), key=lambda row: row[0].lower())


def program_site_give(*, actor: User, site: str, to_program_id: int) -> int:
    """A director gives one of their own program's sites to another program: everyone there, and
    their logins, move to it (`program_site_set`). A site moves only by the director of the program
    that holds it, so no program's staff can take another's people. Returns how many moved."""
    own = Program.objects.get(pk=actor.program_pk)
    site = site.strip()
    if site not in {name for name, _count in own_sites(own)}:
        raise InvalidInput(gettext("Choose one of your program's own sites."))
    to = Program.objects.filter(pk=to_program_id).exclude(pk=own.pk).first()
    if to is None:
        raise InvalidInput(gettext("Choose another program to give the site to."))
    return program_site_set(site=site, program=None if to.is_default else to, actor=actor)
