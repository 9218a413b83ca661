"""Every kind of text box a form renders gets the app's field style, so none shows up tiny on a phone."""

import importlib
import pkgutil
import re
from pathlib import Path

from django import forms
from django.forms.widgets import Input

import peersupport

UNSTYLED_ON_PURPOSE = {"checkbox", "radio", "hidden", "file"}


def _form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(peersupport.__path__, "peersupport."):
        if module.name.endswith(".forms") or ".forms_" in module.name:
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending: list[type[forms.BaseForm]] = [forms.Form, forms.ModelForm]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("peersupport.")]


def _input_types() -> dict[str, str]:
    types: dict[str, str] = {}
    for cls in _form_classes():
        for name, field in getattr(cls, "base_fields", {}).items():
            widget = field.widget
            kind = widget.attrs.get("type") or getattr(widget, "input_type", None)
            if isinstance(widget, Input) and kind and kind not in UNSTYLED_ON_PURPOSE:
                types.setdefault(kind, f"{cls.__module__}.{cls.__name__}.{name}")
    return types


def test_every_text_box_type_a_form_renders_has_the_field_style():
    css = (Path(peersupport.__file__).parent / "static" / "css" / "app.css").read_text()
    rule = next(block for block in re.findall(r"([^{}]+)\{([^}]*)\}", css) if "min-height: 2.75rem" in block[1]
                and "border" in block[1] and "input[" in block[0])
    styled = set(re.findall(r'input\[type="([^"]+)"\]', rule[0]))
    types = _input_types()
    assert {"text", "email", "date"} <= types.keys()  # the walk found the forms
    unstyled = {kind: where for kind, where in types.items() if kind not in styled}
    assert not unstyled, f"input types without the field style: {unstyled}"
