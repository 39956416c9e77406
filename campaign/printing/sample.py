"""Generated letters and signatories for the benchmark, the tests and previews."""

from __future__ import annotations

import random
from datetime import date

from campaign.core.states import STATES
from campaign.printing.snapshot import LetterSnapshot, Signatory

_PREFIXES = [
    "The", "", "", "United", "Coalition for", "Friends of", "Alianza", "Centro", "Asociación",
    "Comité", "Réseau", "Community", "Faith", "Workers'", "Students for", "Mothers of",
]  # fmt: skip
_CORES = [
    "Immigrant Rights", "Justice", "Dignity", "Human Rights", "Inmigrantes", "Solidaridad",
    "Due Process", "Civil Liberties", "Fairness", "Sanctuary", "Familias Unidas", "Liberté",
    "Ñuestra Voz", "Équité", "Accompaniment", "Refugee Welcome", "Legal Aid", "Worker Center",
]  # fmt: skip
_SUFFIXES = [
    "Coalition", "Network", "Project", "Alliance", "Center", "Council", "Fund", "Collective",
    "Association", "Committee", "& Allies", "Inc.", "", "Foundation",
]  # fmt: skip
_CITIES = [
    "Springfield", "Riverside", "San José", "Santa Fé", "Greenville", "Franklin", "Fairview",
    "Bristol", "Clinton", "Salem", "Madison", "Georgetown", "Ocaña", "Montréal Heights",
]  # fmt: skip
# Real-world-looking names in other scripts (CJK needs a CJK font, Arabic/Hebrew DejaVu).
NON_LATIN = [
    "华人移民权益联盟", "日系アメリカ人市民同盟", "한인 이민자 권리 연대",
    "جمعية الحقوق المدنية العربية", "ארגון זכויות המהגרים",
    "Вместе за права иммигрантов", "Ελληνική Κοινότητα Αλληλεγγύης",
]  # fmt: skip

LONG_NAME = (
    "The Interfaith Coalition of Congregations, Community Organizations, Legal Service "
    "Providers and Advocates for the Rights, Safety and Dignity of Immigrant Families "
    "and Workers in the Greater Metropolitan Region & Surrounding Counties, Inc."
)


def sample_signatories(n: int, *, seed: int = 0, unlisted_every: int = 0) -> list[Signatory]:
    """``n`` distinct signatories over all levels and many states, with accented, long and
    non-Latin names; every ``unlisted_every``-th one is counted but not listed."""
    rng = random.Random(seed)
    codes = sorted(STATES)
    seen: set[str] = set()
    out: list[Signatory] = []
    i = 0
    while len(out) < n:
        i += 1
        if i % 97 == 0:
            name = f"{NON_LATIN[(i // 97) % len(NON_LATIN)]} {i}"
        elif i % 89 == 0:
            name = f"{LONG_NAME} ({i})"
        else:
            parts = [rng.choice(_PREFIXES), rng.choice(_CORES), rng.choice(_SUFFIXES)]
            name = " ".join(p for p in parts if p)
            if name in seen:
                name = f"{name} of {rng.choice(_CITIES)}"
            if name in seen:
                name = f"{name} {i}"
        seen.add(name)
        level = rng.choices(("national", "state", "local"), weights=(1, 3, 6))[0]
        state = rng.choice(codes) if level != "national" or rng.random() < 0.5 else ""
        city = rng.choice(_CITIES) if level == "local" else ""
        listed = not (unlisted_every and len(out) % unlisted_every == unlisted_every - 1)
        out.append(Signatory(name=name, level=level, state=state, city=city, listed=listed))
    return out


SAMPLE_BODY = """Dear Secretary,

We, the undersigned {n} organizations, write to urge you to end the 287(g) program, \
which deputizes local police to enforce civil immigration law.[^ice] At a minimum, the \
Department should terminate agreements with agencies that have a record of racial \
profiling or civil-rights abuses.[^gao]

The program has grown to more than 1,000 agreements. Communities have told us — again \
and again — that fear of “collateral” arrests keeps families from reporting crimes, \
seeking medical care & sending children to school.

We ask that you respond by **June 30, 2026**.

[^ice]: U.S. Immigration and Customs Enforcement, “Delegation of Immigration Authority \
Section 287(g),” accessed May 2026.
[^gao]: Government Accountability Office, *Immigration Enforcement: Better Controls \
Needed over Program Authorizing State and Local Enforcement*, GAO-09-109 (2009).
"""


def sample_snapshot(n: int = 100, **overrides) -> LetterSnapshot:
    """A realistic letter with ``n`` generated signatories (``overrides`` set any field)."""
    fields = {
        "title": "Re: Ending the 287(g) program",
        "sender": "End 287(g) Coalition",
        "date": date(2026, 5, 18),
        "addressees": "The Honorable Secretary of Homeland Security\n"
        "U.S. Department of Homeland Security\nWashington, DC 20528",
        "body_markdown": SAMPLE_BODY.format(n=f"{n:,}"),
        "closing": "Sincerely,\n\nThe undersigned organizations",
        "signatories": tuple(sample_signatories(n)),
    }
    fields.update(overrides)
    return LetterSnapshot(**fields)
