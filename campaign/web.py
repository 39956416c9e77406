"""Request-level plumbing: security headers, cookies, error pages, login loading."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from babel import dates as babel_dates
from flask import (
    Flask,
    abort,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
    session,
)
from flask import Request as FlaskRequest
from flask.sessions import SecureCookieSessionInterface
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.utils import cached_property

from campaign import db
from campaign.auth.login import TOKEN_KEY, lifetime
from campaign.auth.models import Role
from campaign.auth.sessions import load_user
from campaign.core.clock import local_date
from campaign.core.errors import DomainError
from campaign.core.forms import MAX_ID
from campaign.core.urls import external_url
from campaign.i18n import gettext as _
from campaign.i18n import language
from campaign.i18n import lazy_gettext as _l
from campaign.letters.languages import title_in
from campaign.ops.health import QUIET_ENDPOINTS

# The main navigation: (endpoint, label, lowest role that sees it).
NAV: list[tuple[str, str, Role]] = [
    ("campaigns.index", "Campaigns", Role.MEMBER),
    ("agencies.index", "Agencies", Role.MEMBER),
    ("evidence.index", "Evidence", Role.MEMBER),
    ("directory.index", "Directory", Role.MEMBER),
    ("targets.index", "Targets", Role.MEMBER),
    ("followups.overdue_all", "Overdue", Role.MEMBER),
    # with the count of what waits for coordinators (campaign.worklist)
    ("worklist.index", "To do", Role.COORDINATOR),
    ("audit.index", "Audit log", Role.COORDINATOR),
    # bounces and replies read by ingest-mail
    ("inbound.index", "Mail in", Role.COORDINATOR),
    ("auth.users", "Accounts", Role.ADMIN),
]


def format_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M UTC") -> str:
    """A timestamp for display (UTC, minutes)."""
    return value.astimezone(UTC).strftime(fmt) if value else ""


def format_date(value: date | datetime | None) -> str:
    """A date for display in the current language: "May 18, 2026", "18 de mayo de 2026"."""
    if not value:
        return ""
    if language() != "en":
        return babel_dates.format_date(value, format="long", locale=language())
    return f"{value:%B} {value.day}, {value.year}"


def format_deadline(letter) -> str:
    """A letter's deadline as signers read it, in its own zone: "June 20, 2023, 11:59 PM EDT"
    ("20 de junio de 2023, 11:59 p. m. EDT")."""
    local = letter.deadline_local
    if language() != "en":
        time = babel_dates.format_time(local, "h:mm a", locale=language())
        return f"{format_date(local)}, {time} {local.tzname()}"
    half = "AM" if local.hour < 12 else "PM"
    return (
        f"{format_date(local)}, {local.hour % 12 or 12}:{local.minute:02d} {half} {local.tzname()}"
    )


def format_zone(zone: str) -> str:
    """A time zone as signers read it: its id in English ("America/New_York"), its place in
    another language ("hora de Estados Unidos (Nueva York)")."""
    if language() == "en" or not zone:
        return zone
    try:
        return babel_dates.get_timezone_location(zone, locale=language())
    except LookupError:
        return zone


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)

# lazy: a public page's error is in the visitor's language
ERROR_TEXT = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please check the form and try again."),
    ),
    401: (_l("Log in needed"), _l("Please log in to see this page.")),
    403: (_l("Not allowed"), _l("Your account is not allowed to do this.")),
    404: (_l("Not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("This conflicts with the current state of the record.")),
    413: (_l("Too large"), _l("The upload is larger than this site accepts.")),
    429: (
        _l("Too many requests"),
        _l("Too many attempts. Please wait a few minutes and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An error on our side stopped this request. Nothing was saved."),
    ),
    503: (_l("Busy"), _l("The site is busy. Please try again in a moment; nothing was saved.")),
}


def _without_nul(data: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        (key.replace("\x00", ""), value.replace("\x00", "") if isinstance(value, str) else value)
        for key, value in data.items(multi=True)
    )


class Request(FlaskRequest):
    """Form and query values never carry NUL characters.

    No text a person types contains one, and PostgreSQL refuses them in text
    columns: dropping them here keeps every form and filter from failing on them.
    """

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if any("\x00" in k or "\x00" in v for k, v in self.form.items(multi=True)):
            self.__dict__["form"] = _without_nul(self.form)

    @cached_property
    def args(self) -> ImmutableMultiDict:  # type: ignore[override]
        args = super().args
        if any("\x00" in k or "\x00" in v for k, v in args.items(multi=True)):
            return _without_nul(args)
        return args


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            has_request_context() and request.is_secure
        )


class IdConverter(IntegerConverter):
    """``<int:…>`` in a route: a number no larger than a database id, else the route does
    not match (404), instead of an overflow in the database (a 500)."""

    def __init__(self, map, fixed_digits: int = 0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def _refuse_other_hosts() -> None:
    """400 for a Host (or, behind the trusted proxy, X-Forwarded-Host) other than the base
    URL's, as Flask's TRUSTED_HOSTS would, except for the health checks and metrics, which
    load balancers and Prometheus ask each app server for by its own address."""
    if request.endpoint in QUIET_ENDPOINTS:
        return
    allowed = urlsplit(current_app.config["BASE_URL"]).hostname
    # (host names are case-blind; the base URL's hostname is already lower case)
    if not allowed or not host_is_trusted(request.host.lower(), [allowed]):
        abort(400)


def init_app(app: Flask) -> None:
    """Install headers, error handlers, the session interface and the user loader."""
    from campaign.auth.models import User
    from campaign.extensions import login_manager

    # before any blueprint adds its routes: they take the converter when added
    app.url_map.converters["int"] = IdConverter
    app.session_interface = SessionInterface()
    app.request_class = Request
    if app.config.get("PROXY_FIX"):
        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    app.add_template_global(external_url)
    if app.config.get("ENV") == "production":
        # first of all: a request for another host is refused before anything reads it
        app.before_request_funcs.setdefault(None, []).insert(0, _refuse_other_hosts)

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        # The cookie names the user and carries its login's token; the login must still
        # exist (logout, a password change or "log out everywhere" delete it).
        token = session.get(TOKEN_KEY)
        return load_user(db.session, user_id, token, lifetime=lifetime())

    @app.context_processor
    def _navigation() -> dict:
        from flask_login import current_user

        def nav_items() -> list[tuple[str, str, Role]]:
            if not current_user.is_authenticated:
                return []
            return [item for item in NAV if current_user.has_role(item[2])]

        return {"nav_items": nav_items, "Role": Role}

    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_deadline, "deadline")
    app.add_template_filter(format_zone, "zone")
    # a letter's title in the page's language (its Spanish one on a Spanish page)
    app.add_template_global(lambda letter: title_in(letter, language()), "letter_title")
    app.add_template_filter(local_date, "local_date")

    @app.before_request
    def _mark_write_intent() -> None:
        db.write_intent.set(request.method not in ("GET", "HEAD", "OPTIONS"))

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        code = err.code or 500
        if request.path.startswith("/api/"):
            # refused before reaching the API's views (an id past the largest): its JSON
            return {"error": err.description or err.name}, code, {"Cache-Control": "no-store"}
        title, text = ERROR_TEXT.get(code, (err.name, err.description or ""))
        if code == 413:
            # say the limit: someone holding a 26 MB scan needs to know what would fit
            limit = app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
            text = (
                f"The file is larger than this site accepts ({limit:g} MB for a whole form "
                "and its files). Nothing was saved: go back, choose a smaller file (a scan "
                "at a lower resolution, or the email without its largest attachment), "
                "and send the form again."
            )
        if code == 400 and err.description and "CSRF" in err.description:
            text = _(
                "The form expired or was sent from elsewhere. Please reload the page and try again."
            )
        response = err.get_response()
        response.data = render_template("errors/error.html", code=code, title=title, text=text)
        response.content_type = "text/html; charset=utf-8"
        return response

    @app.errorhandler(DomainError)
    def _domain_error(err: DomainError):
        db.session.rollback()
        return render_template(
            "errors/error.html", code=err.status_code, title=_("Not possible"), text=err.message
        ), err.status_code

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        if isinstance(err, HTTPException):
            return _http_error(err)
        app.logger.exception("Unhandled error")
        db.session.rollback()
        # The page must not touch the database: loading the user (Flask-Login's
        # context processor does it for every template) could fail the same way.
        g._login_user = login_manager.anonymous_user()
        code = 503 if db.is_database_busy(err) else 500
        title, text = ERROR_TEXT[code]
        page = render_template("errors/error.html", code=code, title=title, text=text, plain=True)
        return page, code, {"Retry-After": "2"} if code == 503 else {}
