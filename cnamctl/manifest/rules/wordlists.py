"""Word lists behind the display-name rules (one place to extend them).

Entries are written naturally; ``display_name`` normalises them (lower case,
periods and commas as spaces) before comparing.
"""

from __future__ import annotations

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
    "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho",
    "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
    "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming",
    "DC": "District of Columbia", "PR": "Puerto Rico", "GU": "Guam",
    "VI": "US Virgin Islands", "AS": "American Samoa", "MP": "Northern Mariana Islands",
}  # fmt: skip
"""Two-letter postal abbreviation -> name (states, DC and territories)."""

EXTRA_STATE_NAMES: tuple[str, ...] = (
    "Washington DC", "Washington D.C.", "Virgin Islands", "United States", "USA", "U.S.A.",
    "America",
)  # fmt: skip

US_CITIES: tuple[str, ...] = (
    # The largest US cities by population, plus a few other well-known ones.
    "New York City", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia",
    "San Antonio", "San Diego", "Dallas", "Jacksonville", "Fort Worth", "San Jose",
    "Austin", "Charlotte", "Columbus", "Indianapolis", "San Francisco", "Seattle",
    "Denver", "Oklahoma City", "Nashville", "El Paso", "Boston", "Portland",
    "Las Vegas", "Detroit", "Memphis", "Louisville", "Baltimore", "Milwaukee",
    "Albuquerque", "Tucson", "Fresno", "Sacramento", "Mesa", "Kansas City", "Atlanta",
    "Omaha", "Colorado Springs", "Raleigh", "Long Beach", "Virginia Beach", "Miami",
    "Oakland", "Minneapolis", "Tulsa", "Bakersfield", "Wichita", "Arlington", "Aurora",
    "Tampa", "New Orleans", "Cleveland", "Honolulu", "Anaheim", "Lexington", "Stockton",
    "Corpus Christi", "Henderson", "Riverside", "Newark", "Saint Paul", "St Paul",
    "Santa Ana", "Cincinnati", "Irvine", "Orlando", "Pittsburgh", "St Louis",
    "Saint Louis", "Greensboro", "Jersey City", "Anchorage", "Lincoln", "Plano",
    "Durham", "Buffalo", "Chandler", "Chula Vista", "Toledo", "Madison", "Gilbert",
    "Reno", "Fort Wayne", "North Las Vegas", "St Petersburg", "Saint Petersburg",
    "Lubbock", "Irving", "Laredo", "Winston Salem", "Chesapeake", "Glendale", "Garland",
    "Scottsdale", "Norfolk", "Boise", "Fremont", "Spokane", "Santa Clarita",
    "Baton Rouge", "Richmond", "Hialeah", "San Bernardino", "Tacoma", "Modesto",
    "Huntsville", "Des Moines", "Yonkers", "Rochester", "Moreno Valley", "Fayetteville",
    "Fontana", "Worcester", "Port St Lucie", "Little Rock", "Augusta",
    "Oxnard", "Birmingham", "Montgomery", "Frisco", "Amarillo", "Salt Lake City",
    "Grand Rapids", "Huntington Beach", "Overland Park", "Tallahassee",
    "Grand Prairie", "McKinney", "Cape Coral", "Sioux Falls", "Peoria", "Providence",
    "Vancouver", "Knoxville", "Akron", "Shreveport", "Mobile", "Brownsville",
    "Newport News", "Fort Lauderdale", "Chattanooga", "Tempe", "Ontario",
    "Santa Rosa", "Eugene", "Elk Grove", "Salem", "Pembroke Pines", "Cary",
    "Springfield", "Corona", "Hartford", "Charleston", "Savannah", "Syracuse",
    "Albany", "Trenton", "Annapolis", "Harrisburg", "Olympia", "Cheyenne", "Bismarck",
    "Pierre", "Helena", "Juneau", "Montpelier", "Concord", "Dover",
    "Santa Fe", "Jackson", "Topeka", "Carson City", "Frankfort", "Manhattan",
    "Brooklyn", "Queens", "Bronx", "Staten Island", "Hollywood", "Beverly Hills",
    "Palo Alto", "Silicon Valley", "Miami Beach", "Atlantic City", "Key West",
)  # fmt: skip

GENERIC_VALUES: tuple[str, ...] = (
    # What carriers show when there is no name; a display name must not mimic them.
    "Unknown", "Unknown Caller", "Unknown Name", "Unavailable", "Private", "Private Caller",
    "Private Number", "Anonymous", "Restricted", "Blocked", "No Caller ID", "Caller ID",
    "Wireless Caller", "Cell Phone", "Toll Free", "Toll Free Call", "Out of Area",
    "Telemarketer", "Spam", "Scam Likely", "Spam Risk", "Potential Spam",
)  # fmt: skip

PROHIBITED_TERMS: tuple[str, ...] = (
    # Law enforcement, emergency services and government agencies: names that
    # impersonate them are refused by Twilio and carriers. Matched as whole
    # words (or word sequences), case-insensitively.
    "Police", "Sheriff", "Sheriffs", "Deputy Sheriff", "Trooper", "State Trooper",
    "Highway Patrol", "State Patrol", "Border Patrol", "Marshals", "US Marshal",
    "FBI", "CIA", "NSA", "DEA", "ATF", "DHS", "DOJ", "FEMA", "IRS", "SSA", "USCIS",
    "Homeland Security", "Secret Service", "Social Security", "Medicare", "Medicaid",
    "Treasury", "Department of Justice", "White House", "Government", "Govt",
    "911", "E911", "Emergency", "Fire Dept", "Fire Department",
)  # fmt: skip
