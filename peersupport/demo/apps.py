from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo program (Riverside General Hospital): `load_demo` and `demo_code`."""

    name = "peersupport.demo"
    label = "demo"
