"""campaign: coalition sign-on letters, 287(g) demands, evidence and agency responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from campaign import config as config_module
from campaign.config import ROOT


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app; ``test_config`` overrides the environment (the test seam)."""
    settings = config_module.from_environ()
    if test_config:
        settings.update(test_config)
    instance = settings.get("INSTANCE_PATH") or config_module.instance_path()
    app = Flask(
        __name__,
        instance_path=str(instance),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings)
    _finish_config(app)

    from campaign import cli, db, i18n, web
    from campaign.extensions import bootstrap, csrf, limiter, login_manager

    db.init_app(app)
    # every feature's tables in the one metadata: a row's foreign keys may point to any
    # feature's table (an outbox receipt to a follow-up), whichever blueprint is loaded
    import campaign.models  # noqa: F401

    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    # Every limit here is a route's own (@limiter.limit or campaign.core.ratelimit); none
    # is a default, application-wide or per blueprint, so Flask-Limiter's before-request
    # pass would find nothing to count, at about 0.06 ms on every request.
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # (absent with RATELIMIT_ENABLED off)
        hooks.remove(limiter._check_request_limit)
    bootstrap.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    _init_ops(app)
    return app


def _init_ops(app: Flask) -> None:
    """Request ids, the request log, metrics, /healthz and /readyz."""
    from campaign.ops import logs, metrics
    from campaign.ops.health import bp

    app.register_blueprint(bp)
    logs.init_app(app)
    metrics.init_app(app)
    if not app.debug and not app.testing:
        logs.configure(app.config["LOG_FORMAT"])


def _finish_config(app: Flask) -> None:
    from pathlib import Path

    instance = Path(app.instance_path)
    cfg = app.config
    config_module.check_environment(cfg)
    cfg["DATABASE_URL"] = cfg.get("DATABASE_URL") or config_module.default_database_url(instance)
    if cfg["DATABASE_URL"].startswith("sqlite:///"):
        from campaign.core.files import private_dir

        private_dir(instance)
    config_module.check_secret_key(cfg)
    # where the key comes from: a restore writes a backup's key back into the file
    cfg["SECRET_KEY_SOURCE"] = "setting" if cfg.get("SECRET_KEY") else "file"
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = config_module.local_secret_key(instance)
    cfg["BASE_URL"] = config_module.base_url(cfg)
    cfg["SMTP_TLS"] = config_module.check_smtp_tls(cfg)
    cfg["UPLOAD_DIR"] = cfg.get("UPLOAD_DIR") or str(instance / "uploads")
    cfg["MAIL_DIR"] = cfg.get("MAIL_DIR") or str(instance / "mail")
    # The largest request: an evidence attachment (20 MB) plus the form around it.
    cfg["MAX_CONTENT_LENGTH"] = cfg.get("MAX_CONTENT_LENGTH") or 25 * 1024 * 1024
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["SESSION_COOKIE_SAMESITE"] = "Lax"
    cfg["SESSION_COOKIE_SECURE"] = cfg.get("ENV") == "production" and not cfg.get("TESTING")
    cfg["SESSION_COOKIE_NAME"] = "campaign_session"
    cfg["RATELIMIT_STORAGE_URI"] = cfg.get("RATELIMIT_STORAGE_URI") or "memory://"
    cfg["LOG_FORMAT"] = (
        cfg.get("LOG_FORMAT") or ("json" if cfg.get("ENV") == "production" else "text")
    ).lower()
    if cfg["LOG_FORMAT"] not in ("json", "text"):
        raise RuntimeError("CAMPAIGN_LOG_FORMAT must be json or text.")
    cfg["RATELIMIT_HEADERS_ENABLED"] = False
    cfg["BOOTSTRAP_SERVE_LOCAL"] = True
    cfg["WTF_CSRF_TIME_LIMIT"] = None  # the token lives as long as the session
    from campaign.core.clock import check_timezone

    cfg["TIMEZONE"] = check_timezone(cfg.get("TIMEZONE") or "America/New_York")
    from campaign.sending.clock import UNITS

    cfg["RESPONSE_CLOCK"] = str(cfg.get("RESPONSE_CLOCK") or "business").strip().lower()
    if cfg["RESPONSE_CLOCK"] not in UNITS:
        raise RuntimeError("CAMPAIGN_RESPONSE_CLOCK must be business or calendar.")


def _register_blueprints(app: Flask) -> None:
    from campaign.accounts.views import bp as account_bp
    from campaign.actionnetwork.views import bp as actionnetwork_bp
    from campaign.agencies.views import bp as agencies_bp
    from campaign.api.extension_views import bp as api_ext_bp
    from campaign.api.token_views import bp as api_tokens_bp
    from campaign.api.views import bp as api_bp
    from campaign.audit.views import bp as audit_bp
    from campaign.auth.views import bp as auth_bp
    from campaign.campaigns.views import bp as campaigns_bp
    from campaign.campaigns.views import register_section
    from campaign.dashboard.views import bp as dashboard_bp
    from campaign.dashboard.views import dashboard_section
    from campaign.delivery.views import bp as delivery_bp
    from campaign.delivery.views import delivery_panel
    from campaign.demands.views import bp as demands_bp
    from campaign.demands.views import demands_section
    from campaign.directory.views import bp as directory_bp
    from campaign.embargo.views import bp as embargo_bp
    from campaign.embargo.views import embargo_panel
    from campaign.evidence.views import bp as evidence_bp
    from campaign.followups.views import bp as followups_bp
    from campaign.inbound.views import bp as inbound_bp
    from campaign.inbound.views import inbound_for_response, returned_mail
    from campaign.letters.views import bp as letters_bp
    from campaign.letters.views import letters_section
    from campaign.manage import review_views as _manage_review  # noqa: F401 (its routes)
    from campaign.manage.views import bp as manage_bp
    from campaign.privacy.views import bp as privacy_bp
    from campaign.responses.views import bp as responses_bp
    from campaign.review.views import bp as review_bp
    from campaign.sending.demand_clock import days_overdue
    from campaign.sending.demand_views import demand_sending
    from campaign.sending.letters import letter_receipts
    from campaign.sending.views import bp as sending_bp
    from campaign.signons.views import bp as signons_bp
    from campaign.targets.views import bp as targets_bp
    from campaign.webhooks.views import bp as webhooks_bp
    from campaign.worklist.views import bp as worklist_bp
    from campaign.worklist.views import worklist_section

    blueprints = (
        auth_bp, campaigns_bp, audit_bp, letters_bp, signons_bp, review_bp, agencies_bp,
        demands_bp, evidence_bp, responses_bp, followups_bp, dashboard_bp, directory_bp,
        delivery_bp, worklist_bp, account_bp, privacy_bp, targets_bp, sending_bp, inbound_bp,
        api_bp, api_ext_bp, api_tokens_bp, webhooks_bp, actionnetwork_bp, embargo_bp,
        manage_bp,
    )  # fmt: skip
    for bp in blueprints:
        app.register_blueprint(bp)
    # the API authenticates each request by its token alone: no cookie, so no CSRF
    from campaign.extensions import csrf

    csrf.exempt(api_bp)
    csrf.exempt(api_ext_bp)
    csrf.exempt("campaign.actionnetwork.views.receive")  # the secret address is its credential
    register_section(worklist_section)  # first: at the top of the campaign page
    register_section(dashboard_section)
    register_section(letters_section)
    register_section(demands_section)
    # the letter page's "Print & send" block asks for its deliveries itself
    app.add_template_global(delivery_panel)
    # and its embargo (release time, release now, postpone, cancel)
    app.add_template_global(embargo_panel)
    # and its receipts, one per recipient of each emailed delivery
    app.add_template_global(letter_receipts)
    # the demand page's packet, receipts and response clock
    app.add_template_global(demand_sending)
    # the overdue lists count days late on each demand's response clock
    app.add_template_global(days_overdue, "demand_days_overdue")
    # the response page names the email a response was read from; demand and letter pages
    # show what came back from their mail (bounces, delays, auto-replies)
    app.add_template_global(inbound_for_response)
    app.add_template_global(returned_mail)
    _wire_features()


def _wire_features() -> None:
    """Connect features that react to each other (each registration is idempotent)."""
    from campaign.agencies.importer import register_no_longer_listed_hook
    from campaign.agencies.renames import register_agency_merge_hook
    from campaign.agencies.views import register_agency_section
    from campaign.demands.hooks import on_agency_merged, on_agreements_no_longer_listed
    from campaign.demands.views import agency_demands_section
    from campaign.directory.linking import on_second_signer_confirmed, on_signons_counted
    from campaign.directory.upkeep import on_signon_renamed, on_signon_reviewed
    from campaign.evidence.views import agency_evidence_section
    from campaign.mail.signals import message_bounced
    from campaign.manage.review_views import corrections_section
    from campaign.manage.services import on_signon_confirmed as mail_manage_link
    from campaign.review.views.base import register_detail_section
    from campaign.signons.signals import (
        second_signer_confirmed,
        signon_confirmed,
        signon_renamed,
        signon_reviewed,
        signon_verifying,
        signons_counted,
    )
    from campaign.targets.services import on_message_bounced
    from campaign.targets.views import agency_targets_section
    from campaign.verification.services import on_signon_verifying

    register_no_longer_listed_hook(on_agreements_no_longer_listed)
    register_agency_merge_hook(on_agency_merged)
    register_agency_section(agency_demands_section)
    register_agency_section(agency_evidence_section)
    register_agency_section(agency_targets_section)
    # a bounce (at sending or received later) marks the target's channel as bouncing
    message_bounced.connect(on_message_bounced)
    # sign-ons that begin to count join the directory (signing never imports it)
    signons_counted.connect(on_signons_counted)
    # a coordinator's decision: what a rejected or merged sign-on alone brought goes
    signon_reviewed.connect(on_signon_reviewed)
    # a confirmed second signer becomes another contact of the organization (issue 16.2)
    second_signer_confirmed.connect(on_second_signer_confirmed)
    # a corrected name follows in the directory entry that sign-on brought in
    signon_renamed.connect(on_signon_renamed)
    # a proven address at the organization's domain, or a signer it knows, verifies
    signon_verifying.connect(on_signon_verifying)
    # a signer who confirmed from their email gets their manage link (issue 20.2), and
    # the corrections they ask for show on the sign-on's review page
    signon_confirmed.connect(mail_manage_link)
    register_detail_section(corrections_section)
    _wire_webhooks()


def _wire_webhooks() -> None:
    """Events that webhooks tell subscribers of, where they happen."""
    from campaign.delivery.signals import letter_delivered
    from campaign.demands.signals import demand_status_changed
    from campaign.embargo.signals import letter_released
    from campaign.responses.signals import response_approved
    from campaign.signons.signals import signon_confirmed, signon_reviewed, signons_approved
    from campaign.webhooks import hooks

    signon_confirmed.connect(hooks.on_signon_confirmed)
    signon_reviewed.connect(hooks.on_signon_reviewed)
    signons_approved.connect(hooks.on_signons_approved)
    letter_delivered.connect(hooks.on_letter_delivered)
    # what an embargo held back goes out at its release
    letter_released.connect(hooks.on_letter_released)
    demand_status_changed.connect(hooks.on_demand_status_changed)
    response_approved.connect(hooks.on_response_approved)
