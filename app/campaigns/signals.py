"""Signals of the 申请单 workflow (app.campaigns.requests), for whatever must follow (notifications).

``request_changed`` is sent after a 提交 or 退回 was written and its event flushed, inside the same
transaction. Arguments: the DistrictRequest as sender, ``action`` ("submit" or "return"), ``user`` (who
acted), ``comment`` (the reason of a 退回).
"""
from blinker import Namespace

_signals = Namespace()

request_changed = _signals.signal("district-request-changed")
