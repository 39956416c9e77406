"""Flask extensions, created unbound and initialised in ``create_app``."""

from flask import session
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect


class CampaignLoginManager(LoginManager):
    """Flask-Login with "strong" session protection applied to logged-in sessions only.

    An anonymous visitor's session holds just a CSRF token; Flask-Login would find no
    identifier in it and "protect" it on every page, rewriting the cookie each time.
    """

    def _session_protection_failed(self) -> bool:
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


login_manager = CampaignLoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
bootstrap = Bootstrap5()
