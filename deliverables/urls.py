from django.urls import path

from deliverables import views, views_imports

app_name = "deliverables"

urlpatterns = [
    path("start/", views.landing, name="landing"),
    path("my-updates/", views.my_updates, name="my_updates"),
    path("review/", views.review_index, name="review_index"),
    path("plans/<slug:slug>/actions/<int:pk>/", views.action_detail, name="action"),
    path("plans/<slug:slug>/actions/<int:pk>/delegates/", views.delegate_add, name="delegate_add"),
    path(
        "plans/<slug:slug>/actions/<int:pk>/delegates/<int:user_pk>/remove/",
        views.delegate_remove,
        name="delegate_remove",
    ),
    path("plans/<slug:slug>/actions/<int:pk>/reopen/", views.action_reopen, name="action_reopen"),
    path(
        "plans/<slug:slug>/actions/<int:pk>/withdraw/",
        views.action_withdraw,
        name="action_withdraw",
    ),
    path(
        "plans/<slug:slug>/actions/<int:pk>/reinstate/",
        views.action_reinstate,
        name="action_reinstate",
    ),
    path(
        "plans/<slug:slug>/quarters/<period:code>/actions/<int:pk>/update/",
        views.update_edit,
        name="update",
    ),
    path("plans/<slug:slug>/quarters/<period:code>/review/", views.review, name="review"),
    path("updates/<int:pk>/approve/", views.update_approve, name="approve"),
    path("updates/<int:pk>/return/", views.update_return, name="return"),
    path(
        "plans/<slug:slug>/quarters/<period:code>/tracker.xlsx",
        views_imports.export_tracker,
        name="export_tracker",
    ),
    path("imports/", views_imports.import_list, name="imports"),
    path("imports/new/", views_imports.import_new, name="import_new"),
    path("imports/<int:pk>/", views_imports.import_detail, name="import"),
    path("imports/<int:pk>/apply/", views_imports.import_apply, name="import_apply"),
    path("imports/<int:pk>/cancel/", views_imports.import_cancel, name="import_cancel"),
]
