"""The canonical lead fields and the header spellings that map to them.

Lead files arrive from form tools, ad platforms and CRM exports (HubSpot, Salesforce, Marketo, Facebook
Lead Ads, LinkedIn Lead Gen, Excel sheets typed by hand), each with its own header names. The table below
is data: adding a spelling is a one-line change, and matching ignores case, accents, spacing and
punctuation, so "E-mail Address", "email_address" and "EmailAddress" are one entry.

A generic opt-in or marketing-permission column ("Opted In?", "GDPR consent") is email consent only: nobody
reading "Subscribed" agreed to texts or calls. An opt-out or unsubscribe column ("Unsubscribed",
"HasOptedOutOfEmail") maps to EMAIL_OPT_OUT, which is not a stored field: the reader turns its answer around
into consent_email (core/header_rules.py).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping, Sequence

CANONICAL_FIELDS: tuple[str, ...] = (
    "external_id", "source", "partner_id", "campaign",
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
    "referrer", "landing_page", "landing_page_version",
    "first_name", "last_name", "full_name", "email", "phone", "mobile", "date_of_birth",
    "job_title", "company", "website", "industry", "employee_count",
    "street", "city", "region", "postal_code", "country",
    "consent_email", "consent_sms", "consent_voice", "consent_capture", "consent_text_version",
    "consent_text_hash", "consent_at", "consent_url", "consent_certificate_id", "screenshot_hash",
    "ip", "user_agent", "device_fingerprint", "cookie_id", "submitted_at",
    "product_interest", "demo_requested",
)  # fmt: skip

EMAIL_OPT_OUT = "email_opt_out"
"""Header target of opt-out / unsubscribe columns, read inverted into consent_email."""

HEADER_TARGETS: frozenset[str] = frozenset({*CANONICAL_FIELDS, EMAIL_OPT_OUT})
"""What a header may map to (the synonyms here, a source's `intake.header_map`)."""

# Spellings per field, as they appear in exports; each field also matches its own name.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "external_id": ("Lead ID", "External ID", "id", "Record ID", "Contact ID", "Lead Number", "Ext ID",
                    "Submission ID", "Entry ID", "Response ID", "Unique ID", "leadgen_id", "Lead Ref"),
    "source": ("Lead Source", "Source", "Original Source", "Lead Source Detail", "Lead Origin"),
    "partner_id": ("Partner", "Partner ID", "Affiliate", "Affiliate ID", "Vendor", "Vendor ID",
                   "Publisher", "Publisher ID", "Supplier ID", "Sub ID", "Sub_ID", "aff_id", "pub_id"),
    "campaign": ("Campaign", "Campaign Name", "Campaign ID", "Lead Campaign", "Marketing Campaign"),
    "utm_source": ("utm source", "UTM_Source"),
    "utm_medium": ("utm medium", "UTM_Medium"),
    "utm_campaign": ("utm campaign", "UTM_Campaign"),
    "utm_term": ("utm term", "UTM_Term", "Keyword"),
    "utm_content": ("utm content", "UTM_Content", "Ad Name", "Ad Content"),
    "referrer": ("Referrer", "Referer", "Referring URL", "Referrer URL", "HTTP Referer", "Referring Site"),
    "landing_page": ("Landing Page", "Landing Page URL", "Page URL", "Form URL", "First Page Seen",
                     "Conversion Page", "Lead Form URL", "Entry Page"),
    "landing_page_version": ("Landing Page Version", "LP Version", "Page Variant", "Variant", "Form Version"),
    "first_name": ("First Name", "Given name", "Forename", "FName", "First", "Firstname", "Vorname",
                   "Prenom", "Nombre"),
    "last_name": ("Surname", "Last Name", "Family name", "LName", "Last", "Lastname", "Nachname",
                  "Nom", "Apellido", "Apellidos"),
    "full_name": ("Name", "Full Name", "Contact Name", "Lead Name", "Your Name", "Contact", "Person",
                  "Customer Name", "Fullname"),
    "email": ("E-mail Address", "Email", "email_address", "Work Email", "Business Email", "E-mail",
              "Mail", "Email Address", "Primary Email", "Contact Email", "Personal Email", "Your Email",
              "Correo", "Correo electronico", "Courriel"),
    "phone": ("Phone Number", "Tel", "Telephone", "Phone", "Work Phone", "Work Phone Number",
              "Business Phone", "Office Phone", "Phone No", "Phone #", "Contact Number", "Primary Phone",
              "Landline", "Telefon", "Telefono", "Telephone Number", "Tel No"),
    "mobile": ("Mobile", "Cell", "Mobile Phone", "Cell Phone", "Mobile Number", "Cell Number",
               "Mobile Phone Number", "Cellphone", "Mobile No", "Handy", "Mobil", "Movil", "Portable"),
    "date_of_birth": ("DOB", "Date of Birth", "Birthdate", "Birth Date", "Birthday", "Geburtsdatum"),
    "job_title": ("Job Title", "Title", "Position", "Role", "Job Role", "Designation", "Job Function Title",
                  "Jobtitle", "Job"),
    "company": ("Company Name", "Organization", "Organisation", "Account", "Company", "Account Name",
                "Employer", "Business Name", "Company / Account", "Organization Name", "Org", "Firma",
                "Empresa", "Societe", "Business"),
    "website": ("Website", "Company Website", "URL", "Website URL", "Web Site", "Web", "Domain",
                "Company Domain", "Company Domain Name", "Homepage", "Company URL"),
    "industry": ("Industry", "Sector", "Vertical", "Business Type", "Branche"),
    "employee_count": ("Employees", "Employee Count", "Number of Employees", "No. of Employees",
                       "Num Employees", "Company Size", "Headcount", "Employee Range", "Company Headcount",
                       "Size"),
    "street": ("Street", "Address", "Street Address", "Address 1", "Address Line 1", "Address1",
               "Mailing Street", "Billing Street", "Strasse", "Adresse", "Direccion"),
    "city": ("City", "Town", "Locality", "Mailing City", "Billing City", "Ort", "Stadt", "Ville", "Ciudad"),
    "region": ("State", "Province", "County", "Region", "State/Region", "State/Province", "State Code",
               "Mailing State", "Billing State", "Bundesland"),
    "postal_code": ("Zip", "ZIP Code", "Postcode", "Postal Code", "Post Code", "Zip/Postal Code",
                    "Zipcode", "Mailing Zip", "Billing Zip", "PLZ", "Code Postal", "Codigo Postal"),
    "country": ("Country", "Country Code", "Country/Region", "Country Name", "Mailing Country",
                "Billing Country", "Land", "Pays", "Pais"),
    "consent_email": ("Email Consent", "Email Opt In", "Email Opt-In", "Opt In Email", "Email Permission",
                      "Marketing Email Consent", "Accepts Email Marketing", "Email Subscribed",
                      # generic opt-in and marketing permission: email only
                      "Opt In", "Opt-in", "Opted In", "Opted In?", "Optin", "Marketing Opt In",
                      "Marketing Consent", "Marketing Permission", "Marketing Permissions", "Accepts Marketing",
                      "GDPR Consent", "GDPR Opt In", "Consent", "Consent Given", "Consented",
                      "Permission to Contact", "Permission to Email", "Contact Permission", "Subscribed",
                      "Newsletter", "Newsletter Opt In", "Newsletter Subscription", "Subscribe",
                      "Can Contact", "OK to Contact", "OK to Email"),
    "consent_sms": ("SMS Consent", "SMS Opt In", "Text Opt In", "Text Consent", "SMS Permission"),
    "consent_voice": ("Call Consent", "Phone Consent", "Voice Consent", "Phone Opt In", "Call Opt In",
                      "Voice Opt In"),
    "consent_capture": ("Consent Capture", "Consent Method", "Consent Capture Method", "Opt In Method"),
    "consent_text_version": ("Consent Text Version", "Consent Version", "Disclosure Version"),
    "consent_text_hash": ("Consent Text Hash", "Consent Hash", "Disclosure Hash"),
    "consent_at": ("Consent At", "Consent Date", "Consent Timestamp", "Consent Time", "Opt In Date",
                   "Opt In Timestamp", "Consent Given At"),
    "consent_url": ("Consent URL", "Consent Page", "Opt In URL", "Consent Page URL"),
    "consent_certificate_id": ("Consent Certificate ID", "Consent Certificate", "Certificate ID", "Cert ID",
                               "TrustedForm Cert URL", "TrustedForm Certificate", "TrustedForm",
                               "xxTrustedFormCertUrl", "Jornaya LeadiD", "LeadiD Token", "universal_leadid"),
    "screenshot_hash": ("Screenshot Hash", "Screenshot SHA256"),
    "ip": ("IP Address", "IP", "IPv4", "IPv6", "Client IP", "Remote IP", "Remote Addr", "IP Addr",
           "Anonymous IP", "User IP"),
    "user_agent": ("User Agent", "UA", "UserAgent", "HTTP User Agent", "Browser User Agent"),
    "device_fingerprint": ("Device Fingerprint", "Fingerprint", "Browser Fingerprint", "Device ID"),
    "cookie_id": ("Cookie ID", "Cookie", "hubspotutk", "HubSpot UTK", "Visitor ID", "Anonymous ID",
                  "GA Client ID"),
    "submitted_at": ("Submitted At", "Submission Date", "Submitted On", "Submission Time", "Date Submitted",
                     "Created", "Created At", "Created Date", "Create Date", "Created Time", "created_time",
                     "Timestamp", "Date", "Lead Date", "Conversion Date", "Date Added", "Received At"),
    "product_interest": ("Product Interest", "Product", "Interested In", "Interest", "Product of Interest",
                         "Products", "Solution", "Solution Interest", "Service"),
    EMAIL_OPT_OUT: ("Opt Out", "Opt-out", "Opted Out", "Optout", "Email Opt Out", "Email Opt-Out",
                    "Opted Out of Email", "Opt Out Email", "Unsubscribed", "Unsubscribe", "Email Unsubscribed",
                    "Unsubscribed from Email", "Unsubscribed from all email", "Global Unsubscribe",
                    "Marketing Opt Out", "Do Not Email", "DoNotEmail", "No Email", "Email Do Not Contact",
                    "HasOptedOutOfEmail", "Has Opted Out Of Email", "hs_email_optout",
                    "Opted out of all email", "Email Opt Out Status"),
    "demo_requested": ("Demo Requested", "Request Demo", "Request a Demo", "Demo", "Demo Request",
                       "Wants Demo", "Book a Demo"),
}


def normalize_header(header: str) -> str:
    """Reduce a header to the key used for matching: letters and digits only, casefolded, no accents.

    Dropping everything that is not a letter or digit also removes BOMs, zero-width characters and
    the separators that vary between exports ("E-mail Address" == "email_address" == "EmailAddress").

    Args:
        header: a header cell as found in the file.

    Returns:
        The matching key, possibly empty.
    """
    decomposed = unicodedata.normalize("NFKD", header)
    return "".join(ch for ch in decomposed if ch.isalnum()).casefold()


def _build_synonyms() -> dict[str, str]:
    synonyms: dict[str, str] = {}
    for field in (*CANONICAL_FIELDS, EMAIL_OPT_OUT):
        for spelling in (field, *_SPELLINGS.get(field, ())):
            key = normalize_header(spelling)
            if synonyms.setdefault(key, field) != field:
                raise ValueError(f"header {spelling!r} maps to both {synonyms[key]} and {field}")
    return synonyms


HEADER_SYNONYMS: Mapping[str, str] = _build_synonyms()
"""normalize_header(spelling) -> canonical field."""


def map_headers(headers: Sequence[str], own: Mapping[str, str] | None = None) -> list[str | None]:
    """Map each column header to its canonical field (or EMAIL_OPT_OUT).

    Args:
        headers: the header cells in column order.
        own: a source's own map, normalize_header(header) -> field, tried before the synonyms.

    Returns:
        One entry per column: the field, or None for a column that is carried along as an extra,
        either because it is unknown or because an earlier column already claimed its field.
    """
    return list(_mapped(tuple(headers), tuple(sorted((own or {}).items()))))


@functools.lru_cache(maxsize=4096)
def _mapped(headers: tuple[str, ...], own_items: tuple[tuple[str, str], ...]) -> tuple[str | None, ...]:
    """Cached: the API maps the same few key sets (one per form) for every lead it is sent."""
    own = dict(own_items)
    claimed: set[str] = set()
    mapping: list[str | None] = []
    for header in headers:
        key = normalize_header(header)
        field = own.get(key) or HEADER_SYNONYMS.get(key)
        if field is not None and field not in claimed:
            claimed.add(field)
            mapping.append(field)
        else:
            mapping.append(None)
    return tuple(mapping)
