"""The REST API under /api/v1 (Flask-AppBuilder's ModelRestApi and BaseApi), authenticated by personal API
tokens only, scoped and checked exactly as the pages are (app.security.scoping, app.review.workflow)."""
