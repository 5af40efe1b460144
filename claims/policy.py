"""Who may do what: the one place the server decides it.

Roles are groups (editor, reviewer, admin, created by migrations) holding Django permissions;
each action of the tracker needs one permission. Services call ``require`` before writing, so
a hidden button is never the only guard. ``by=None`` is the tracker itself (management
commands, the demo loader); every request passes its user.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

# action → (permission, what the action is, for the refusal message)
ACTIONS = {
    "add_source": ("claims.add_source", _("add a source")),
    "change_source": ("claims.change_source", _("change a source")),
    "add_entity": ("claims.add_entity", _("add an entity")),
    "change_entity": ("claims.change_entity", _("change an entity")),
    "add_claim": ("claims.add_claim", _("add a claim")),
    "change_claim": ("claims.change_claim", _("edit a claim")),
    "record_appearance": ("claims.add_appearance", _("record where a claim appears")),
    "change_appearance": ("claims.change_appearance", _("edit a version of a claim")),
    "add_evidence": ("claims.add_evidence", _("add evidence")),
    "flag_conflict": ("claims.add_conflict", _("flag a conflict")),
    "review_claim": ("claims.review_claim", _("change a claim's status or verdict")),
    "assign_claim": ("claims.assign_claim", _("assign a claim")),
    "decide_conflict": ("claims.decide_conflict", _("resolve, dismiss or reopen a conflict")),
    "manage_users": ("auth.change_user", _("manage users")),
}


def can(user, action: str) -> bool:
    if user is None:
        return True
    permission, _description = ACTIONS[action]
    return bool(user.is_authenticated and user.is_active and user.has_perm(permission))


def require(user, action: str) -> None:
    """Raise PermissionDenied, with a message naming the action, unless ``user`` may do it."""
    if not can(user, action):
        if user is not None and not user.is_authenticated:
            raise PermissionDenied(_("Log in first."))
        raise PermissionDenied(
            _("Your role does not allow you to %(action)s.") % {"action": ACTIONS[action][1]}
        )
