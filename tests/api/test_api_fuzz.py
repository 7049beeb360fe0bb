"""Property-based fuzzing from the OpenAPI document: whatever is sent, no server error.

Schemathesis generates requests for every operation from the served document (indicator codes
come from its enum), valid and invalid, and checks each answer against the document: status
codes, content types, response schemas, authentication, and never a 5xx.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS

from screening_api.api.keys import Scope, create_key
from tests.api.conftest import make_app

KEY = create_key("fuzzer", list(Scope))
app = make_app(api_keys=(KEY.entry,))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)

# The referral contract has rules across fields that a JSON Schema does not state (child
# details only for a child, recency only when present, whole numbers only), so a request the
# schema allows may still be refused with a 422: "valid data is accepted" cannot apply.
CROSS_FIELD = CHECKS.get_by_names(["positive_data_acceptance"])
# A batch answers 200 with a problem for each item that is not a valid referral, by design
# (one bad item must not sink the others), so "invalid data is refused" does not apply to it.
PER_ITEM = CHECKS.get_by_names(["negative_data_rejection"])
EXCLUDED = {"/v1/screen": CROSS_FIELD, "/v1/screen/batch": CROSS_FIELD + PER_ITEM}


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_answers_conform_and_never_fail(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {KEY.key}"},
        excluded_checks=EXCLUDED.get(case.operation.path, []),
    )
