"""Who may do what: the one place the server decides it.

Roles are groups (editor, reviewer, admin, created by migrations) holding Django permissions;
each action of the tracker needs one permission. Every service calls ``require`` before
writing, so a hidden button is never the only guard, and the admin asks ``can`` for what it
offers. A service is always told who acts (``by=``): a user, or ``SYSTEM`` — the tracker itself
(management commands, the demo loader, the contradiction engine). ``None`` is nobody: refused,
so that a caller who forgets ``by=`` never acts with the tracker's rights.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class SystemActor:
    """The tracker acting on its own. Its writes have no user in the history ("the tracker")."""

    is_authenticated = True
    is_active = True
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"

    def get_username(self) -> str:
        return str(_("the tracker"))


SYSTEM = SystemActor()


# action → (permission, what the action is, for the refusal message)
ACTIONS = {
    "add_source": ("claims.add_source", _("add a source")),
    "change_source": ("claims.change_source", _("change a source")),
    "delete_source": ("claims.delete_source", _("delete a source")),
    "add_entity": ("claims.add_entity", _("add an entity")),
    "change_entity": ("claims.change_entity", _("change an entity")),
    "delete_entity": ("claims.delete_entity", _("delete an entity")),
    "add_claim": ("claims.add_claim", _("add a claim")),
    "change_claim": ("claims.change_claim", _("edit a claim")),
    "delete_claim": ("claims.delete_claim", _("delete a claim")),
    "record_appearance": ("claims.add_appearance", _("record where a claim appears")),
    "change_appearance": ("claims.change_appearance", _("edit a version of a claim")),
    "delete_appearance": ("claims.delete_appearance", _("delete a version of a claim")),
    "add_evidence": ("claims.add_evidence", _("add evidence")),
    "change_evidence": ("claims.change_evidence", _("change evidence")),
    "delete_evidence": ("claims.delete_evidence", _("remove evidence")),
    "flag_conflict": ("claims.add_conflict", _("flag a conflict")),
    "change_conflict": ("claims.change_conflict", _("edit a conflict flagged by hand")),
    "review_claim": ("claims.review_claim", _("change a claim's status or verdict")),
    "assign_claim": ("claims.assign_claim", _("assign a claim")),
    "decide_conflict": ("claims.decide_conflict", _("resolve, dismiss or reopen a conflict")),
    "rank_version": ("claims.decide_conflict", _("rank a version")),
    "merge_claims": ("claims.review_claim", _("merge a duplicate claim into another")),
    "manage_verdicts": ("claims.change_verdict", _("change the verdict scale")),
    # Administrators: the dump holds everything, the history and user names included.
    "dump_desk": ("claims.change_verdict", _("download the whole desk")),
}


def can(user, action: str) -> bool:
    permission, _description = ACTIONS[action]
    if user is SYSTEM:
        return True
    if user is None:
        return False
    return bool(user.is_authenticated and user.is_active and user.has_perm(permission))


def require(user, action: str) -> None:
    """Raise PermissionDenied, with a message naming the action, unless ``user`` may do it."""
    if can(user, action):
        return
    if user is None:
        raise PermissionDenied(_("Nobody is acting: a write needs a user or the tracker (SYSTEM)."))
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in first."))
    raise PermissionDenied(
        _("Your role does not allow you to %(action)s.") % {"action": ACTIONS[action][1]}
    )


def may_delete_version(user, appearance) -> bool:
    """Who may delete versions may delete any; who may edit them, the ones they recorded
    themselves (an editor removing their own mistake)."""
    if can(user, "delete_appearance"):
        return True
    own = appearance.added_by_id is not None and appearance.added_by_id == getattr(user, "pk", None)
    return own and can(user, "change_appearance")


def user_of(by):
    """The user to name in the history and review events: None for the tracker itself."""
    return None if by is SYSTEM else by
