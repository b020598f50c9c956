"""Plan set-up pages (deliverables.views.setup, setup_structure), for the performance team.
Included in the deliverables namespace."""

from django.urls import path

from deliverables.views import setup, setup_structure

urlpatterns = [
    path("manage/plans/", setup.plan_list, name="setup_plans"),
    path("manage/plans/new/", setup.plan_new, name="setup_plan_new"),
    path("manage/plans/<slug:slug>/", setup_structure.structure, name="setup_structure"),
    path("manage/plans/<slug:slug>/edit/", setup.plan_edit, name="setup_plan_edit"),
    path("manage/plans/<slug:slug>/archive/", setup.plan_archive, name="setup_plan_archive"),
    path(
        "manage/plans/<slug:slug>/actions/new/",
        setup_structure.action_add,
        name="setup_action_add",
    ),
    # <level>: outcome, theme or deliverable (anything else is a 404).
    path("manage/plans/<slug:slug>/<str:level>/new/", setup_structure.item_add, name="setup_add"),
    path(
        "manage/plans/<slug:slug>/<str:level>/<id:pk>/",
        setup_structure.item_edit,
        name="setup_edit",
    ),
    path(
        "manage/plans/<slug:slug>/<str:level>/<id:pk>/move/",
        setup_structure.item_move,
        name="setup_move",
    ),
    path(
        "manage/plans/<slug:slug>/<str:level>/<id:pk>/delete/",
        setup_structure.item_delete,
        name="setup_delete",
    ),
]
