"""The create-user command."""

import sqlalchemy as sa

from campaign.auth.models import Role, User
from campaign.auth.passwords import verify_password


def test_create_user_from_stdin(runner, session):
    result = runner.invoke(
        args=["create-user", "Boss@Example.org", "--role", "admin", "--password-stdin"],
        input="a very good password\n",
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(sa.select(User).where(User.email == "boss@example.org"))
    assert user.role == Role.ADMIN
    assert verify_password(user.password_hash, "a very good password")


def test_create_user_from_prompt(runner, session):
    result = runner.invoke(
        args=["create-user", "m@example.org"], input="prompted password\nprompted password\n"
    )
    assert result.exit_code == 0, result.output
    assert session.scalar(sa.select(User.role).where(User.email == "m@example.org")) == Role.MEMBER


def test_create_user_refuses_short_password_and_duplicates(runner, make_user):
    result = runner.invoke(
        args=["create-user", "x@example.org", "--password-stdin"], input="short\n"
    )
    assert result.exit_code != 0 and "at least 12" in result.output
    existing = make_user()
    result = runner.invoke(
        args=["create-user", existing.email, "--password-stdin"], input="long enough pw\n"
    )
    assert result.exit_code != 0 and "already exists" in result.output
