"""Bulk decisions on the review screens: the same decision on the ticked rows or on every row of the
current filter, a count and a confirmation first, then the report of what changed and what was skipped and
why (app/review/bulk.py re-checks every row through the workflow service)."""
from urllib.parse import urlencode

from flask import abort, g, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.urltools import get_filter_args

from app.clock import local_time
from app.clock import today as shanghai_today
from app.extensions import db
from app.review import bulk as bulk_runner
from app.review import decisions, queries, workflow
from app.review.states import State

#: How many rows a confirmation page lists before saying "and N more".
PREVIEW_ROWS = 100


def unit(org):
    """单位 of a 基层工会 as lists show it."""
    if org is None:
        return ""
    return org.unit_name or org.name


def ticked(name, icon):
    """A FAB action on the ticked rows: it only leads to the confirmation page of decision ``name``."""

    def act(self, items):
        return self.confirm_ticked(name, items if isinstance(items, list) else [items])

    act.__name__ = "ticked_" + name
    return action(name, workflow.ACTION_TITLES[name], icon=icon, multiple=True, single=False)(act)


class BulkDecisionsMixin:
    """The bulk routes of a review screen (a ReviewModelView: ``decisions``, ``filter_values``, ``filter_args``,
    ``describe_filter`` and ``get_scoped_or_404`` come from it)."""

    def confirm_ticked(self, name, items):
        """FAB action on ticked rows (already scoped by ScopedModelView.action_post): confirm first."""
        if name not in self.decisions:
            abort(404)
        return self.render_bulk_confirm(name, "ticked", items=items)

    def render_bulk_confirm(self, name, mode, *, items=None, errors=None, notice=None):
        decision = decisions.DECISIONS[name]
        transition_sources = {s.title for s in workflow.source_states(name, g.user)}
        if mode == "ticked":
            count, preview = len(items), items[:PREVIEW_ROWS]
            by_state = {}
            for item in items:
                by_state[item.state_title] = by_state.get(item.state_title, 0) + 1
            state_counts = sorted(by_state.items(), key=lambda kv: [s.title for s in State].index(kv[0]))
            rows = [(item.id, item.version) for item in items]
        else:
            count, preview = queries.page(db.session, g.user, self.filter_values(), size=PREVIEW_ROWS,
                                          eager=("organisation",))
            state_counts = queries.state_counts(db.session, g.user, self.filter_values())
            rows = []
        eligible = sum(n for title, n in state_counts if title in transition_sources)
        return self.render_template(
            "review/bulk_confirm.html", title=f"批量{decision.title}", decision=decision, mode=mode, count=count,
            preview=preview, rows=rows, state_counts=state_counts, eligible=eligible,
            fields=decision.bulk_fields, errors=errors or {}, form=request.form if request.method == "POST" else {},
            defaults=self.bulk_defaults(name), filter_text=self.describe_filter() or "全部",
            filter_query=urlencode(self.filter_args()), notice=notice, unit=unit, local_time=local_time,
            back=url_for(".list") + ("?" + urlencode(self.filter_args()) if self.filter_args() else ""))

    def bulk_defaults(self, name):
        today = shanghai_today()
        return {"funded_on": today.isoformat(), "paid_on": today.isoformat()}

    def _ticked_targets(self):
        targets = []
        for raw in request.form.getlist("rowid"):
            item = self.get_scoped_or_404(raw)  # a foreign id anywhere refuses the whole request
            version = request.form.get(f"version_{item.id}", type=int)
            targets.append((item.id, version if version is not None else -1))
        return targets

    @expose("/bulk/<name>", methods=["GET", "POST"])
    @has_access
    def bulk(self, name):
        """GET: the count and confirmation for all rows matching the current filter. POST: do it, on the
        ticked rows (mode=ticked) or on all rows matching the filter carried in the URL (mode=filter)."""
        if name not in self.decisions:
            abort(404)
        get_filter_args(self._filters)
        if request.method == "GET":
            return self.render_bulk_confirm(name, "filter")
        mode = request.form.get("mode")
        today = shanghai_today()
        if mode == "ticked":
            targets = self._ticked_targets()
            items = [self.get_scoped_or_404(pk) for pk, _v in targets]
        elif mode == "filter":
            ids = queries.ids(db.session, g.user, self.filter_values())
            targets, items = [(pk, None) for pk in ids], None
            if request.form.get("expected_count", type=int) != len(ids):
                return self.render_bulk_confirm(
                    name, "filter", notice=f"筛选结果已发生变化（现为 {len(ids)} 份），请重新确认。")
        else:
            abort(400)
        params, errors = decisions.parse(name, request.form, bulk=True, today=today)
        if errors:
            return self.render_bulk_confirm(name, mode, items=items, errors=errors)
        result = bulk_runner.run(name, g.user, targets, params, today=today)
        decision = decisions.DECISIONS[name]
        return self.render_template(
            "review/bulk_result.html", title=f"批量{decision.title}：结果", decision=decision, result=result,
            back=url_for(".list") + ("?" + urlencode(self.filter_args()) if self.filter_args() else ""))
