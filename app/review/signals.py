"""Signals of the application workflow, for whatever must follow a state change (notifications,
statistics caches) without the workflow knowing about it.

``state_changed`` is sent by :func:`app.review.services.apply_transition` (and for a new application by
``record_creation``; by ``apply_transitions`` once per changed row of a bulk decision, after the chunk's
records were flushed) after the state was written and its audit record flushed, inside the same
transaction: a subscriber that writes rows commits or rolls back with the change. Arguments: the
application as sender, ``record`` (the ReviewRecord), ``user`` (who acted).
"""
from blinker import Namespace

_signals = Namespace()

state_changed = _signals.signal("application-state-changed")
