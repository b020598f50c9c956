"""Who reads the background tasks' records in the admin: administrators (as the README says),
no one else."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_administrator_role_can_read_failed_tasks_as_the_readme_says(client, users):
    # README: "The administrator can see every task, its state and a failed task's traceback
    # in the admin (Tasks Database Backend -> Task results)". The Administrator role has no
    # django_tasks_db.view_dbtaskresult (plans.roles), so only a superuser can.
    admin = users["admin"]
    assert admin.is_staff and not admin.is_superuser
    client.force_login(admin)
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 200


@pytest.mark.parametrize("role", ["performance", "viewer", "officer"])
def test_other_roles_cannot_read_the_tasks(client, users, role):
    client.force_login(users[role])
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code in (302, 403)
