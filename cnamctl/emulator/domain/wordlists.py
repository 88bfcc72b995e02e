"""The emulator reviewer's own word lists.

They are kept apart from the offline validator's (``cnamctl.manifest``) on
purpose: the emulator referees cnamctl, so where the two lists differ an
end-to-end test can find what ``cnamctl validate`` lets through and a review
rejects. Entries are lowercase words separated by single spaces.

Sources: Twilio's CNAM guide ("cannot be a generic value such as a City/State"),
and Twilio's error 11008 ("Terms such as FBI, Social Security Administration,
Government, Police, and Medicare are not permitted"). Which cities count as
generic and which further terms are refused is the emulator's own judgement.
"""

from __future__ import annotations

STATES = {
    "al": "alabama", "ak": "alaska", "az": "arizona", "ar": "arkansas", "ca": "california",
    "co": "colorado", "ct": "connecticut", "de": "delaware", "fl": "florida", "ga": "georgia",
    "hi": "hawaii", "id": "idaho", "il": "illinois", "in": "indiana", "ia": "iowa",
    "ks": "kansas", "ky": "kentucky", "la": "louisiana", "me": "maine", "md": "maryland",
    "ma": "massachusetts", "mi": "michigan", "mn": "minnesota", "ms": "mississippi",
    "mo": "missouri", "mt": "montana", "ne": "nebraska", "nv": "nevada",
    "nh": "new hampshire", "nj": "new jersey", "nm": "new mexico", "ny": "new york",
    "nc": "north carolina", "nd": "north dakota", "oh": "ohio", "ok": "oklahoma",
    "or": "oregon", "pa": "pennsylvania", "ri": "rhode island", "sc": "south carolina",
    "sd": "south dakota", "tn": "tennessee", "tx": "texas", "ut": "utah", "vt": "vermont",
    "va": "virginia", "wa": "washington", "wv": "west virginia", "wi": "wisconsin",
    "wy": "wyoming", "dc": "district of columbia", "pr": "puerto rico", "gu": "guam",
    "vi": "virgin islands",
}  # fmt: skip

STATE_NICKNAMES = frozenset({"washington dc", "wash dc", "d c", "usa", "us", "united states"})

CITIES = frozenset(
    {
        "new york", "new york city", "nyc", "los angeles", "la", "chicago", "houston",
        "phoenix", "philadelphia", "philly", "san antonio", "san diego", "dallas",
        "san jose", "austin", "jacksonville", "fort worth", "columbus", "charlotte",
        "san francisco", "sf", "indianapolis", "seattle", "denver", "boston", "el paso",
        "nashville", "detroit", "oklahoma city", "portland", "las vegas", "memphis",
        "louisville", "baltimore", "milwaukee", "albuquerque", "tucson", "fresno",
        "sacramento", "kansas city", "mesa", "atlanta", "omaha", "colorado springs",
        "raleigh", "long beach", "virginia beach", "miami", "oakland", "minneapolis",
        "tulsa", "bakersfield", "wichita", "arlington", "tampa", "new orleans", "cleveland",
        "honolulu", "anaheim", "lexington", "stockton", "henderson", "saint paul",
        "st paul", "st louis", "saint louis", "cincinnati", "pittsburgh", "greensboro",
        "anchorage", "plano", "lincoln", "orlando", "irvine", "newark", "durham",
        "chula vista", "toledo", "fort wayne", "st petersburg", "laredo", "jersey city",
        "chandler", "madison", "lubbock", "scottsdale", "reno", "buffalo", "gilbert",
        "glendale", "north las vegas", "winston salem", "chesapeake", "norfolk",
        "fremont", "garland", "irving", "hialeah", "richmond", "boise", "spokane",
        "baton rouge", "des moines", "salt lake city", "providence", "hartford",
        "brooklyn", "queens", "bronx", "manhattan", "staten island", "hollywood",
    }
)  # fmt: skip

GENERIC = frozenset(
    {
        "unknown", "unavailable", "private", "private caller", "private number",
        "restricted", "anonymous", "blocked", "no caller id", "caller id", "wireless caller",
        "cell phone", "cellular", "mobile", "toll free", "tollfree", "out of area",
        "business", "company", "office", "customer service", "support", "sales", "info",
        "information", "telemarketer", "spam", "voip", "phone", "landline", "test",
    }
)  # fmt: skip

# Impersonation of government, law enforcement and emergency services (11008).
PROHIBITED = frozenset(
    {
        "fbi", "cia", "irs", "dea", "atf", "dhs", "nsa", "uscis", "ssa", "fema",
        "police", "police dept", "sheriff", "sheriffs", "state trooper", "state police",
        "us marshal", "us marshals", "government", "govt", "us govt", "us government",
        "department of justice", "doj", "social security", "social security admin",
        "social security administration", "medicare", "medicaid", "us treasury",
        "internal revenue", "homeland security", "border patrol", "911",
        "fire department", "fire dept", "coast guard", "us army", "us navy",
        "us air force", "national guard", "white house", "us congress", "us senate",
        "attorney general", "dmv", "usps", "postal service", "us embassy",
    }
)  # fmt: skip

# Words a business name carries that say nothing about which business it is.
BUSINESS_FILLER = frozenset(
    {
        "the", "and", "of", "a", "an", "inc", "incorporated", "llc", "llp", "ltd",
        "limited", "corp", "corporation", "co", "company", "group", "holdings", "plc",
        "gmbh", "sa", "na", "usa", "us", "intl", "international", "services", "service",
    }
)  # fmt: skip
