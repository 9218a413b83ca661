from django.urls import path

from peersupport.cases import (
    views,
    views_break_glass,
    views_checkin,
    views_outside,
    views_retention,
    views_supporter,
)
from peersupport.cases.views_overview import outbox_retry, overview

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/emergency-access/", views_break_glass.break_glass, name="case-break-glass"),
    path("cases/<int:case_id>/emergency-access/end/", views_break_glass.break_glass_end,
         name="case-break-glass-end"),
    path("cases/<int:case_id>/assign/", views.case_assign_view, name="case-assign"),
    path("cases/<int:case_id>/outreach/", views_supporter.outreach, name="case-outreach"),
    path("cases/<int:case_id>/response/", views_supporter.response, name="case-response"),
    path("cases/<int:case_id>/response/undo/", views_supporter.response_undo, name="case-response-undo"),
    path("cases/<int:case_id>/encounters/", views_supporter.encounter, name="case-encounter"),
    path("cases/<int:case_id>/resources/", views_supporter.resource, name="case-resource"),
    path("cases/<int:case_id>/sheet/", views_supporter.sheet, name="case-sheet"),
    path("cases/<int:case_id>/sheet/send/", views_supporter.sheet_send, name="case-sheet-send"),
    path("cases/<int:case_id>/close/", views_supporter.close, name="case-close"),
    path("cases/<int:case_id>/safety/", views_supporter.safety, name="case-safety"),
    path("cases/<int:case_id>/hand-back/", views_supporter.hand_back, name="case-hand-back"),
    path("cases/<int:case_id>/check-in/", views_checkin.check_in, name="case-check-in"),
    path("cases/<int:case_id>/check-in/done/", views_checkin.check_in_done, name="case-check-in-done"),
    path("cases/<int:case_id>/outside/", views_outside.outside_wish, name="case-outside-wish"),
    path("cases/<int:case_id>/legal-hold/", views_retention.legal_hold, name="case-legal-hold"),
    path("my/cases/", views.my_cases, name="my-cases"),
    path("guide/", views_supporter.guide, name="guide"),
    path("overview/", overview, name="overview"),
    path("overview/outbox-retry/", outbox_retry, name="outbox-retry"),
]
