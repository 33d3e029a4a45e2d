"""The home page every signed-in user lands on: what is open, what waits for this user."""
from flask import g, url_for
from flask_appbuilder import IndexView, expose
from sqlalchemy import func, select

from app.applications.models import Application
from app.campaigns.requests import pending_on_home
from app.campaigns.services import open_batches
from app.clock import iso_date, today
from app.extensions import db
from app.public.views import render_front_page
from app.review.states import State
from app.security.scoping import scope_filter, user_org
from app.stats.home import home_panel

#: The application list each role works from, the states it shows, and the state that waits for it.
WORK_LISTS = (
    ("MyApplicationModelView", tuple(State), State.DISTRICT_REJECTED),
    ("DistrictReviewModelView", tuple(State), State.PENDING),
    ("FinalReviewModelView", tuple(State), State.DISTRICT_APPROVED),
    ("FundingModelView", (State.FINAL_APPROVED, State.FUNDED, State.PAID), State.FINAL_APPROVED),
)
#: Where the waiting applications are dealt with when that is not the list itself: 终审通过 applications are
#: funded on 奖励资金划拨, per district and batch under a voucher.
WAITING_PAGES = {"FundingModelView": ("FundingDueView", "FundingDueView.list")}


class HomeView(IndexView):
    """Per-user overview: open campaigns and the applications of the user's own scope by state."""

    route_base = ""
    default_view = "index"
    index_template = "home.html"

    def work_list(self):
        sm = self.appbuilder.sm
        for view_name, states, waiting in WORK_LISTS:
            if sm.has_access("can_list", view_name):
                return view_name, states, waiting
        return None, (), None

    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            # A visitor who has not signed in meets the platform's public front page.

            return render_front_page(self)
        counts = dict(db.session.execute(
            select(Application.state, func.count())
            .where(scope_filter(Application.organisation_id, user))
            .group_by(Application.state)
        ).all())
        view_name, linked_states, waiting = self.work_list()

        def link(state):
            if view_name and state in linked_states:
                return url_for(f"{view_name}.list", _flt_0_state=state.value)
            return None

        states = [(s, counts.get(s.value, 0), link(s)) for s in State]
        waiting_link = link(waiting) if waiting else None
        if view_name in WAITING_PAGES and self.appbuilder.sm.has_access("can_list", WAITING_PAGES[view_name][0]):
            waiting_link = url_for(WAITING_PAGES[view_name][1])
        organisation = user_org(user)
        return self.render_template(
            self.index_template, appbuilder=self.appbuilder, states=states, total=sum(counts.values()),
            open_batches=open_batches(today()), iso_date=iso_date, organisation=organisation,
            waiting=(waiting, counts.get(waiting.value, 0), waiting_link) if waiting else None,
            can_apply=self.appbuilder.sm.has_access("can_apply", "ApplyView"),
            own_unit=organisation is not None and organisation.kind == "grassroots",
            # The 申请单 of batches whose paper deadline has not passed (区县局（产业）工会 admins).
            district_requests=pending_on_home(user) if self.appbuilder.sm.has_access("can_edit", "DistrictRequestView")
            else [],
            # The role's key figures and one chart (统计分析).
            home_stats=home_panel(user, counts, self.appbuilder.sm.has_access),
        )
