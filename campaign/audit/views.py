"""The audit log page."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from sqlalchemy.orm import joinedload

from campaign import db
from campaign.audit.forms import AuditFilterForm
from campaign.audit.models import AuditEvent
from campaign.auth.access import coordinator_required
from campaign.auth.models import User
from campaign.core.pagination import paginate, parse_page

bp = Blueprint("audit", __name__)


@bp.route("/audit")
@coordinator_required
def index():
    """Browse audit events, newest first, filtered by user, action, entity and dates."""
    form = AuditFilterForm(request.args)
    users = db.session.execute(sa.select(User.id, User.email).order_by(User.email)).all()
    form.user.choices = [("", "Anyone")] + [(str(u.id), u.email) for u in users]
    query = sa.select(AuditEvent).options(joinedload(AuditEvent.user))
    if form.validate():
        if form.user.data and form.user.data.isdigit():
            query = query.where(AuditEvent.user_id == int(form.user.data))
        if form.action.data:
            query = query.where(AuditEvent.action.startswith(form.action.data.strip()))
        if form.entity.data:
            query = query.where(AuditEvent.entity == form.entity.data.strip())
        if form.entity_id.data:
            query = query.where(AuditEvent.entity_id == form.entity_id.data)
        if form.since.data:
            query = query.where(AuditEvent.at >= datetime.combine(form.since.data, time(), UTC))
        if form.until.data:
            end = datetime.combine(form.until.data + timedelta(days=1), time(), UTC)
            query = query.where(AuditEvent.at < end)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    page = paginate(db.session, query, page=parse_page(request.args.get("page")), per_page=50)
    return render_template("audit/index.html", form=form, page=page)
