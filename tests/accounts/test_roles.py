"""Roles: the four exist, FAB's admin role is 系统管理员, each has exactly its declared permissions."""
import pytest

from app.accounts import roles
from app.accounts.security import AppSecurityManager
from app.extensions import appbuilder


def test_security_manager_is_ours(app):
    assert type(appbuilder.sm) is AppSecurityManager
    assert appbuilder.sm.user_model.__name__ == "AppUser"


def test_roles_exist_and_admin_role_is_system_admin(app, db):
    sm = appbuilder.sm
    for name in roles.ROLE_NAMES:
        assert sm.find_role(name) is not None
    assert sm.auth_role_admin == roles.SYSTEM_ADMIN


def test_seed_is_idempotent(app, db):
    from app.orgs.models import Organisation
    from app.reference.models import ReferenceItem
    from app.reference.seed import seed_all

    before = (db.session.query(Organisation).count(), db.session.query(ReferenceItem).count())
    assert seed_all() == (0, 0)
    assert (db.session.query(Organisation).count(), db.session.query(ReferenceItem).count()) == before
    assert before[0] == 1 + 17 + 3
    assert db.session.query(ReferenceItem).filter_by(list_name="industry").count() == 20


@pytest.mark.parametrize("role", roles.ROLE_NAMES)
def test_builtin_role_grants_exactly_declared_pairs(app, role):
    declared = set(roles.role_permissions(role))
    sm = appbuilder.sm
    role_obj = type("R", (), {"name": role})()
    for permission, view in declared:
        assert sm._has_access_builtin_roles(role_obj, permission, view)
    # A few permissions no role but the admin may have; and nothing leaks by name prefix.
    others = {("can_list", "AppUserDBModelView"), ("can_edit", "AppRoleModelView"), ("can_add", "CampaignModelView"),
              ("menu_access", "List Users"), ("can_list", "CampaignModelViewX")}
    for permission, view in others - declared:
        assert not sm._has_access_builtin_roles(role_obj, permission, view)


def test_grassroots_and_finance_cannot_manage_campaigns(app):
    for role in (roles.GRASSROOTS, roles.FINANCE, roles.DISTRICT_ADMIN):
        assert ("can_add", "CampaignModelView") not in roles.role_permissions(role)
        assert ("can_list", "AppUserDBModelView") not in roles.role_permissions(role)
