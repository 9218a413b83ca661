"""The roster and the supporter team read in Spanish."""

from django.urls import reverse

from peersupport.testing.spanish import page_in_spanish


def test_the_roster_reads_in_spanish(spanish_catalogs, client, director, supporter_a):
    client.force_login(director)
    page = page_in_spanish(client, reverse("roster"))
    assert "Buscar en la plantilla" in page and "Cualquier puesto" in page
    assert "Search the roster" not in page


def test_the_supporter_team_reads_in_spanish(spanish_catalogs, client, director, supporter_a):
    client.force_login(director)
    page = page_in_spanish(client, reverse("supporters"))
    assert "El equipo de compañeros/as de apoyo" in page
    assert "1 compañero/a de apoyo" in page  # the count, in its singular form


def test_an_import_row_problem_reads_in_spanish_to_a_director_who_reads_spanish(
        spanish_catalogs, client, director, settings, django_capture_on_commit_callbacks):
    """The worker checks the file in the language of the director who uploaded it: the preview's
    problem says what is wrong and what to do in Spanish, and so does the mapping form."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from peersupport.roster.models import RosterImport
    from peersupport.roster.tests.test_import import COLUMNS, csv_bytes, person_row
    from peersupport.testing.i18n import reads_spanish

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(director)
    reads_spanish(client, director)
    content = csv_bytes([person_row(1), person_row(2, rank="12"), person_row(3, supervisor="X9")])
    client.post(reverse("roster-import-new"), {"file": SimpleUploadedFile("hr.csv", content)},
                HTTP_ACCEPT_LANGUAGE="es")
    found = RosterImport.objects.get()
    body = {**{f"column_{name}": heading for name, heading in COLUMNS.items()}, "mapping_name": "Workday"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster-import", args=[found.pk]), body, HTTP_ACCEPT_LANGUAGE="es")
    page = page_in_spanish(client, reverse("roster-import", args=[found.pk]))
    assert ("<td>3</td><td>Level</td><td>“12” no es un nivel. Use un número del 1 (en formación) al 5 "
            "(jefatura o liderazgo) o deje la celda vacía.</td>") in page
    assert "Número de empleado del supervisor desconocido, X9" in page
    assert "is not a rank" not in page and "Use a number" not in page
    assert "Nivel (de 1 a 5)" in page and "(no está en este archivo)" in page  # the mapping form's labels
