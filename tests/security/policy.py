"""Who may GET and POST each route: the table the authorization matrix checks."""

PUBLIC, MEMBER, COORD, ADMIN = "public", "member", "coordinator", "admin"
NO = None  # the method is not offered at all (405)

# endpoint: (who may GET, who may POST)
POLICY: dict[str, tuple[str | None, str | None]] = {
    "static": (PUBLIC, NO),
    "bootstrap.static": (PUBLIC, NO),
    "auth.login": (PUBLIC, PUBLIC),
    "auth.logout": (NO, MEMBER),
    "auth.users": (ADMIN, NO),
    "auth.user_new": (ADMIN, ADMIN),
    "auth.user_edit": (ADMIN, ADMIN),
    "campaigns.home": (PUBLIC, NO),
    "campaigns.index": (MEMBER, NO),
    "campaigns.new": (COORD, COORD),
    "campaigns.detail": (MEMBER, NO),
    "campaigns.edit": (COORD, COORD),
    "audit.index": (COORD, NO),
    "letters.new": (COORD, COORD),
    "letters.detail": (MEMBER, NO),
    "letters.edit": (COORD, COORD),
    "letters.status": (NO, COORD),
    "letters.versions_page": (MEMBER, NO),
    "letters.preview": (MEMBER, NO),
    "letters.reconfirm": (NO, COORD),
    "letters.logo": (COORD, NO),
    "signons.sign": (PUBLIC, PUBLIC),
    "signons.thanks": (PUBLIC, NO),
    "signons.confirm": (PUBLIC, PUBLIC),
    "signons.resend": (NO, PUBLIC),
}
