from django.urls import path, re_path

from deliverables.indicators import views_entry as indicator_entry
from deliverables.setup_urls import urlpatterns as setup_urlpatterns
from deliverables.tracker.urls import urlpatterns as tracker_urlpatterns
from deliverables.views import (
    actions,
    browse,
    indicator_imports,
    indicators,
    milestones,
    people,
    periods,
    recommendations,
    review,
    thread,
    updates,
)

app_name = "deliverables"

urlpatterns = [
    path("start/", updates.landing, name="landing"),
    path("my-updates/", updates.my_updates, name="my_updates"),
    path("review/", review.review_index, name="review_index"),
    path("plans/<slug:slug>/actions/<id:pk>/", actions.action_detail, name="action"),
    path("plans/<slug:slug>/actions/<id:pk>/delegates/", actions.delegate_add, name="delegate_add"),
    path(
        "plans/<slug:slug>/actions/<id:pk>/delegates/<id:user_pk>/remove/",
        actions.delegate_remove,
        name="delegate_remove",
    ),
    path("plans/<slug:slug>/actions/<id:pk>/reopen/", actions.action_reopen, name="action_reopen"),
    path(
        "plans/<slug:slug>/actions/<id:pk>/withdraw/",
        actions.action_withdraw,
        name="action_withdraw",
    ),
    path(
        "plans/<slug:slug>/actions/<id:pk>/reinstate/",
        actions.action_reinstate,
        name="action_reinstate",
    ),
    path(
        "plans/<slug:slug>/quarters/<period:code>/actions/<id:pk>/update/",
        updates.update_edit,
        name="update",
    ),
    path("plans/<slug:slug>/quarters/<period:code>/review/", review.review, name="review"),
    path(
        "plans/<slug:slug>/quarters/<period:code>/review/approve/",
        review.approve_many,
        name="approve_many",
    ),
    path("updates/<id:pk>/approve/", review.update_approve, name="approve"),
    path("updates/<id:pk>/withdraw/", updates.update_withdraw, name="withdraw"),
    path("updates/<id:pk>/return/", review.update_return, name="return"),
    path("plans/<slug:slug>/", browse.plan_detail, name="plan"),
    path("plans/<slug:slug>/outcomes/<id:pk>/", browse.outcome_detail, name="outcome"),
    # The golden thread between plans (deliverables.views.thread).
    path("plans/<slug:slug>/deliverables/<id:pk>/", thread.deliverable_detail, name="deliverable"),
    path(
        "plans/<slug:slug>/actions/<id:pk>/serves/",
        thread.contribution_add,
        name="contribution_add",
    ),
    path(
        "plans/<slug:slug>/actions/<id:pk>/serves/<id:deliverable_pk>/remove/",
        thread.contribution_remove,
        name="contribution_remove",
    ),
    # Indicators: the list for a quarter, its files, and one indicator's page.
    path("plans/<slug:slug>/indicators/", indicators.indicator_list, name="indicators"),
    path("plans/<slug:slug>/indicators.csv", indicators.indicator_list_csv, name="indicators_csv"),
    path(
        "plans/<slug:slug>/indicators.xlsx", indicators.indicator_list_xlsx, name="indicators_xlsx"
    ),
    path("plans/<slug:slug>/indicators/<str:code>/", indicators.indicator_detail, name="indicator"),
    path("quarters/", periods.quarters_index, name="quarters_index"),
    path("plans/<slug:slug>/quarters/", periods.quarters, name="quarters"),
    path("plans/<slug:slug>/quarters/new/", periods.quarter_create, name="quarter_create"),
    path("plans/<slug:slug>/quarters/<period:code>/", periods.quarter_detail, name="quarter"),
    path(
        "plans/<slug:slug>/quarters/<period:code>/close/",
        periods.quarter_close,
        name="quarter_close",
    ),
    path(
        "plans/<slug:slug>/quarters/<period:code>/chase/",
        periods.quarter_chase,
        name="quarter_chase",
    ),
    re_path(
        r"^plans/(?P<slug>[-\w]+)/quarters/(?P<code>[0-9]{4}-[0-9]{2}-Q[1-4]|[0-9]{4}-(?:0[1-9]|1[0-2]))/"
        r"(?P<transition>open|extend|reopen)/$",
        periods.quarter_transition,
        name="quarter_transition",
    ),
    path("plans/<slug:slug>/reassign/", actions.reassign, name="reassign"),
    path("plans/<slug:slug>/people/", people.people, name="people"),
    path("plans/<slug:slug>/people/confirm/", people.people_confirm, name="people_confirm"),
    # The recommendations register (deliverables.views.recommendations).
    path(
        "plans/<slug:slug>/recommendations/",
        recommendations.recommendation_list,
        name="recommendations",
    ),
    path(
        "plans/<slug:slug>/recommendations/new/",
        recommendations.recommendation_create,
        name="recommendation_create",
    ),
    path(
        "plans/<slug:slug>/recommendations/<id:pk>/",
        recommendations.recommendation_detail,
        name="recommendation",
    ),
    path(
        "plans/<slug:slug>/recommendations/<id:pk>/edit/",
        recommendations.recommendation_edit,
        name="recommendation_edit",
    ),
    # An action's milestones (the performance team) and the timelines (deliverables.timeline).
    path(
        "plans/<slug:slug>/actions/<id:pk>/milestones/",
        milestones.milestone_list,
        name="milestones",
    ),
    path(
        "plans/<slug:slug>/actions/<id:pk>/milestones/add/",
        milestones.milestone_add,
        name="milestone_add",
    ),
    path(
        "plans/<slug:slug>/actions/<id:pk>/milestones/<id:milestone_pk>/edit/",
        milestones.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "plans/<slug:slug>/actions/<id:pk>/milestones/<id:milestone_pk>/delete/",
        milestones.milestone_delete,
        name="milestone_delete",
    ),
    path(
        "plans/<slug:slug>/actions/<id:pk>/milestones/<id:milestone_pk>/move/",
        milestones.milestone_move,
        name="milestone_move",
    ),
    path(
        "plans/<slug:slug>/outcomes/<id:pk>/timeline/",
        milestones.outcome_timeline,
        name="outcome_timeline",
    ),
    path(
        "plans/<slug:slug>/themes/<id:pk>/timeline/",
        milestones.theme_timeline,
        name="theme_timeline",
    ),
    *tracker_urlpatterns,
    *setup_urlpatterns,
    # Indicator history and comparators from files (deliverables.indicators.load).
    path("imports/indicators/", indicator_imports.indicator_import, name="indicator_import"),
    path("imports/comparators/", indicator_imports.comparators_import, name="comparators_import"),
    # Indicator values in the quarterly cycle (deliverables.indicators.views_entry).
    path(
        "plans/<slug:slug>/indicators/<str:indicator>/quarters/<period:code>/",
        indicator_entry.indicator_entry,
        name="indicator_entry",
    ),
    path(
        "indicator-values/<id:pk>/approve/",
        indicator_entry.indicator_value_approve,
        name="indicator_value_approve",
    ),
    path(
        "indicator-values/<id:pk>/return/",
        indicator_entry.indicator_value_return,
        name="indicator_value_return",
    ),
    path(
        "indicator-values/<id:pk>/withdraw/",
        indicator_entry.indicator_value_withdraw,
        name="indicator_value_withdraw",
    ),
]
