from django.urls import path

from peersupport.referrals import views

urlpatterns = [
    path("referrals/new/", views.referral_new, name="referral-new"),
    path("referrals/<int:referral_id>/", views.referral_receipt, name="referral-receipt"),
    path("referrals/<int:referral_id>/plan/", views.referral_plan_page, name="referral-plan"),
]
