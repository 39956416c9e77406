"""``flask api-token create|list|revoke``: personal API tokens from the command line."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from campaign import db
from campaign.api import tokens
from campaign.api.models import ApiToken, Scope
from campaign.auth.models import User
from campaign.core.errors import DomainError

api_token_cli = AppGroup("api-token", help="Personal API tokens for the JSON API (/api/v1).")


def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.lower()))
    if user is None:
        raise click.ClickException(f"No account with the email {email}.")
    return user


@api_token_cli.command("create")
@click.argument("email")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice([s.value for s in Scope]),
    help="What the token may do (repeatable); default: every scope.",
)
@click.option("--name", default="Command line", show_default=True, help="A label for the token.")
def create_command(email: str, scopes: tuple[str, ...], name: str) -> None:
    """Create a token for the account EMAIL and print it (it is shown only this once)."""
    user = _user(email)
    db.write_intent.set(True)
    try:
        _, raw = tokens.create_token(
            db.session, user, name=name, scopes=scopes or [s.value for s in Scope]
        )
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(err.message)
    db.session.commit()
    click.echo(raw)


@api_token_cli.command("list")
def list_command() -> None:
    """Every token: id, owner, name, scopes, last use, revoked."""
    for token, user in tokens.all_tokens(db.session):
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(
            f"{token.id}\t{user.email}\t{token.prefix}…\t{token.name}\t{token.scopes}\t"
            f"last used {used}\t{state}"
        )


@api_token_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id: int) -> None:
    """Revoke the token with this id (as the command line: an admin's act)."""
    db.write_intent.set(True)
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"No token {token_id}.")
    tokens.revoke_token(db.session, token, actor=None)
    db.session.commit()
    click.echo(f"Revoked token {token_id}.")
