"""Training forms: the shape of the input. The rules are the services'."""

from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.training.models import (
    Agreement,
    Course,
    CourseKind,
    Material,
    Pace,
    Session,
    TrainingSettings,
    Usefulness,
)
from peersupport.training.services import (
    CourseInput,
    EvaluationInput,
    MaterialInput,
    SessionInput,
    TrainingSettingsInput,
)


class CourseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind of course"), choices=CourseKind.choices)
    summary = forms.CharField(label=_("What it covers, in a sentence"), required=False, max_length=300)
    active = forms.BooleanField(label=_("Offered now"), required=False, initial=True)

    def __init__(self, *args: Any, course: Course | None = None, **kwargs: Any) -> None:
        if course is not None:
            kwargs.setdefault("initial", {"name": course.name, "kind": course.kind, "summary": course.summary,
                                          "active": course.active})
        super().__init__(*args, **kwargs)

    def to_input(self) -> CourseInput:
        data = self.cleaned_data
        return CourseInput(name=data["name"], kind=data["kind"], summary=data["summary"], active=data["active"])


class SessionForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("Length in minutes"), min_value=15, max_value=600, initial=180)
    place = forms.CharField(label=_("Place"), max_length=200)
    facilitators = forms.CharField(
        label=_("Facilitators' employee ids"), required=False, max_length=500,
        help_text=_("Supporters or program staff, separated by commas."),
    )

    def __init__(self, *args: Any, session: Session | None = None, **kwargs: Any) -> None:
        if session is not None:
            local = timezone.localtime(session.starts_at)
            kwargs.setdefault("initial", {
                "day": local.date(), "time": local.time().replace(second=0, microsecond=0),
                "minutes": session.minutes, "place": session.place,
                "facilitators": ", ".join(p.employee_id for p in session.facilitators.all()),
            })
        super().__init__(*args, **kwargs)

    def to_input(self) -> SessionInput:
        data = self.cleaned_data
        starts_at = timezone.make_aware(datetime.combine(data["day"], data["time"]))
        return SessionInput(starts_at=starts_at, minutes=data["minutes"], place=data["place"],
                            facilitator_ids=[e for e in data["facilitators"].split(",") if e.strip()])


class AttendanceForm(forms.Form):
    attendees = forms.MultipleChoiceField(label=_("Who attended"), required=False, choices=[],
                                          widget=forms.CheckboxSelectMultiple)
    others = forms.CharField(
        label=_("Others, by employee id"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more employee ids, separated by commas, spaces or new lines."),
    )
    completed = forms.TypedChoiceField(
        label=_("They"), choices=[("yes", _("completed the session")), ("no", _("attended but did not complete it"))],
        initial="yes", coerce=lambda value: value == "yes", widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = candidates  # type: ignore[attr-defined]  # a ChoiceField, typed as Field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ids = list(data.get("attendees") or []) + (data.get("others") or "").replace(",", " ").split()
        if not ids:
            raise forms.ValidationError(_("Choose at least one person who attended."))
        data["employee_ids"] = ids
        return data


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    description = forms.CharField(label=_("Short description"), required=False, max_length=300)
    course = forms.ModelChoiceField(label=_("For the course"), required=False, queryset=Course.objects.all(),
                                    empty_label=_("Every course"))
    active = forms.BooleanField(label=_("Shown to supporters"), required=False, initial=True)

    def __init__(self, *args: Any, program_id: int, material: Material | None = None, **kwargs: Any) -> None:
        if material is not None:
            kwargs.setdefault("initial", {"title": material.title, "url": material.url,
                                          "description": material.description, "course": material.course_id,
                                          "active": material.active})
        super().__init__(*args, **kwargs)
        # The program's own courses only: another program's is not a choice (the form says so).
        course_field = cast("forms.ModelChoiceField[Course]", self.fields["course"])
        course_field.queryset = Course.objects.filter(program_id=program_id)

    def to_input(self) -> MaterialInput:
        data = self.cleaned_data
        course = data["course"]
        return MaterialInput(title=data["title"], url=data["url"], description=data["description"],
                             course_id=course.pk if course else None, active=data["active"])


class TrainingSettingsForm(forms.Form):
    refresher_months = forms.IntegerField(label=_("A refresher falls due this many months after the last training"),
                                          min_value=1, max_value=60)
    notice_days = forms.IntegerField(label=_("Tell the supporter this many days before it is due"),
                                     min_value=1, max_value=120)
    pause_when_overdue = forms.BooleanField(
        label=_("Pause supporters whose refresher is overdue"), required=False,
        help_text=_("The reminders job pauses them, so they are not suggested, until a refresher is recorded."),
    )

    def __init__(self, *args: Any, rules: TrainingSettings, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"refresher_months": rules.refresher_months, "notice_days": rules.notice_days,
                                      "pause_when_overdue": rules.pause_when_overdue})
        super().__init__(*args, **kwargs)

    def to_input(self) -> TrainingSettingsInput:
        data = self.cleaned_data
        return TrainingSettingsInput(refresher_months=data["refresher_months"], notice_days=data["notice_days"],
                                     pause_when_overdue=data["pause_when_overdue"])


class EvaluationForm(forms.Form):
    usefulness = forms.TypedChoiceField(label=_("How useful was the session?"), choices=Usefulness.choices,
                                        coerce=int, widget=forms.RadioSelect)
    readiness = forms.TypedChoiceField(label=_("“I feel ready to support a colleague.”"), choices=Agreement.choices,
                                       coerce=int, widget=forms.RadioSelect)
    pace = forms.ChoiceField(label=_("The pace was"), choices=Pace.choices, widget=forms.RadioSelect)

    def to_input(self) -> EvaluationInput:
        data = self.cleaned_data
        return EvaluationInput(usefulness=data["usefulness"], readiness=data["readiness"], pace=data["pace"])
