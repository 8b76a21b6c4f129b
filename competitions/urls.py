from django.urls import path

from competitions import views

app_name = "competitions"

urlpatterns = [
    path("", views.competition_list, name="list"),
    path("judging/", views.event_judging_list, name="judging"),
    path("judging/<int:pk>/", views.score_sheet, name="judging_sheet"),
    path("entries/<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    # Random addresses (Entry.certificate_token), not entry ids: they cannot be counted.
    path("certificates/<uuid:token>/", views.entry_certificate, name="certificate"),
    path("<int:pk>/", views.competition_detail, name="detail"),
    path("<int:pk>/rules/", views.competition_rules, name="rules"),
    path("<int:pk>/results/", views.competition_results, name="results"),
    path("<int:pk>/results.xlsx", views.competition_results_export, name="results_export"),
    path("<int:pk>/entries/", views.entry_list, name="entries"),
    path("<int:pk>/entries/new/", views.entry_create, name="entry_create"),
    path("<int:pk>/advance/", views.competition_advance, name="advance"),
]
