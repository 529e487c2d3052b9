"""The one catalogue of reason codes.

Every finding anywhere in the gate is one of these codes. The catalogue gives each code a default severity
and a sentence a reviewer can read; the active ruleset may re-map severities (`severity_overrides`), so the
policy stays data. Only reject and quarantine decide a disposition; `info` marks what is true of (almost)
every lead under the defaults, so it stays in `reason_codes` but out of `qa_reason` and the top reasons.
`docs/reason-codes.md` is generated from this module (`leadgate docs reasons`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    REJECT = "reject"
    QUARANTINE = "quarantine"
    WARN = "warn"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    severity: Severity
    sentence: str
    stage: str


def _r(stage: str, severity: Severity, code: str, sentence: str) -> Reason:
    return Reason(code=code, severity=severity, sentence=sentence, stage=stage)


R, Q, W = Severity.REJECT, Severity.QUARANTINE, Severity.WARN

_REASONS: tuple[Reason, ...] = (
    # intake: files and rows
    _r("intake", R, "FILE_UNREADABLE", "The file could not be decoded or parsed as CSV, TSV, JSONL or XLSX."),
    _r("intake", R, "FILE_EMPTY", "The file holds no records."),
    _r("intake", R, "FILE_UNSUPPORTED_FORMAT", "The file's format is not one of CSV, TSV, JSONL or XLSX."),
    _r("intake", R, "FILE_NO_HEADER", "The file has no header row that maps to any lead field."),
    _r("intake", R, "ROW_UNPARSEABLE", "The record could not be parsed (malformed JSON line or broken quoting)."),
    _r("intake", R, "ROW_EMPTY", "The record has no values at all."),
    _r("intake", W, "ROW_RAGGED", "The record has more or fewer fields than the header; extras are kept apart."),
    _r("intake", W, "FIELD_TRUNCATED", "A field exceeded the size bound; the value used was truncated, "
       "the original is kept in the payload."),
    _r("intake", W, "FIELD_NUL_REMOVED", "A field held NUL characters, which were removed from the value used."),
    _r("intake", W, "FORMULA_INJECTION", "A value starts like a spreadsheet formula (=, +, -, @); it is stored "
       "unchanged and escaped in CSV/XLSX exports."),
    _r("intake", Q, "SOURCE_ID_MISSING", "A lead polled from a source's API has no usable id in the field the "
       "source's configuration names (`id_field`: misnamed, or a broken item); kept as received for review."),
    _r("intake", W, "INTAKE_REPLAY", "The record replays an earlier one (same idempotency key or same content "
       "within the replay window); it carries that record's results."),
    # validation: every field is cut at a ruleset bound before any parser sees it
    _r("validation", W, "FIELD_TOO_LONG", "A field was longer than the ruleset's bound for it; the checks saw it "
       "cut at that bound, the original is kept in the payload."),
    # validation: email
    _r("validation", Q, "EMAIL_INVALID", "The email address is not a syntactically valid address "
       "(RFC 5321/5322 as checked by email-validator, IDN domains allowed)."),
    _r("validation", Q, "EMAIL_TLD_UNKNOWN", "The email domain's top-level domain is not in the IANA root zone "
       "list shipped with leadgate."),
    _r("validation", Q, "EMAIL_DISPOSABLE", "The email domain is a disposable (throwaway) mail service and is "
       "not on the ruleset's allowlist."),
    _r("validation", R, "DISPOSABLE_ONLY_CONTACT", "The only contact the lead gives is a disposable email "
       "address."),
    _r("validation", R, "EMAIL_DOMAIN_BLOCKLISTED", "The email domain is on the ruleset's blocklist."),
    _r("validation", W, "EMAIL_ROLE_ACCOUNT", "The email address is a role account (info@, sales@, noreply@ ...), "
       "not a person's mailbox."),
    _r("validation", Q, "EMAIL_FAKE_LOCAL", "The email's local part is an obvious placeholder or keyboard mash "
       "(test@, asdf@ ...)."),
    _r("validation", Q, "EMAIL_DOMAIN_TYPO", "The email domain looks like a typo of a common mail domain; the "
       "flag did_you_mean= gives the likely one."),
    _r("validation", Q, "EMAIL_DOMAIN_NOT_FOUND", "The email domain does not exist in DNS (NXDOMAIN)."),
    _r("validation", Q, "EMAIL_NULL_MX", "The email domain publishes a null MX (RFC 7505): it accepts no mail."),
    _r("validation", Q, "EMAIL_NO_MX", "The email domain has neither an MX record nor an address record to "
       "deliver mail to."),
    _r("validation", W, "EMAIL_CATCH_ALL", "The email domain accepts mail for any address (catch-all): "
       "deliverable, but the mailbox itself is unverified."),
    _r("validation", Severity.INFO, "EMAIL_DOMAIN_UNVERIFIED", "The email domain is not in the offline table of "
       "known mail domains and live DNS is off, so its MX was not verified."),
    _r("validation", W, "EMAIL_DNS_UNAVAILABLE", "DNS gave no answer for the email domain (timeout, SERVFAIL or "
       "no network), so its MX was not verified; recheck later."),
    _r("validation", W, "EMAIL_DNS_NOT_CHECKED", "No DNS information was supplied for the email domain, so its "
       "MX was not verified."),
    # validation: phone
    _r("validation", Q, "PHONE_INVALID", "The phone number does not parse to a possible E.164 number."),
    _r("validation", Q, "PHONE_POSSIBLE_ONLY", "The phone number has a possible length but is not in a range "
       "assigned for its region."),
    _r("validation", Q, "PHONE_REGION_UNKNOWN", "The phone number is in national format and no country is "
       "known to read it with."),
    _r("validation", Q, "PHONE_PAGER", "The phone number is a pager: not a reachable phone."),
    _r("validation", Q, "PHONE_PREMIUM_RATE", "The phone number is premium-rate: not a reachable phone."),
    _r("validation", Q, "PHONE_FAKE_PATTERN", "The phone number is an obvious fake (all the same digit, or a "
       "run like 1234567)."),
    _r("validation", Q, "PHONE_FICTIONAL", "The phone number is in a range reserved for fiction "
       "(NANP 555-0100..0199, Ofcom drama ranges ...)."),
    _r("validation", W, "PHONE_SHARED", "The same phone number is given by more distinct people in the batch "
       "than the ruleset allows."),
    _r("validation", W, "PHONE_COUNTRY_MISMATCH", "The phone number's country differs from the lead's country."),
    _r("validation", W, "PHONE_ALT_INVALID", "One of the lead's two phone numbers is not usable; the other one "
       "is used."),
    # validation: name
    _r("validation", W, "NAME_MISSING", "The lead gives no name."),
    _r("validation", Q, "NAME_KEYBOARD_MASH", "The name looks like keyboard mash (asdfg, no vowels at all ...)."),
    _r("validation", Q, "NAME_REPEATED_CHARS", "The name repeats a character or a short pattern too often "
       "(aaaa, lololo)."),
    _r("validation", Q, "NAME_PLACEHOLDER", "The name is a placeholder (test, Mickey Mouse, John Doe ...)."),
    _r("validation", Q, "NAME_PROFANITY", "The name contains a word of the profanity list (whole words only, "
       "names on the allowlist excepted)."),
    _r("validation", Q, "NAME_HAS_DIGITS", "The name contains digits."),
    _r("validation", Q, "NAME_INVALID_CHARS", "The name contains characters that are not letters, marks, "
       "spaces, hyphens, apostrophes or periods."),
    _r("validation", Q, "NAME_TOO_SHORT", "A name part is shorter than the ruleset's bound for its script "
       "(counted in grapheme clusters)."),
    _r("validation", Q, "NAME_TOO_LONG", "A name part is longer than the ruleset's bound for its script "
       "(counted in grapheme clusters)."),
    # validation: address and company
    _r("validation", Q, "ADDRESS_COUNTRY_UNKNOWN", "The country is not recognized as an ISO 3166 country."),
    _r("validation", W, "ADDRESS_COUNTRY_MISSING", "The address gives no country; its postal code was checked "
       "against the default region or the generic rule."),
    _r("validation", Q, "ADDRESS_POSTAL_INVALID", "The postal code does not match its country's format (or, for "
       "countries without a rule, the generic one: 2-10 letters and digits with at least one digit)."),
    _r("validation", Q, "ADDRESS_POSTAL_MISSING", "An address is given without a postal code in a country that "
       "uses them."),
    _r("validation", Q, "ADDRESS_LOCALITY_MISSING", "An address is given without a locality (city)."),
    _r("validation", W, "ADDRESS_STREET_UNPARSED", "The US street line could not be parsed into number and "
       "street name."),
    _r("validation", W, "COMPANY_WEBSITE_INVALID", "The company website is not a valid domain or URL."),
    # validation: channels
    _r("validation", R, "NO_REACHABLE_CHANNEL", "The lead gives neither a usable email address nor a usable "
       "phone."),
    # enrichment: providers, their cache and fallbacks, velocity
    _r("enrichment", W, "ENRICHMENT_UNAVAILABLE", "An enrichment provider gave no answer for the lead (down, circuit "
       "open, errors or past the batch deadline) and nothing was cached: the lead continues with the neutral value "
       "and the lookup is retried later."),
    _r("enrichment", W, "ENRICHMENT_STALE", "An enrichment provider gave no answer, so the lead uses an expired cached "
       "answer; the lookup is retried later."),
    _r("enrichment", W, "ENRICHMENT_RETRIES_EXHAUSTED", "The recheck job asked an enrichment provider again as often "
       "as the ruleset allows without an answer; the lead keeps its fallback value and the lookup is not retried "
       "until another lead needs it."),
    _r("enrichment", Q, "EMAIL_UNDELIVERABLE", "The email verification provider reports the mailbox undeliverable "
       "(invalid, bounce, spam trap)."),
    _r("enrichment", W, "IP_HOSTING_OR_VPN", "The submitting IP address belongs to a data centre, VPN, proxy or Tor "
       "exit, not a residential or office connection."),
    _r("enrichment", W, "IP_NOT_PUBLIC", "The submitting IP address is not a public one (private, loopback, reserved "
       "...): not where a visitor's form submission comes from."),
    _r("enrichment", W, "IP_COUNTRY_MISMATCH", "The submitting IP address is in a different country than the lead "
       "declares."),
    _r("enrichment", W, "ADDRESS_POSTAL_UNMAPPED", "The postal code maps to no known locality in the geocoder's data."),
    _r("enrichment", Severity.INFO, "LOCALITY_FROM_POSTAL_CODE", "The address gave no locality (city); geocoding "
       "placed its postal code, so the locality is the geocoder's and ADDRESS_LOCALITY_MISSING does not hold the "
       "lead."),
    _r("enrichment", Q, "VELOCITY_HIGH", "The same email, phone, IP or device was seen more often within the "
       "ruleset's velocity window than it allows (bot or fraud pattern)."),
    # identity
    _r("identity", W, "DUP_TIER_A", "Exact match on normalized email or E.164 phone with an earlier lead."),
    _r("identity", W, "DUP_TIER_B", "Probable match with an earlier lead (company domain + first + last name, or "
       "the same device), scored by the identity model."),
    _r("identity", Q, "DUP_TIER_C", "Fuzzy match with an earlier lead (similar names at the same company and region); "
       "never merged automatically, waits for review."),
    _r("identity", Q, "DUP_NAME_CONFLICT", "Shares an email or phone with an earlier lead whose name conflicts with "
       "this one (not a nickname, initial or typo); never merged automatically; waits for review when the rest "
       "of the evidence makes one person likely (identity.review_floor), else stays a person of its own."),
    _r("identity", W, "DUP_SHARED_KEY", "Gives an email, phone or device used by more distinct names than the ruleset "
       "allows (info@, a switchboard, a kiosk); that key is not used as merge evidence."),
    # consent
    _r("consent", R, "SUPPRESSED_DNC", "The lead's email, phone or domain is on the do-not-contact / DNC list for "
       "all channels; nothing else can open a channel."),
    _r("consent", W, "CONSENT_REVOKED", "An opt-out (STOP, UNSUBSCRIBE) is on file for one of the lead's channels; "
       "that channel is closed."),
    _r("consent", Q, "CONSENT_AMBIGUOUS", "A consent field holds a value that is neither a yes nor a no; it grants "
       "nothing and waits for review."),
    _r("consent", W, "CONSENT_EXPIRED", "A channel's consent is older than the ruleset (or its campaign) allows; "
       "that channel needs a fresh opt-in."),
    _r("consent", W, "CONSENT_OUT_OF_SCOPE", "The consent was captured for a campaign whose permission does not cover "
       "one of the channels it names."),
    _r("consent", W, "CONSENT_CAPTURE_NOT_ACCEPTED", "The consent's capture type (e.g. an imported list) is not "
       "accepted for one of the channels it names."),
    _r("consent", W, "CONSENT_PROOF_MISSING", "A consent is given without all the proof artifacts its channel "
       "requires (capture type, timestamp, consent text version or hash, IP / certificate / screenshot)."),
    _r("consent", Q, "CONSENT_UNKNOWN", "The lead carries no consent data at all (no consent column or only blank "
       "ones, no opt-out on file: not a no), so no channel that needs an opt-in in its country is open, and the "
       "country's consent.missing_policy holds such leads: find the consent record before any contact (see "
       "below)."),
    _r("consent", W, "NO_EMAIL_CONSENT", "The email address is deliverable but email may not be used: opt-in "
       "required and not given (or refused, revoked, unproven)."),
    _r("consent", W, "NO_SMS_CONSENT", "The number takes SMS but there is no usable SMS consent (none, refused, "
       "revoked, expired or without the required proof); never texted."),
    _r("consent", W, "NO_VOICE_CONSENT", "The number is callable but there is no usable voice consent (none, "
       "refused, revoked, expired or DNC); never called."),
    # eligibility
    _r("eligibility", R, "GEO_INELIGIBLE", "The lead's country or US state is not served (deny list, outside the "
       "allow list or the product's countries)."),
    _r("eligibility", W, "GEO_UNKNOWN", "A geography or licensing rule applies but the lead's country or US state "
       "is unknown."),
    _r("eligibility", R, "LICENSE_MISSING", "The product needs a license in the lead's US state and the ruleset "
       "does not list one there."),
    _r("eligibility", R, "UNDERAGE", "The lead is younger (from date_of_birth) than the minimum age for the "
       "product."),
    _r("eligibility", W, "AGE_UNVERIFIED", "A minimum age applies but the lead gives no usable date of birth."),
    _r("eligibility", W, "PRODUCT_EXCLUDED", "The lead falls under a product exclusion (industry, company size "
       "band or country); not qualified for routing, nurture only."),
    _r("eligibility", W, "PARTNER_UNKNOWN", "The lead names a partner the ruleset has no contract rules for."),
    _r("eligibility", Q, "PARTNER_CRITERIA_FAILED", "The lead does not meet its partner's accept criteria "
       "(required fields, allowed countries)."),
    _r("eligibility", Q, "PARTNER_CAP_EXCEEDED", "The partner's daily cap was already reached when this lead "
       "arrived."),
    _r("eligibility", W, "ALTERNATE_OFFER", "Compliant (consent allows contact) but not eligible for what was asked: "
       "offered the ruleset's alternate product, partner or education flow (routing.alternate) instead."),
    # scoring and disposition
    _r("scoring", Severity.INFO, "SCORE_NEUTRAL_FALLBACK", "A scoring input was unavailable (unknown status, "
       "enrichment missing); its component got the neutral midpoint until a recheck fills it in."),
    _r("scoring", W, "MODEL_NOT_TRAINED", "No conversion model is available; the priority is the rules score."),
    _r("scoring", W, "MODEL_INSUFFICIENT_DATA", "The conversion model was trained on fewer leads or conversions "
       "than the ruleset requires; the priority is the rules score."),
    _r("scoring", W, "MODEL_INCOMPATIBLE", "The conversion model expects other features than this version "
       "computes; the priority is the rules score."),
    _r("scoring", Q, "SCORE_BORDERLINE", "Reachability or consent & eligibility is in the rubric's review band "
       "and no channel-based route applies."),
    _r("scoring", W, "SCORE_LOW", "Not qualified (reachability or consent & eligibility below the thresholds); "
       "email only."),
    _r("scoring", R, "NOT_QUALIFIED", "Below the qualification thresholds, outside the review band and with no "
       "channel to nurture on."),
    _r("scoring", R, "NO_ALLOWED_CHANNEL", "No channel is both reachable and permitted by consent."),
    # routing: who works a routed lead
    _r("routing", W, "NO_OWNER", "Routed to sales, but no active owner covers the lead's territory with capacity "
       "left (nor its account or person): held as a handoff_exception item until someone assigns an owner."),
    # review queue: why an item that holds no lead asks for a person (never on a disposition)
    _r("review", W, "SCORE_SIGNALS_CONFLICT", "The conversion model's priority and the rules pre-score are further "
       "apart than review.score_review.conflict_points: one of the two signals is wrong about the lead."),
    _r("review", W, "SCORE_INTENT_CONFLICT", "The lead shows buying intent (pricing visit, trial, contact sales, "
       "demo) yet was decided as one of review.score_review.intent_conflict_dispositions."),
    _r("review", W, "SCORE_LOW_CONFIDENCE", "The lead was routed to sales on a score that leaned on neutral "
       "fallbacks (SCORE_NEUTRAL_FALLBACK): its priority rests on missing data."),
    _r("review", W, "HIGH_VALUE_ACCOUNT", "The lead's company is in one of review.score_review.high_value_size_bands "
       "and was not routed to an AE: a person confirms its priority."),
    _r("review", W, "MERGE_AUDIT_SAMPLE", "An automatic merge drawn into the weekly seeded audit sample; the "
       "reviewer's verdict measures auto-merge precision."),
    # CRM handoff: why a handoff_exception item asks for a person (never on a disposition)
    _r("handoff", W, "CRM_SCHEMA_MISMATCH", "The CRM refused the person's record (a 4xx other than 429: an unknown "
       "or read-only property, a value of the wrong type); not retried. The item carries the CRM's message: fix "
       "the mapping (crm.properties) or the CRM's schema, then retry the handoff."),
    _r("handoff", W, "HANDOFF_FAILED", "The CRM or webhook did not take the person's record within the retry "
       "budget (crm.delivery_attempts drains, each with its own retries): it was down, timing out or "
       "answering 5xx / 429 throughout. An alert is open; retry the handoff once it is back."),
    _r("handoff", W, "CRM_MERGE_REFUSED", "Two persons the gate merged have a CRM record each, and the CRM "
       "refused to merge them (its message is on the item); the survivor's record is kept up to date, the "
       "other one is left as it was until someone merges them in the CRM."),
    _r("handoff", W, "HANDOFF_NO_EMAIL", "The person has no email address and no CRM record yet: the CRM upserts "
       "contacts by email, so nothing was sent. Create the record in the CRM (or give the lead an email), "
       "then retry the handoff."),
)

CATALOGUE: dict[str, Reason] = {r.code: r for r in _REASONS}


def reason(code: str) -> Reason:
    """Look a code up; an unknown code is a programming error, so it raises."""
    return CATALOGUE[code]
