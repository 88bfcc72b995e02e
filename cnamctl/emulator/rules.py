"""CNAM business rules that need no database: display names and number eligibility.

From Twilio's CNAM guide: a display name has at most 15 characters, begins with a
letter, holds only letters, digits, periods, commas and spaces, and is not a generic
value such as a city or state. Only US standard long-code numbers (no toll-free, no
Canadian) can carry CNAM.

Prohibited content (government impersonation and the like: "FBI", "Police", ...) is
not refused when the end user is saved; Twilio's review rejects the product later
with error 11008, and so does the emulator's review simulation.
"""

from __future__ import annotations

import re

import phonenumbers

MAX_DISPLAY_NAME = 15
_ALLOWED = re.compile(r"^[A-Za-z][A-Za-z0-9., ]*$")

US_STATES = {
    "AL": "ALABAMA", "AK": "ALASKA", "AZ": "ARIZONA", "AR": "ARKANSAS", "CA": "CALIFORNIA",
    "CO": "COLORADO", "CT": "CONNECTICUT", "DE": "DELAWARE", "FL": "FLORIDA", "GA": "GEORGIA",
    "HI": "HAWAII", "ID": "IDAHO", "IL": "ILLINOIS", "IN": "INDIANA", "IA": "IOWA",
    "KS": "KANSAS", "KY": "KENTUCKY", "LA": "LOUISIANA", "ME": "MAINE", "MD": "MARYLAND",
    "MA": "MASSACHUSETTS", "MI": "MICHIGAN", "MN": "MINNESOTA", "MS": "MISSISSIPPI",
    "MO": "MISSOURI", "MT": "MONTANA", "NE": "NEBRASKA", "NV": "NEVADA", "NH": "NEW HAMPSHIRE",
    "NJ": "NEW JERSEY", "NM": "NEW MEXICO", "NY": "NEW YORK", "NC": "NORTH CAROLINA",
    "ND": "NORTH DAKOTA", "OH": "OHIO", "OK": "OKLAHOMA", "OR": "OREGON", "PA": "PENNSYLVANIA",
    "RI": "RHODE ISLAND", "SC": "SOUTH CAROLINA", "SD": "SOUTH DAKOTA", "TN": "TENNESSEE",
    "TX": "TEXAS", "UT": "UTAH", "VT": "VERMONT", "VA": "VIRGINIA", "WA": "WASHINGTON",
    "WV": "WEST VIRGINIA", "WI": "WISCONSIN", "WY": "WYOMING", "DC": "DISTRICT OF COLUMBIA",
    "PR": "PUERTO RICO", "GU": "GUAM", "VI": "VIRGIN ISLANDS", "AS": "AMERICAN SAMOA",
}  # fmt: skip

US_CITIES = frozenset(
    {
        "NEW YORK", "NEW YORK CITY", "NYC", "LOS ANGELES", "LA", "CHICAGO", "HOUSTON",
        "PHOENIX", "PHILADELPHIA", "SAN ANTONIO", "SAN DIEGO", "DALLAS", "SAN JOSE",
        "AUSTIN", "JACKSONVILLE", "FORT WORTH", "COLUMBUS", "CHARLOTTE", "SAN FRANCISCO",
        "INDIANAPOLIS", "SEATTLE", "DENVER", "WASHINGTON", "BOSTON", "EL PASO", "NASHVILLE",
        "DETROIT", "OKLAHOMA CITY", "PORTLAND", "LAS VEGAS", "MEMPHIS", "LOUISVILLE",
        "BALTIMORE", "MILWAUKEE", "ALBUQUERQUE", "TUCSON", "FRESNO", "SACRAMENTO", "MESA",
        "KANSAS CITY", "ATLANTA", "OMAHA", "COLORADO SPRINGS", "RALEIGH", "MIAMI",
        "LONG BEACH", "VIRGINIA BEACH", "OAKLAND", "MINNEAPOLIS", "TULSA", "TAMPA",
        "ARLINGTON", "NEW ORLEANS", "WICHITA", "CLEVELAND", "BAKERSFIELD", "AURORA",
        "ANAHEIM", "HONOLULU", "SANTA ANA", "RIVERSIDE", "CORPUS CHRISTI", "LEXINGTON",
        "STOCKTON", "ST. LOUIS", "SAINT LOUIS", "ST LOUIS", "PITTSBURGH", "SAINT PAUL",
        "ST PAUL", "CINCINNATI", "ANCHORAGE", "HENDERSON", "GREENSBORO", "PLANO", "NEWARK",
        "LINCOLN", "TOLEDO", "ORLANDO", "CHULA VISTA", "IRVINE", "FORT WAYNE", "JERSEY CITY",
        "DURHAM", "ST. PETERSBURG", "LAREDO", "BUFFALO", "MADISON", "LUBBOCK", "CHANDLER",
        "SCOTTSDALE", "RENO", "GLENDALE", "NORFOLK", "BOISE", "RICHMOND", "SPOKANE",
        "BIRMINGHAM", "DES MOINES", "SALT LAKE CITY", "PROVIDENCE", "HARTFORD", "ALBANY",
        "BROOKLYN", "QUEENS", "BRONX", "MANHATTAN", "STATEN ISLAND", "PALO ALTO",
        "MOUNTAIN VIEW", "SANTA CLARA", "SUNNYVALE", "BERKELEY",
    }
)  # fmt: skip

# Terms whose use Twilio rejects with 11008 (government impersonation and emergency
# services). Matched as whole words, case-insensitively.
PROHIBITED_TERMS = frozenset(
    {
        "FBI", "CIA", "IRS", "DEA", "ATF", "NSA", "DHS", "SSA", "POLICE", "SHERIFF",
        "US MARSHALS", "GOVERNMENT", "GOVT", "MEDICARE", "MEDICAID", "SOCIAL SECURITY",
        "SOCIAL SEC", "BORDER PATROL", "911",
    }
)  # fmt: skip

_GENERIC = frozenset(US_STATES) | frozenset(US_STATES.values()) | US_CITIES


def _words(name: str) -> str:
    """Upper case, punctuation as spaces, single spaces: 'San Francisco, CA' -> 'SAN FRANCISCO CA'."""
    return " ".join(re.sub(r"[.,]", " ", name).upper().split())


def _is_generic(name: str) -> bool:
    words = _words(name)
    if words in _GENERIC or name.strip().upper() in _GENERIC:
        return True
    # "City ST" / "City State" - the default a number shows when it has no CNAM.
    for state in _GENERIC - US_CITIES:
        if words.endswith(" " + state) and words[: -len(state) - 1] in US_CITIES:
            return True
    return False


def display_name_problem(name: object) -> str | None:
    """Why ``name`` is not a valid CNAM display name, or None when it is."""
    if not isinstance(name, str) or not name.strip():
        return "cnam_display_name is missing"
    if len(name) > MAX_DISPLAY_NAME:
        return f"at most {MAX_DISPLAY_NAME} characters are allowed, got {len(name)}"
    if not name[0].isascii() or not name[0].isalpha():
        return "it must begin with a letter"
    if not _ALLOWED.match(name):
        return "only letters, numbers, periods, commas and spaces are allowed"
    if _is_generic(name):
        return "it must be a unique name, not a generic value such as a city or state"
    return None


def is_prohibited(name: str | None) -> bool:
    """Whether a display name contains a prohibited term (rejected in review, 11008)."""
    if not name:
        return False
    padded = f" {_words(name)} "
    return any(f" {term} " in padded for term in PROHIBITED_TERMS)


def classify_number(e164: str) -> tuple[str, str]:
    """(number_type, iso_country) of an E.164 number: type is local, mobile or tollfree.

    NANP fixed-line and mobile numbers are indistinguishable by number alone and
    both are "local" standard long codes; only toll-free ranges differ.
    """
    parsed = phonenumbers.parse(e164)
    kind = phonenumbers.number_type(parsed)
    if kind == phonenumbers.PhoneNumberType.TOLL_FREE:
        number_type = "tollfree"
    elif kind == phonenumbers.PhoneNumberType.MOBILE:
        number_type = "mobile"
    else:
        number_type = "local"
    country = phonenumbers.region_code_for_number(parsed) or "ZZ"
    return number_type, country


def cnam_ineligibility(number_type: str, iso_country: str) -> str | None:
    """Why a number cannot join a CNAM trust product, or None when it can."""
    if number_type == "tollfree":
        return "toll-free numbers cannot be assigned to CNAM trust products"
    if iso_country == "CA":
        return "Canadian numbers cannot be assigned to CNAM trust products"
    if iso_country != "US":
        return "only US numbers can be assigned to CNAM trust products"
    if number_type != "local":
        return "only US standard long-code numbers can be assigned to CNAM trust products"
    return None


def normalize_e164(value: str, region: str = "US") -> str | None:
    """E.164 form of a phone number as Twilio accepts it ('(415) 555-1212' too), or None."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national_format(e164: str) -> str:
    """'(415) 555-0100' for a NANP number: Twilio's default friendly name."""
    if len(e164) == 12 and e164.startswith("+1") and e164[1:].isdigit():
        return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"  # fast path for bulk seeding
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
