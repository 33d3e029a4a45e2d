"""Signals of the application workflow, for whatever must follow a state change (notifications,
statistics caches) without the workflow knowing about it.

``state_changed`` is sent by :func:`app.review.services.apply_transition` (and for a new application by
``record_creation``) after the state was written and its audit record flushed, inside the same
transaction: a subscriber that writes rows commits or rolls back with the change. Arguments: the
application as sender, ``record`` (the ReviewRecord), ``user`` (who acted).

A bulk decision (``apply_transitions``) changes a chunk of rows at once and tells of them with
:func:`send_changes`, in the same transaction too: ``states_changed`` once with all of them, so a subscriber can
act on the set (one statement for a thousand rows); and ``state_changed`` per row to every subscriber that did
not say it takes the set (:func:`subscribe`). There ``record`` carries the audit record's values as written
(``app.review.services.WrittenRecord``: the ReviewRecord's attribute names, no session object).
"""
from blinker import Namespace

_signals = Namespace()

state_changed = _signals.signal("application-state-changed")
#: Many changes of one bulk decision at once: ``changes`` [(application, record)], ``user`` (who acted).
states_changed = _signals.signal("application-states-changed")

#: Receivers of ``state_changed`` that hear a bulk decision through their set form instead.
_takes_sets = set()


def subscribe(per_row, per_set=None):
    """Follow state changes: ``per_row(application, record=…, user=…)`` hears each single change and, without
    ``per_set``, each change of a bulk decision too; ``per_set(None, changes=[(application, record)], user=…)``,
    if given, hears a bulk decision's changes at once in place of ``per_row``. Both are kept strongly (module
    functions)."""
    state_changed.connect(per_row, weak=False)
    if per_set is not None:
        states_changed.connect(per_set, weak=False)
        _takes_sets.add(per_row)


def send_changes(changes, user):
    """Tell every subscriber of ``changes`` ([(application, record)] of one bulk decision by ``user``)."""
    if not changes:
        return
    states_changed.send(None, changes=changes, user=user)
    for application, record in changes:
        for receiver in state_changed.receivers_for(application):
            if receiver not in _takes_sets:
                receiver(application, record=record, user=user)


def unsubscribe(per_row, per_set=None):
    """Undo :func:`subscribe`."""
    state_changed.disconnect(per_row)
    if per_set is not None:
        states_changed.disconnect(per_set)
    _takes_sets.discard(per_row)
