"""Page titles: text only, and "Error: " put once, by base.html, when a form was refused."""

import re
from pathlib import Path

from campaign.config import ROOT

TITLE_BLOCK = re.compile(r"{% block title %}(.*?){% endblock", re.S)


def test_no_title_block_holds_markup_or_its_own_error_prefix():
    problems = []
    for path in sorted(Path(ROOT / "templates").rglob("*.html")):
        for match in TITLE_BLOCK.finditer(path.read_text()):
            if "<" in match.group(1) or "Error:" in match.group(1):
                problems.append(f"{path.relative_to(ROOT)}: {match.group(1)[:60]!r}")
    assert problems == []


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1)


def test_a_refused_password_change_says_error_once(login_as):
    member = login_as("member")
    refused = member.post("/account/password", data={"current": "", "new": "", "confirm": ""})
    assert refused.status_code in (200, 400)
    assert _title(refused).startswith("Error: Change your password")
    assert _title(refused).count("Error:") == 1


def test_two_step_page_with_two_forms_says_error_when_either_is_refused(client, make_user):
    from tests.security.test_passwords_and_two_factor import _enable

    user = make_user()
    client.login(user)
    _enable(client, user)
    assert "Error:" not in _title(client.get("/account/two-factor"))
    refused = client.post("/account/two-factor/off", data={"off-password": "not it"})
    assert refused.status_code == 400
    assert _title(refused) == "Error: Two-step login · campaign"
