"""Regressions for engine bugs found by the hardening work: bounded cache memory, and the
explanation given for allowed origins under a '*' policy."""

from __future__ import annotations

import gc
import tracemalloc

from cors_core import CORSPolicy
from tests.security.support import ACAO, APP, EVIL, cors_names, stack, values

BIG = 200_000  # a header value waitress accepts (its limit is 256 KB per request head)


def test_engine_caches_are_bounded_in_memory_whatever_the_header_size(kind: str) -> None:
    s = stack(kind, allow_origins=[APP], allow_methods="*", allow_headers="*")
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for i in range(150):
            status, headers, _ = s("GET", "/", [("Origin", f"https://evil.net/{'a' * BIG}{i}")])
            assert status == 200 and cors_names(headers) == set()
            status, headers, _ = s(
                "OPTIONS",
                "/",
                [
                    ("Origin", APP),
                    ("Access-Control-Request-Method", "PUT"),
                    ("Access-Control-Request-Headers", "," * BIG + str(i)),
                ],
            )
            assert status == 403 and cors_names(headers) == set()
        gc.collect()
        grown = (tracemalloc.get_traced_memory()[0] - base) / 2**20
    finally:
        tracemalloc.stop()
    # 300 requests of 200 KB each: keeping them all would be ~60 MB.
    assert grown < 16, f"{grown:.1f} MB retained"


def test_star_policy_reason_for_an_allowed_origin_is_ok(kind: str) -> None:
    policy = CORSPolicy(allow_origins=["*"])
    s = stack(kind, policy)
    assert values(s("GET", "/", [("Origin", EVIL)])[1], ACAO) == ["*"]  # behaviour is right
    assert policy.decide("GET", EVIL).reason.code == "ok"  # the explanation is not
