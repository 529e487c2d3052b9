"""Vocabulary for make_leads_labelled.py: names, nicknames, companies, countries and phone plans.

Kept apart from the generator so the generator reads as the distribution it draws. The nickname table is
curated here, independently of the `nicknames` package the engine uses, so the benchmark does not simply
replay the engine's own table back to it.
"""

from __future__ import annotations

from typing import Any

# Ordered roughly by frequency: the generator draws with weights falling along the list.
FIRST_NAMES: list[str] = ["Michael", "James", "John", "Robert", "David", "William", "Mary", "Jennifer", "Elizabeth", "Patricia", "Linda", "Richard", "Joseph", "Thomas", "Christopher", "Charles", "Daniel", "Matthew", "Anthony", "Margaret", "Susan", "Jessica", "Sarah", "Karen", "Nancy", "Steven", "Andrew", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward", "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon", "Benjamin", "Samuel", "Gregory", "Alexander", "Frank", "Patrick", "Raymond", "Jack", "Dennis", "Jerry", "Tyler", "Aaron", "José", "Adam", "Henry", "Nathan", "Douglas", "Zachary", "Peter", "Kyle", "Walter", "Ethan", "Jeremy", "Harold", "Keith", "Christian", "Roger", "Noah", "Gerald", "Carl", "Terry", "Sean", "Austin", "Arthur", "Lawrence", "Jesse", "Dylan", "Bryan", "Joe", "Jordan", "Billy", "Bruce", "Albert", "Willie", "Gabriel", "Logan", "Alan", "Juan", "Wayne", "Roy", "Ralph", "Randy", "Eugene", "Vincent", "Russell", "Elijah", "Louis", "Bobby", "Philip", "Johnny", "Lisa", "Betty", "Sandra", "Ashley", "Kimberly", "Donna", "Emily", "Michelle", "Dorothy", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Laura", "Sharon", "Cynthia", "Kathleen", "Amy", "Shirley", "Angela", "Helen", "Anna", "Brenda", "Pamela", "Nicole", "Samantha", "Katherine", "Emma", "Ruth", "Christine", "Catherine", "Debra", "Rachel", "Carolyn", "Janet", "Virginia", "Maria", "Heather", "Diane", "Julie", "Joyce", "Victoria", "Kelly", "Christina", "Joan", "Evelyn", "Lauren", "Judith", "Olivia", "Frances", "Martha", "Cheryl", "Megan", "Andrea", "Hannah", "Jacqueline", "Ann", "Jean", "Alice", "Kathryn", "Gloria", "Teresa", "Doris", "Sara", "Janice", "Julia", "Marie", "Madison", "Grace", "Judy", "Theresa", "Beverly", "Denise", "Marilyn", "Amber", "Danielle", "Abigail", "Brittany", "Rose", "Diana", "Natalie", "Sophia", "Alexis", "Lori", "Kayla", "Jane", "François", "Zoë", "Renée", "Søren", "Łukasz", "Jürgen", "Björn", "Chloé", "Hélène", "Andrés", "Raúl", "Ingrid", "Priya", "Wei", "Hiroshi", "Aisha", "Fatima", "Olga", "Dmitri", "Kenji", "Liam", "Mateo", "Lucas", "Mila", "Agnieszka", "Małgorzata", "Sébastien", "Jérôme", "Annika", "Åsa", "Mónica", "Inés", "Zoltán", "Tomás", "Núria", "Émile", "Dagný", "Göran", "Mirosław"]

# Formal name -> nicknames people go by (the US census-style pairs a salesperson meets every day).
NICKNAMES: dict[str, list[str]] = {
    "William": ["Bill", "Will", "Billy", "Liam"],
    "Robert": ["Bob", "Rob", "Bobby", "Robbie"],
    "Margaret": ["Peggy", "Maggie", "Meg", "Peg"],
    "Elizabeth": ["Liz", "Beth", "Betty", "Eliza"],
    "Richard": ["Rick", "Dick", "Rich", "Richie"],
    "James": ["Jim", "Jimmy", "Jamie"],
    "Katherine": ["Kate", "Katie", "Kathy"],
    "Catherine": ["Cathy", "Kate", "Cat"],
    "Jennifer": ["Jen", "Jenny"],
    "Michael": ["Mike", "Mikey"],
    "Christopher": ["Chris", "Kit"],
    "Jonathan": ["Jon", "Johnny"],
    "Patricia": ["Pat", "Patty", "Trish"],
    "Thomas": ["Tom", "Tommy"],
    "Joseph": ["Joe", "Joey"],
    "Daniel": ["Dan", "Danny"],
    "Matthew": ["Matt"],
    "Anthony": ["Tony"],
    "Susan": ["Sue", "Susie"],
    "Deborah": ["Deb", "Debbie"],
    "Rebecca": ["Becky", "Becca"],
    "Alexander": ["Alex", "Sasha"],
    "Nicholas": ["Nick", "Nicky"],
    "Benjamin": ["Ben", "Benny"],
    "Samuel": ["Sam", "Sammy"],
    "Edward": ["Ed", "Eddie", "Ted"],
    "Charles": ["Charlie", "Chuck"],
    "Andrew": ["Andy", "Drew"],
    "Stephen": ["Steve"],
    "Steven": ["Steve"],
    "Timothy": ["Tim"],
    "Victoria": ["Vicky", "Tori"],
    "Jessica": ["Jess", "Jessie"],
    "Kimberly": ["Kim"],
    "Jacqueline": ["Jackie"],
    "Christine": ["Chris", "Chrissy"],
    "Dorothy": ["Dot", "Dottie"],
    "Abigail": ["Abby", "Gail"],
    "Gregory": ["Greg"],
    "Lawrence": ["Larry"],
    "Kenneth": ["Ken", "Kenny"],
    "Ronald": ["Ron", "Ronnie"],
    "Donald": ["Don"],
    "Raymond": ["Ray"],
    "Gerald": ["Jerry"],
    "Douglas": ["Doug"],
    "Zachary": ["Zach"],
    "Peter": ["Pete"],
    "Nathan": ["Nate"],
    "David": ["Dave"],
    "Samantha": ["Sam"],
    "Pamela": ["Pam"],
    "Cynthia": ["Cindy"],
    "Kathleen": ["Kathy", "Kate"],
    "Judith": ["Judy"],
    "Frances": ["Fran"],
    "Theresa": ["Terry", "Tess"],
    "Teresa": ["Terry"],
    "Virginia": ["Ginny"],
    "Carolyn": ["Carrie"],
    "Sandra": ["Sandy"],
    "Alexis": ["Lexi"],
    "Natalie": ["Nat"],
    "Danielle": ["Dani"],
    "Jacob": ["Jake"],
    "Philip": ["Phil"],
    "Vincent": ["Vince"],
    "Russell": ["Russ"],
    "Frank": ["Frankie"],
    "Walter": ["Walt"],
    "Arthur": ["Art"],
    "Eugene": ["Gene"],
}

LAST_NAMES: list[str] = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodríguez", "Martínez", "Hernández", "López", "González", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Pérez", "Thompson", "White", "Harris", "Sánchez", "Clark", "Ramírez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schäfer", "Koch", "Dubois", "Lefèvre", "Lambert", "Girard", "Bonnet", "Rousseau", "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Søndergaard", "Jørgensen", "Ødegaard", "Åström", "Öberg", "Núñez", "Peña", "Ibáñez", "Çelik", "Yılmaz", "O'Brien", "O'Connor", "MacDonald", "McCarthy", "Kim", "Park", "Chen", "Wang", "Li", "Zhang", "Patel", "Shah", "Singh", "Khan", "Ivanova", "Petrov", "Smirnov", "Kovács", "Horváth", "Novák", "Dvořák", "Evans", "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Peterson", "Cooper", "Reed", "Bailey", "Bell", "Gómez", "Kelly", "Howard", "Ward", "Cox", "Díaz", "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "James", "Reyes", "Cruz", "Hughes", "Price", "Myers", "Long", "Foster", "Sanders", "Ross", "Morales", "Powell", "Sullivan", "Russell", "Ortiz", "Jenkins", "Gutiérrez", "Perry", "Butler", "Barnes", "Fisher", "Henderson", "Coleman", "Simmons", "Patterson", "Jordan", "Reynolds", "Hamilton", "Graham", "Wallace", "Woods", "Cole", "West", "Owens", "Marshall", "Fontaine", "Beaumont", "Lindqvist", "Håkansson", "Brandt", "Hoffmann", "Zimmermann", "Krüger", "Lehmann", "Mercier", "Faure", "André", "Vasquez", "Castillo", "Guerrero", "Mendoza"]

COMPANY_HEADS: list[str] = ["Acme", "Northwind", "Summit", "Pioneer", "Vertex", "Cedar", "Granite", "Lumen", "Nimbus", "Orion", "Blue-Harbor", "Redwood", "Silverline", "Keystone", "Brightpath", "Ironclad", "Evergreen", "Harborview", "Meridian", "Polaris", "Sterling", "Crescent", "Beacon", "Atlas", "Quantum", "Horizon", "Falcon", "Sequoia", "Riverbend", "Stonebridge", "Clearwater", "Lakeshore", "Highland", "Westfield", "Bluebird", "Copperleaf", "Foxglove", "Juniper", "Kestrel", "Larkspur", "Maple", "Nordic", "Oakridge", "Pinecrest", "Quarry", "Rosewood", "Saffron", "Tidewater", "Umbra", "Valiant", "Willow", "Zenith", "Alder", "Birch", "Cobalt", "Delta", "Ember", "Fjord", "Garnet", "Helios", "Indigo", "Jasper", "Kinetic", "Lighthouse", "Mosaic", "Nova", "Onyx", "Prairie", "Radiant", "Solstice", "Tundra", "Upland", "Vanguard", "Wavecrest", "Yarrow", "Zephyr", "Société", "Café", "Bäckerei", "Château", "Fjällräven-Nord", "Łódź-Tech", "Español"]
COMPANY_HEADS = [w.replace("-", " ") for w in COMPANY_HEADS]

COMPANY_TAILS: list[str] = [
    "Analytics", "Logistics", "Systems", "Health", "Foods", "Capital", "Software", "Robotics", "Energy",
    "Media", "Labs", "Consulting", "Partners", "Insurance", "Manufacturing", "Biotech", "Freight", "Security",
    "Networks", "Retail", "Design", "Data", "Cloud", "Marine", "Solar", "Pharma", "Realty", "Advisors",
    "Staffing", "Engineering", "and Sons", "and Partners", "Group", "Holdings", "Ventures", "Outfitters",
]  # fmt: skip

WORK_STYLES: list[str] = [
    "{f}.{l}",
    "{fi}{l}",
    "{f}{li}",
    "{f}",
    "{f}_{l}",
    "{fi}.{l}",
    "{l}{fi}",
    "{f}.{li}",
    "{l}.{f}",
    "{f}{l}",
]

FREE_MAIL: list[str] = [
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "aol.com",
    "gmx.de",
    "web.de",
    "orange.fr",
    "wp.pl",
    "hotmail.co.uk",
    "proton.me",
]

COUNTRIES: dict[str, dict[str, Any]] = {
    "US": {
        "weight": 60,
        "cc": "1",
        "digits": 10,
        "tld": "com",
        "suffixes": ["Inc.", "LLC", "Corp.", "Co."],
        "spellings": ["US", "USA", "United States", "us", "U.S."],
        "areas": ["212", "415", "312", "617", "206", "512", "303", "404", "713", "305", "646", "408"],
        "cities": [
            ("New York", "NY", "10001"),
            ("San Francisco", "CA", "94105"),
            ("Chicago", "IL", "60601"),
            ("Boston", "MA", "02110"),
            ("Seattle", "WA", "98101"),
            ("Austin", "TX", "78701"),
            ("Denver", "CO", "80202"),
            ("Atlanta", "GA", "30303"),
            ("Houston", "TX", "77002"),
            ("Miami", "FL", "33131"),
            ("San Jose", "CA", "95113"),
            ("Brooklyn", "NY", "11201"),
        ],
    },
    "GB": {
        "weight": 12,
        "cc": "44",
        "digits": 10,
        "tld": "co.uk",
        "suffixes": ["Ltd", "Limited", "PLC"],
        "spellings": ["UK", "GB", "United Kingdom", "England"],
        "areas": ["20", "7700", "161", "121", "131", "7911"],
        "cities": [
            ("London", "England", "EC1A 1BB"),
            ("Manchester", "England", "M1 1AE"),
            ("Birmingham", "England", "B1 1AA"),
            ("Edinburgh", "Scotland", "EH1 1YZ"),
        ],
    },
    "DE": {
        "weight": 12,
        "cc": "49",
        "digits": 10,
        "tld": "de",
        "suffixes": ["GmbH", "AG", "GmbH & Co. KG"],
        "spellings": ["DE", "Germany", "Deutschland"],
        "areas": ["30", "89", "40", "69", "151", "172"],
        "cities": [
            ("Berlin", "BE", "10115"),
            ("München", "BY", "80331"),
            ("Düsseldorf", "NW", "40213"),
            ("Frankfurt am Main", "HE", "60311"),
            ("Köln", "NW", "50667"),
        ],
    },
    "FR": {
        "weight": 9,
        "cc": "33",
        "digits": 9,
        "tld": "fr",
        "suffixes": ["SAS", "SA", "SARL"],
        "spellings": ["FR", "France"],
        "areas": ["1", "4", "6", "7", "3"],
        "cities": [
            ("Paris", "Île-de-France", "75002"),
            ("Lyon", "Auvergne-Rhône-Alpes", "69002"),
            ("Marseille", "Provence-Alpes-Côte d'Azur", "13001"),
            ("Lille", "Hauts-de-France", "59000"),
        ],
    },
    "SE": {
        "weight": 4,
        "cc": "46",
        "digits": 9,
        "tld": "se",
        "suffixes": ["AB"],
        "spellings": ["SE", "Sweden", "Sverige"],
        "areas": ["8", "31", "70", "73"],
        "cities": [("Stockholm", "Stockholm", "111 29"), ("Göteborg", "Västra Götaland", "411 04")],
    },
    "PL": {
        "weight": 3,
        "cc": "48",
        "digits": 9,
        "tld": "pl",
        "suffixes": ["Sp. z o.o.", "S.A."],
        "spellings": ["PL", "Poland", "Polska"],
        "areas": ["22", "12", "50", "60", "71"],
        "cities": [
            ("Warszawa", "Mazowieckie", "00-001"),
            ("Kraków", "Małopolskie", "30-001"),
            ("Łódź", "Łódzkie", "90-001"),
        ],
    },
}
