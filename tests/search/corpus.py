"""Rows and queries that are hard on a search: accents, apostrophes, scripts, syntax."""

# (organization, signer, email, city, comment)
SIGN_ONS = [
    ("ACLU of Texas", "Ana Pérez", "ana@aclutx.org", "Austin", ""),
    (
        "American Civil Liberties Union of Texas",
        "Bob O’Brien",
        "bob.obrien@example.org",
        "Houston",
        "Proud to sign!",
    ),
    ("The Alliance for Justice", "Zoë Saldaña", "zoe@afj.org", "", ""),
    ("Alliance San Diego", "Luis Núñez", "luis@alliancesd.org", "San Diego", ""),
    ("Asociación Pro Derechos", "María Gómez", "maria@apd.org", "El Paso", "¡Sí se puede!"),
    (
        "Mecklenburg County Immigrant Coalition",
        "Jane Doe",
        "jane@mecklenburg-coalition.org",
        "Charlotte",
        "Mecklenburg County's sheriff ended its 287(g) agreement",
    ),
    ("Centro Cultural Árabe — مركز العدالة", "محمد الأحمد", "m.ahmad@example.org", "Dearborn", ""),
    ("北京大学 Alumni for Justice", "王小明", "wang@example.cn", "", "我们支持"),
    ("Sheriff's Watch", "D'Angelo Smith", "dangelo@watch.org", "", ""),
    ("Latinx-Led Coalition", "Pat Lee", "pat@latinx-led.org", "Los Angeles", ""),
    ("NEAR Northside Partnership", "Or Cohen", "or@near.org", "", "AND or NOT"),
    ("Straße & Söhne e.V.", "Jürgen Weiß", "jw@strasse.de", "", ""),
    ("287(g) Watch", "Kim Nguyễn", "kim@287g.org", "", "100% against"),
    ("İstanbul Dayanışma", "Ayşe Yılmaz", "ayse@example.org", "", ""),
    ('"Quoted" Org: (the *best*)', "Sam -Dash", "sam_underscore@ex-ample.org", "", 'NEAR("a" "b")'),
    ("Texas Civil Rights Project", "Rosa Lopez", "rosa@texascivilrights.org", "Alamo", ""),
]

QUERIES = [
    "aclu tex", "ACLU", "texas", "TEXAS", "tex", "te", "t", "pérez", "perez", "PEREZ",
    "o'brien", "o’brien", "obrien", "brien", "O Brien", "the alliance", "The", "alliance",
    "alliance for", '"alliance for"', '"for alliance"', "zoe", "zoë", "ZOË", "saldana",
    "latinx-led", "latinx led", "-led", "led", "mecklenberg", "mecklenburg county",
    '"mecklenburg county"', '"county mecklenburg"', "meklenburg", "mecklenberg coalition",
    "محمد", "العدالة", "مركز", "北京", "大学", "北京大学", "王", "支持", "ana@aclutx.org",
    "@example.org", "example.org", "aclutx", "bob.obrien@example.org", '"', "*", '""',
    "NEAR", "near(", "NEAR(texas aclu)", "OR", "a OR b", "texas OR alliance", "tex*",
    "title:texas", "org_name:texas", "-texas", "(texas", ")", "AND", "NOT texas", "'", "’",
    "''", "%_\\", "%", "_", "sheriff's", "sheriff’s", "sheriffs", "287(g)", "287g", "287",
    "100%", "strasse", "straße", "söhne", "sohne", "e.v.", "istanbul", "İstanbul",
    "dayanisma", "ayse", "nguyen", "quoted", '"quoted" org', "best*", "sam_underscore",
    "ex-ample", "¡sí", "si se puede", "a & b", "a | b", "a <-> b", "!texas", "texas:*",
    "\\", "\\'", "'; drop table sign_ons; --", "x" * 300, "texas\x00", "\t", "   ",
    "jürgen weiß", "juergen", "weiss", "rights project", "civil", "civl rights",
]  # fmt: skip
