"""The home page every signed-in user lands on."""
from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose
from sqlalchemy import func, select

from app.applications.models import Application
from app.campaigns.models import Campaign, CampaignState
from app.extensions import db
from app.review.states import State
from app.security.scoping import scope_filter, user_org


class HomeView(IndexView):
    """Per-user overview: open campaigns and the applications of the user's own scope by state."""

    route_base = ""
    default_view = "index"
    index_template = "home.html"

    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return redirect(url_for(self.appbuilder.sm.auth_view.__class__.__name__ + ".login"))
        counts = dict(db.session.execute(
            select(Application.state, func.count())
            .where(scope_filter(Application.organisation_id, user))
            .group_by(Application.state)
        ).all())
        states = [(s, counts.get(s.value, 0)) for s in State]
        campaigns = db.session.scalars(
            select(Campaign).where(Campaign.state == CampaignState.PUBLISHED.value)
            .order_by(Campaign.start_date.desc())
        ).all()
        return self.render_template(self.index_template, appbuilder=self.appbuilder, states=states,
                                    total=sum(counts.values()), campaigns=campaigns,
                                    organisation=user_org(user))
