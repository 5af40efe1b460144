"""The demo: two French articles about Morocco and the Global Coalition against Daesh, the
entities they name (with aliases spelt as the articles spell them) and claims recorded from them.

Quotes are exact passages of the texts in ``corpus/``; the loader finds their offsets. An entity
is referred to by its name here.
"""

from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"

EXPERTISE = "expertise"
MARRAKECH = "marrakech"
REPORT = "report"

# In the order they are added: the list of sources shows the newest first, the articles.
SOURCES = {
    # The report the first article relays (its text is not in the corpus: the source is
    # there to be cited, an origin).
    REPORT: {
        "title": "Country Reports on Terrorism 2021: Morocco",
        "kind": "report",
        "language": "en",
        "published": "2023-02-27",
        "publisher": "US Department of State",
        "url": "https://www.state.gov/reports/country-reports-on-terrorism-2021/morocco",
    },
    EXPERTISE: {
        "file": "maroc-expertise-antiterrorisme.fr.txt",
        "title": "Le Maroc réaffirme son engagement à partager son expertise antiterroriste "
        "avec l'Afrique",
        "kind": "article",
        "language": "fr",
        # The article gives no date of its own: it stays undated.
        "published": None,
    },
    MARRAKECH: {
        "file": "maroc-coalition-daech-marrakech-2022-05.fr.txt",
        "title": "Le Maroc et la Coalition mondiale contre Daech (Marrakech, mai 2022)",
        "kind": "article",
        "language": "fr",
        "published": "2022-05",
    },
}

# Who cites whom: (citing source, cited source, how, note).
CITATIONS = [
    (
        EXPERTISE,
        REPORT,
        "cites",
        "Its figures on Morocco are the State Department's report's (“a noté le département "
        "d'État américain”).",
    ),
]

# name, kind, Wikidata id, description, aliases as (name, language)
ENTITIES = [
    ("Morocco", "country", "Q1028", "", [("Maroc", "fr"), ("Royaume du Maroc", "fr")]),
    (
        "United States",
        "country",
        "Q30",
        "",
        [("États-Unis", "fr"), ("Etats-Unis", "fr"), ("Etats Unis", "fr"), ("USA", "en")],
    ),
    ("Niger", "country", "Q1032", "", []),
    ("Italy", "country", "Q38", "", [("Italie", "fr")]),
    ("Canada", "country", "Q16", "", []),
    ("Algeria", "country", "Q262", "", [("Algérie", "fr")]),
    ("Iran", "country", "Q794", "", []),
    (
        "Africa Focus Group",
        "group",
        "",
        "Working group of the Global Coalition against Daesh on the terrorist threat in Africa.",
        [("Cluster Afrique", "fr"), ("groupe de réflexion Afrique", "fr")],
    ),
    (
        "Global Coalition against Daesh",
        "organization",
        "",
        "International coalition formed in 2014 to defeat Daesh.",
        [
            ("Coalition mondiale contre Daech", "fr"),
            ("Coalition mondiale contre Daesh", "fr"),
            ("Coalition mondiale pour vaincre Daesh", "fr"),
            ("Coalition mondiale pour vaincre l'ISIS", "fr"),
            ("Global Coalition to Defeat ISIS", "en"),
        ],
    ),
    (
        "Daesh",
        "organization",
        "",
        "The jihadist group also called the Islamic State.",
        [("Daech", "fr"), ("ISIS", "en"), ("l'ISIS", "fr"), ("État islamique", "fr")],
    ),
    (
        "US Department of State",
        "organization",
        "",
        "The United States' foreign ministry; publishes the annual Country Reports on Terrorism.",
        [("département d'État américain", "fr"), ("State Department", "en")],
    ),
    (
        "Ismail Chekkori",
        "person",
        "",
        "Director of global affairs at Morocco's ministry of foreign affairs.",
        [("Chekkori", "fr")],
    ),
    (
        "Nasser Bourita",
        "person",
        "",
        "Morocco's minister of foreign affairs.",
        [("Bourita", "fr")],
    ),
    (
        "Mark Brnovich",
        "person",
        "",
        "Former attorney general of Arizona.",
        [("Brnovich", "en")],
    ),
    ("Polisario Front", "organization", "", "", [("Front Polisario", "fr")]),
    (
        "Global Counterterrorism Forum",
        "organization",
        "",
        "",
        [("Forum mondial de lutte contre le terrorisme", "fr")],
    ),
    (
        "Central Bureau of Judicial Investigations",
        "organization",
        "",
        "Morocco's counter-terrorism investigation bureau.",
        [("Bureau central d'investigations judiciaires", "fr"), ("BCIJ", "fr")],
    ),
    (
        "Coalition ministerial meeting in Marrakech",
        "other",
        "",
        "Ministerial meeting of the Global Coalition against Daesh held in Marrakech.",
        [("réunion ministérielle de Marrakech", "fr")],
    ),
]

CO_CHAIRS = "Morocco co-chairs the Africa Focus Group of the Global Coalition against Daesh."

# Each claim: statement, optional structure, and appearances. An appearance names its source,
# the exact quote (``occurrence`` picks among repeats, counting from 0), the speaker, the
# attribution, and the value as that source states it.
CLAIMS = [
    {
        "statement": CO_CHAIRS,
        "subject": "Africa Focus Group",
        "property": "co-chairs",
        "value_type": "entities",
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": "Les Etats-Unis, le Niger et le Maroc se partagent la co-présidence "
                "du groupe.",
                "attribution": "paraphrase",
                "value": ["United States", "Niger", "Morocco"],
            },
            {
                "source": MARRAKECH,
                "quote": "co-préside aux côtés des Etats Unis, du Niger et de l'Italie, "
                "l'Africa Focus Group",
                "attribution": "paraphrase",
                "value": ["United States", "Niger", "Italy", "Morocco"],
            },
            {
                # Says Morocco co-chairs it, without listing the co-chairs: no value.
                "source": EXPERTISE,
                "quote": "copréside le groupe de réflexion Afrique de la coalition",
                "speaker": "US Department of State",
                "attribution": "reported",
            },
        ],
    },
    {
        # A claim that none happened: its scope is what (the property), where (the subject),
        # the period (each version's value) and who recorded it.
        "statement": "No terrorist incident was recorded in Morocco in 2021.",
        "subject": "Morocco",
        "property": "terrorist incident",
        "value_type": "absence",
        "recorded_by": "US Department of State",
        "changes_over_time": False,
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": "aucun incident terroriste n'a été enregistré dans le pays d'Afrique "
                "du Nord en 2021",
                "speaker": "US Department of State",
                "attribution": "reported",
                "value": "2021",
            }
        ],
        "search_records": [
            {
                "searched": "Country Reports on Terrorism 2021: Morocco (US Department of State)",
                "url": "https://www.state.gov/reports/country-reports-on-terrorism-2021/morocco",
                "query": "The report's section on Morocco, read for incidents in 2021.",
                "covered_from": "2021-01-01",
                "covered_to": "2021-12-31",
                "searched_on": "2023-03-01",
                "found_nothing": True,
            }
        ],
    },
    {
        "statement": "The Africa Focus Group has become an essential component of the Global "
        "Coalition to defeat ISIS in Africa.",
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": "Le groupe est devenu une composante essentielle de la Coalition "
                "mondiale pour vaincre l'ISIS en Afrique",
                "speaker": "Ismail Chekkori",
                "attribution": "direct_quote",
            }
        ],
    },
    {
        "statement": "As co-chair of the Africa Focus Group, Morocco remains committed to the "
        "security and stability of the African continent.",
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": "En tant que coprésident du Cluster Afrique, le Maroc reste attaché à "
                "la sécurité et à la stabilité du continent africain",
                "speaker": "Ismail Chekkori",
                "attribution": "direct_quote",
            }
        ],
    },
    {
        "statement": "Armed separatist groups in Africa serve the agendas of their sponsors.",
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": "Ces groupes séparatistes servent les agendas de leurs sponsors et "
                "leurs intérêts cachés",
                "speaker": "Ismail Chekkori",
                "attribution": "direct_quote",
            }
        ],
    },
    {
        "statement": "Morocco co-chairs the Global Counterterrorism Forum with Canada.",
        "subject": "Global Counterterrorism Forum",
        "property": "co-chairs",
        "value_type": "entities",
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": "le Maroc est membre du Forum mondial de lutte contre le terrorisme, "
                "qu'il copréside avec le Canada",
                "speaker": "US Department of State",
                "attribution": "reported",
                "value": ["Morocco", "Canada"],
            }
        ],
    },
    {
        "statement": "Morocco's anti-terrorism legislation was enacted in 2003.",
        "subject": "Morocco",
        "property": "anti-terrorism legislation enacted",
        "value_type": "date",
        "changes_over_time": False,
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": "la législation antiterroriste promulguée en 2003 et étendue en 2015",
                "speaker": "US Department of State",
                "attribution": "reported",
                "value": "2003",
            }
        ],
    },
    {
        "statement": "The Central Bureau of Judicial Investigations (BCIJ) is Morocco's main "
        "agency prosecuting terrorism.",
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": "le Bureau central d'investigations judiciaires (BCIJ) reste le "
                "principal organisme chargé des poursuites contre le terrorisme",
                "speaker": "US Department of State",
                "attribution": "reported",
            }
        ],
    },
    {
        "statement": "Rabat and Washington have a long history of strong counter-terrorism "
        "cooperation.",
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": 'Rabat et Washington ont une longue "histoire de forte" coopération '
                "antiterroriste",
                "speaker": "US Department of State",
                "attribution": "reported",
            }
        ],
    },
    {
        "statement": "Algeria has supported the Polisario Front for many years, with Iran's help.",
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": "l'Algérie soutenait depuis de nombreuses années, avec l'aide de "
                "l'Iran, le Front Polisario",
                "speaker": "Mark Brnovich",
                "attribution": "paraphrase",
            }
        ],
    },
    {
        "statement": "People moving between separatist and terrorist groups create an objective "
        "alliance between the two.",
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": "l'escalade du nombre de personnes passant des groupes séparatistes "
                'aux terroristes et "vice versa" crée une alliance objective entre ces deux '
                "types de groupes",
                "speaker": "Nasser Bourita",
                "attribution": "paraphrase",
            }
        ],
    },
    {
        "statement": "The Africa Focus Group was launched in 2021.",
        "subject": "Africa Focus Group",
        "property": "launch year",
        "value_type": "date",
        "changes_over_time": False,
        "appearances": [
            {
                "source": MARRAKECH,
                "quote": "Lancé en 2021, ce groupe de travail",
                "attribution": "paraphrase",
                "value": "2021",
            }
        ],
    },
    {
        "statement": "Morocco is a member of the Coalition's Small Group.",
        "subject": "Morocco",
        "property": "member of the Small Group",
        "value_type": "boolean",
        "appearances": [
            {
                "source": MARRAKECH,
                "quote": "Le Maroc est membre du Small Group",
                "attribution": "paraphrase",
                "value": True,
            }
        ],
    },
    {
        "statement": "Morocco hosted the first regional meeting of the Coalition's political "
        "directors on the Daesh threat in Africa, in Skhirat on 26 June 2018.",
        "subject": "Morocco",
        "property": "hosted the first regional meeting of Coalition political directors",
        "value_type": "date",
        "changes_over_time": False,
        "appearances": [
            {
                "source": MARRAKECH,
                "quote": "Le Maroc a organisé, le 26 juin 2018 à Skhirat, la lère réunion "
                "régionale des Directeurs Politiques de la Coalition mondiale contre Daech",
                "attribution": "paraphrase",
                "value": "2018-06-26",
            }
        ],
    },
    {
        "statement": "The Coalition's ministerial meeting in Marrakech took place in May 2022.",
        "subject": "Coalition ministerial meeting in Marrakech",
        "property": "held in",
        "value_type": "date",
        "changes_over_time": False,
        "appearances": [
            {
                # "en mai dernier" in an undated article: May of a year the article does not
                # give; the editor records what is certain from the coverage, the year 2022.
                # It agrees with the other version's 2022-05: one period contains the other.
                "source": EXPERTISE,
                "quote": "la réunion ministérielle de la Coalition mondiale pour vaincre ISIS "
                "qui s'est tenue à Marrakech en mai dernier",
                "speaker": "Nasser Bourita",
                "attribution": "reported",
                "value": "2022",
            },
            {
                "source": MARRAKECH,
                "quote": "date 2022-05 Marrakech",
                "attribution": "paraphrase",
                "value": "2022-05",
            },
        ],
    },
    {
        "statement": "The US State Department's latest terrorism reports were published on "
        "27 February.",
        "appearances": [
            {
                "source": EXPERTISE,
                "quote": "ses derniers rapports sur le terrorisme, qui ont été publiés le "
                "27 février",
                "attribution": "paraphrase",
            }
        ],
    },
]

# Sources a reviewer has already gathered: (claim statement, source key, stance, note).
EVIDENCE = [
    (
        CO_CHAIRS,
        MARRAKECH,
        "context",
        "The Marrakech fact sheet names Italy as a fourth co-chair; check whether Italy joined "
        "after the group was launched in 2021.",
    ),
]

# How partners' ClaimReview ratings read as the desk's verdicts, for any publisher: (rating
# name, verdict slug). The desk's own verdict names (English and French) need none.
RATING_MAPPINGS = [
    ("True", "accurate"),
    ("Vrai", "accurate"),
    ("Mostly true", "mostly-accurate"),
    ("Plutôt vrai", "mostly-accurate"),
    ("Half true", "misleading"),
    ("Mostly false", "inaccurate"),
    ("Plutôt faux", "inaccurate"),
    ("False", "inaccurate"),
    ("Faux", "inaccurate"),
    ("Pants on Fire", "inaccurate"),
]

# username, group, password (published here: load_demo refuses to run with DEBUG off unless
# told to, so these accounts never appear on a real desk by accident).
USERS = [
    ("editor", "editor", "demo-editor-pass"),
    ("reviewer", "reviewer", "demo-reviewer-pass"),
    ("admin", "admin", "demo-admin-pass"),
]
