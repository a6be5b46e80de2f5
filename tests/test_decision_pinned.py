"""What an adapter sees in a :class:`Decision` and a :class:`Reason`, field by field.

Pinned by mutation testing of ``cors_core/_decision.py``: every field of every way a
decision is made (the constructor, ``Decision.build``, the refused-origin fast paths),
the headers as ``str`` and as latin-1 bytes, immutability, equality, hashing, ``repr``,
pickling, and the reason's sentence.
"""

from __future__ import annotations

import pickle

import pytest

from cors_core import Action, CORSPolicy, Decision, Reason, ReasonCode
from cors_core._decision import refused_actual, refused_actual_lazily

OK = Reason(ReasonCode.OK)
REFUSED = Reason(ReasonCode.ORIGIN_NOT_ALLOWED, "https://evil.example")
FIELDS = (
    "action",
    "allowed",
    "reason",
    "headers",
    "raw_headers",
    "vary_origin",
    "status",
    "body",
    "preflight",
    "modifies_response",
)


def fields(d: Decision) -> dict[str, object]:
    return {name: getattr(d, name) for name in FIELDS}


# -- the constructor ----------------------------------------------------------------------


def test_the_constructor_defaults() -> None:
    d = Decision(Action.PASS, True, OK)
    assert type(d) is Decision
    assert fields(d) == {
        "action": Action.PASS,
        "allowed": True,
        "reason": OK,
        "headers": (),
        "raw_headers": (),
        "vary_origin": False,
        "status": 200,
        "body": b"",
        "preflight": False,
        "modifies_response": False,
    }


def test_the_constructor_keeps_every_field_where_it_was_given() -> None:
    headers = (("Access-Control-Allow-Origin", "https://a.example"),)
    raw = ((b"access-control-allow-origin", b"https://a.example"),)
    d = Decision(Action.RESPOND, False, REFUSED, headers, raw, True, 403, b"no", True, True)
    assert fields(d) == {
        "action": Action.RESPOND,
        "allowed": False,
        "reason": REFUSED,
        "headers": headers,
        "raw_headers": raw,
        "vary_origin": True,
        "status": 403,
        "body": b"no",
        "preflight": True,
        "modifies_response": True,
    }
    by_name = Decision(
        action=Action.ACTUAL,
        allowed=True,
        reason=OK,
        headers=headers,
        raw_headers=raw,
        vary_origin=True,
        status=204,
        body=b"x",
        preflight=False,
        modifies_response=True,
    )
    assert (by_name.status, by_name.body, by_name.raw_headers) == (204, b"x", raw)


def test_a_subclass_is_built_as_itself() -> None:
    class Mine(Decision):
        __slots__ = ()

    d = Mine(Action.PASS, True, OK)
    assert type(d) is Mine and d.reason is OK


# -- Decision.build -----------------------------------------------------------------------


def test_build_encodes_headers_once_as_latin1_with_lowercase_names() -> None:
    headers = (
        ("Access-Control-Allow-Origin", "https://a.example"),
        ("X-Caf\u00e9-Name", "caf\u00e9"),  # not ASCII: latin-1, one byte each
    )
    d = Decision.build(
        Action.ACTUAL,
        True,
        OK,
        headers,
        vary_origin=True,
        status=201,
        body=b"b",
        preflight=True,
    )
    assert fields(d) == {
        "action": Action.ACTUAL,
        "allowed": True,
        "reason": OK,
        "headers": headers,  # as given: WSGI writes them so
        "raw_headers": (
            (b"access-control-allow-origin", b"https://a.example"),
            (b"x-caf\xe9-name", b"caf\xe9"),
        ),
        "vary_origin": True,
        "status": 201,
        "body": b"b",
        "preflight": True,
        "modifies_response": True,
    }
    assert type(d) is Decision


def test_build_defaults() -> None:
    d = Decision.build(Action.RESPOND, False, REFUSED)
    assert fields(d) == {
        "action": Action.RESPOND,
        "allowed": False,
        "reason": REFUSED,
        "headers": (),
        "raw_headers": (),
        "vary_origin": False,
        "status": 200,
        "body": b"",
        "preflight": False,
        "modifies_response": False,
    }


def test_build_header_value_that_is_not_latin1_is_refused() -> None:
    with pytest.raises(UnicodeEncodeError):
        Decision.build(Action.ACTUAL, True, OK, (("X-Name", "\u20ac"),))


@pytest.mark.parametrize(
    ("action", "headers", "vary", "modifies"),
    [
        (Action.ACTUAL, (("Access-Control-Allow-Origin", "*"),), False, True),
        (Action.ACTUAL, (), True, True),
        (Action.ACTUAL, (("Access-Control-Allow-Origin", "*"),), True, True),
        (Action.ACTUAL, (), False, False),
        (Action.RESPOND, (("Access-Control-Allow-Origin", "*"),), True, False),
        (Action.RESPOND, (), False, False),
        (Action.PASS, (("Access-Control-Allow-Origin", "*"),), True, False),
        (Action.PASS, (), False, False),
    ],
)
def test_build_modifies_response_only_for_actual_with_something_to_add(
    action: Action, headers: tuple[tuple[str, str], ...], vary: bool, modifies: bool
) -> None:
    d = Decision.build(action, True, OK, headers, vary_origin=vary)
    assert d.modifies_response is modifies
    assert d.vary_origin is vary


# -- the refused-origin fast paths ----------------------------------------------------------

REFUSED_ACTUAL = {
    "action": Action.ACTUAL,
    "allowed": False,
    "headers": (),
    "raw_headers": (),
    "vary_origin": True,
    "status": 200,
    "body": b"",
    "preflight": False,
    "modifies_response": True,
}


def test_refused_actual_is_the_decision_build_makes() -> None:
    d = refused_actual(REFUSED)
    assert type(d) is Decision
    assert fields(d) == {**REFUSED_ACTUAL, "reason": REFUSED}
    assert d == Decision.build(Action.ACTUAL, False, REFUSED, vary_origin=True)
    with pytest.raises(AttributeError) as caught:
        d.status = 403  # type: ignore[misc]
    assert str(caught.value) == "Decision is immutable: cannot set 'status'"


def test_refused_actual_lazily_works_the_reason_out_once_when_first_read() -> None:
    calls: list[str] = []

    def explain(origin: str) -> Reason:
        calls.append(origin)
        return Reason(ReasonCode.ORIGIN_NOT_ALLOWED, origin)

    d = refused_actual_lazily(explain, "https://evil.example")
    assert isinstance(d, Decision)
    assert calls == []  # nothing worked out yet
    assert {k: getattr(d, k) for k in REFUSED_ACTUAL} == REFUSED_ACTUAL
    assert calls == []
    assert d.reason == REFUSED
    assert type(d.reason) is Reason
    assert d.reason is d.reason  # kept
    assert calls == ["https://evil.example"]
    assert d == Decision.build(Action.ACTUAL, False, REFUSED, vary_origin=True)
    assert calls == ["https://evil.example"]
    with pytest.raises(AttributeError) as caught:
        d.reason = OK  # type: ignore[misc]
    assert str(caught.value) == "Decision is immutable: cannot set 'reason'"


def test_a_lazy_reason_compares_hashes_reprs_and_pickles_as_the_worked_out_one() -> None:
    def explain(origin: str) -> Reason:
        return Reason(ReasonCode.ORIGIN_NOT_ALLOWED, origin)

    plain = Decision.build(Action.ACTUAL, False, REFUSED, vary_origin=True)
    d = refused_actual_lazily(explain, "https://evil.example")
    assert hash(d) == hash(plain)
    d = refused_actual_lazily(explain, "https://evil.example")
    assert repr(d) == repr(plain)
    d = refused_actual_lazily(explain, "https://evil.example")
    copy = pickle.loads(pickle.dumps(d))
    assert type(copy) is Decision and copy == plain


def test_the_engine_refuses_a_never_seen_origin_lazily_with_the_full_reason() -> None:
    policy = CORSPolicy(allow_origins=["https://app.example.com"])
    d = policy.decide("GET", "https://evil.example")
    assert {k: v for k, v in fields(d).items() if k != "reason"} == REFUSED_ACTUAL
    assert d.reason.code is ReasonCode.ORIGIN_NOT_ALLOWED
    assert d.reason.value == "https://evil.example"
    assert d.reason.message.startswith(
        "origin 'https://evil.example' is not allowed: add it to allow_origins"
    )


# -- immutability, equality, hashing, repr, pickling ------------------------------------------


def test_a_decision_cannot_be_changed_or_emptied() -> None:
    d = Decision.build(Action.ACTUAL, True, OK, (("Vary", "Origin"),))
    for name in FIELDS:
        with pytest.raises(AttributeError) as caught:
            setattr(d, name, None)
        assert str(caught.value) == f"Decision is immutable: cannot set {name!r}"
        with pytest.raises(AttributeError) as caught:
            delattr(d, name)
        assert str(caught.value) == f"Decision is immutable: cannot delete {name!r}"
    with pytest.raises(AttributeError) as caught:
        d.extra = 1  # type: ignore[attr-defined]
    assert str(caught.value) == "Decision is immutable: cannot set 'extra'"
    assert fields(d)["headers"] == (("Vary", "Origin"),)


def test_equality_and_hash_use_every_field() -> None:
    args: list[object] = [Action.ACTUAL, True, OK, (("A", "b"),), ((b"a", b"b"),)]
    args += [True, 200, b"", False, True]
    base = Decision(*args)  # type: ignore[arg-type]
    same = Decision(*args)  # type: ignore[arg-type]
    assert base == same
    assert hash(base) == hash(same) == hash(tuple(args))
    others: list[object] = [
        Action.RESPOND,
        False,
        REFUSED,
        (("A", "c"),),
        ((b"a", b"c"),),
        False,
        204,
        b"x",
        True,
        False,
    ]
    for i, other in enumerate(others):
        changed = list(args)
        changed[i] = other
        assert base != Decision(*changed), FIELDS[i]  # type: ignore[arg-type]


def test_a_decision_is_never_equal_to_another_type() -> None:
    d = Decision(Action.PASS, True, OK)
    assert d.__eq__(tuple(fields(d).values())) is NotImplemented
    assert d != tuple(fields(d).values())
    assert d != "Decision"
    assert (d == None) is False  # noqa: E711


def test_repr_names_every_field() -> None:
    d = Decision.build(Action.RESPOND, False, REFUSED, (("Vary", "Origin"),), status=403)
    assert repr(d) == (
        "Decision(action=<Action.RESPOND: 2>, allowed=False, "
        "reason=Reason(code=<ReasonCode.ORIGIN_NOT_ALLOWED: 'origin_not_allowed'>, "
        "value='https://evil.example', detail='', sentence=''), "
        "headers=(('Vary', 'Origin'),), raw_headers=((b'vary', b'Origin'),), "
        "vary_origin=False, status=403, body=b'', preflight=False, modifies_response=False)"
    )


def test_pickling_rebuilds_the_same_decision() -> None:
    d = Decision.build(Action.ACTUAL, True, OK, (("X-A", "1"),), vary_origin=True, status=201)
    assert d.__reduce__() == (Decision, tuple(fields(d).values()))
    copy = pickle.loads(pickle.dumps(d))
    assert type(copy) is Decision
    assert fields(copy) == fields(d)


# -- the reason ---------------------------------------------------------------------------


def test_a_reason_message_quotes_the_value_and_escapes_the_detail() -> None:
    r = Reason(ReasonCode.HEADER_NOT_ALLOWED, "a\\b\r", " (x\\y\n\u202e)")
    assert r.message == (
        "header 'a\\\\b\\x0d' is not in allow_headers (x\\y\\x0a\\u202e): "
        "add it to allow_headers (header names are case-insensitive)"
    )
    assert str(r) == "header_not_allowed: " + r.message


def test_a_reason_without_a_value_reads_none() -> None:
    r = Reason(ReasonCode.METHOD_NOT_ALLOWED)
    assert r.message == (
        "method (none) is not in allow_methods: add it to allow_methods "
        "(methods are case-sensitive)"
    )


def test_a_reason_with_its_own_sentence_says_only_that() -> None:
    r = Reason(ReasonCode.ORIGIN_NOT_ALLOWED, "https://x.example", "ignored", "own\n words")
    assert r.message == "own\\x0a words"
    assert str(r) == "origin_not_allowed: own\\x0a words"


def test_a_code_without_a_sentence_reads_its_detail() -> None:
    r = Reason("engine_specific", "v", "the rule\n said no")  # type: ignore[arg-type]
    assert r.message == "the rule\\x0a said no"
    assert str(r) == "engine_specific: the rule\\x0a said no"


def test_the_ok_reason() -> None:
    assert (Reason(ReasonCode.OK).message, str(OK)) == ("allowed", "ok: allowed")
