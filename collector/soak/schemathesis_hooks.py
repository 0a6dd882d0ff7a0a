"""Schemathesis hooks for the collector API (loaded through SCHEMATHESIS_HOOKS by soak/schemathesis.ts).

One check replaces schemathesis' positive_data_acceptance. A request that matches the OpenAPI
document may still be refused when it breaks a rule that an OpenAPI 3.0 parameter schema cannot
state: one parameter against another, the calendar, or what the store holds. Each such rule is
listed below with the collector's message; a schema-valid request refused for any other reason,
or with a body that is not {"error", "param"}, is a failure.
"""
import os
import re

import schemathesis
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

# (status, what the error says, why the document cannot say it)
RULES = [
    (400, r"the two legs must differ", "pair Y/X with Y = X: a pattern cannot compare its two halves"),
    (400, r"time out of range \(1970 \.\. 9999\)", "a date-time string before 1970: JSON Schema has no minimum for strings"),
    (400, r"not a real calendar date-time", "a date-time the calendar lacks (leap second, Feb 30)"),
    (400, r"must be before to", "from >= to: two parameters compared"),
    (400, r"exitZ must be a number with 0 <= exitZ < entryZ", "exitZ against entryZ: two parameters compared"),
    (400, r"entryZ must be a positive number", "entryZ = 0 (the schema's minimum is inclusive, as 0 <= exitZ needs)"),
    (400, r"applies to hedge=kalman only", "delta / ve / tune without hedge=kalman: a parameter allowed by another (issue 18)"),
    (400, r"give tune or (delta|ve), not both", "tune=true with delta / ve: two parameters exclude each other (issue 18)"),
    (400, r"entry must be a positive number", "backtest entry = 0 (the schema's minimum is inclusive)"),
    (400, r"exit must be a number below entry", "backtest exit against entry: two parameters compared"),
    (400, r"stop must be a number above entry", "backtest stop against entry: two parameters compared"),
    (400, r"notional must be a positive number", "backtest notional = 0 (the schema's minimum is inclusive)"),
    (400, r"expected a comma-separated list of", "a sweep list's values out of bounds or too many: a string pattern cannot bound numbers"),
    (400, r"combinations; at most", "a sweep grid's size: the product of three lists' lengths"),
    (400, r"must leave bars to test: the series has", "walk-forward train against the bars the range holds: depends on what the store holds"),
    (400, r"folds over \d+ bars; at most", "walk-forward folds: (bars - train) / test, the bars depending on what the store holds"),
    (400, r"must leave at least 2 bars a block", "PBO's blocks against the bars the range holds: depends on what the store holds"),
    (413, r"range too large", "from/to span more bars than one query reads: depends on tf and window"),
    (404, r"", "unknown symbol or pair: depends on what the store holds"),
    (429, r"\(RATE_LIMIT\)", "the client's request rate reached RATE_LIMIT: depends on time, not the request"),
]


@schemathesis.check
def refused_only_by_documented_rules(ctx, response, case):
    """A schema-valid request is answered 2xx, or refused by one of RULES with {"error", "param"}."""
    meta = case.meta
    if meta is None or is_unexpected_http_status_case(case) or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400:
        return None
    token = os.environ.get("QP_FUZZ_TOKEN")
    sent = response.request.headers.get("Authorization") if response.request is not None else None
    if status == 401 and token and sent != f"Bearer {token}":
        return None  # the token left out or altered on purpose (ignored_auth judges those answers)
    try:
        body = response.json()
    except Exception:  # noqa: BLE001 - any unreadable body is the failure
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, str):
        raise AssertionError(f"schema-valid request refused with {status} and a body without an error message: {response.text[:300]!r}")
    for rule_status, pattern, _why in RULES:
        if status == rule_status and re.search(pattern, error):
            return None
    raise AssertionError(f"schema-valid request refused with {status}: {error!r}; the OpenAPI document does not say why (make it exact or list the rule)")
