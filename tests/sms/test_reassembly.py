"""Reassembly of inbound concatenated parts: order, duplicates, keys, expiry, bounds."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.sms import InboundPart, Reassembler


def parts(text_parts, *, sender="+447911123456", ref=7, ref_bits=8):
    total = len(text_parts)
    return [
        InboundPart(sender, text, ref=ref, total=total, seq=seq, ref_bits=ref_bits, key=f"k{seq}")
        for seq, text in enumerate(text_parts, start=1)
    ]


@given(st.permutations(range(5)), st.lists(st.integers(0, 4), max_size=6))
def test_any_order_with_duplicates_gives_one_message(order, duplicates):
    reassembler = Reassembler()
    pieces = parts(["Hel", "lo, ", "wor", "ld", "!"])
    arrivals = [pieces[i] for i in order]
    for extra in duplicates:
        arrivals.insert(extra, pieces[extra])
    done = [m for m in (reassembler.add(p, now=1.0) for p in arrivals) if m is not None]
    assert len(done) == 1
    message = done[0]
    assert (message.text, message.total, message.partial) == ("Hello, world!", 5, False)
    assert message.received == (1, 2, 3, 4, 5)
    assert message.keys == ("k1", "k2", "k3", "k4", "k5")
    assert reassembler.pending == 0  # copies after completion were recognised too


def test_reused_reference_after_completion_is_a_new_message():
    reassembler = Reassembler()
    for piece in parts(["a", "b"]):
        reassembler.add(piece, now=1)
    again = parts(["c", "d"])
    assert reassembler.add(again[0], now=2) is None
    assert reassembler.add(again[1], now=2).text == "cd"
    # Once expiry passes the completion, a copy is no longer recognised as one.
    reassembler.expire(before=3)
    assert reassembler.add(again[0], now=4) is None
    assert reassembler.pending == 1


def test_duplicate_keeps_the_first_copy():
    reassembler = Reassembler()
    first, second = parts(["a", "b"])
    assert reassembler.add(first, 0) is None
    assert reassembler.add(InboundPart(first.sender, "A", 7, 2, 1, key="dup"), 0) is None
    message = reassembler.add(second, 0)
    assert message is not None and message.text == "ab" and message.keys == ("k1", "k2")


def test_sets_are_kept_apart_by_sender_total_and_reference_size():
    reassembler = Reassembler()
    two = parts(["x", "y"])
    three = parts(["1", "2", "3"])
    sixteen = parts(["p", "q"], ref_bits=16)
    other = parts(["m", "n"], sender="Bank")
    assert reassembler.add(two[0], 0) is None
    assert reassembler.add(three[0], 0) is None
    assert reassembler.add(sixteen[0], 0) is None
    assert reassembler.add(other[0], 0) is None
    assert reassembler.pending == 4
    assert reassembler.add(two[1], 0).text == "xy"
    assert reassembler.add(sixteen[1], 0).text == "pq"
    assert reassembler.add(other[1], 0).text == "mn"
    assert reassembler.add(three[1], 0) is None
    assert reassembler.add(three[2], 0).text == "123"


def test_single_part_messages_come_out_at_once():
    reassembler = Reassembler()
    message = reassembler.add(InboundPart("+1", "hi", key="row9"), 5)
    assert message is not None
    assert (message.text, message.total, message.partial, message.keys) == (
        "hi",
        1,
        False,
        ("row9",),
    )
    whole = reassembler.add(InboundPart("+1", "also", ref=3, total=1, seq=1), 5)
    assert whole is not None and whole.text == "also"
    assert reassembler.pending == 0


def test_expire_yields_partial_messages_oldest_first():
    reassembler = Reassembler()
    early, late = parts(["a", "b", "c"], ref=1), parts(["d", "e"], ref=2)
    reassembler.add(early[2], now=10)
    reassembler.add(early[0], now=50)
    reassembler.add(late[1], now=30)
    assert reassembler.expire(before=10) == []
    [first] = reassembler.expire(before=20)
    assert (first.text, first.received, first.partial, first.total) == ("ac", (1, 3), True, 3)
    assert first.keys == ("k1", "k3")
    [second] = reassembler.expire(before=100)
    assert (second.text, second.received, second.partial) == ("e", (2,), True)
    assert reassembler.pending == 0
    # A late part after expiry starts a new set.
    assert reassembler.add(early[1], now=200) is None


def test_the_number_of_pending_sets_is_bounded_and_nothing_is_dropped():
    reassembler = Reassembler(max_pending=2)
    for ref in range(3):
        reassembler.add(parts(["a", "b"], ref=ref)[0], now=float(ref))
    assert reassembler.pending == 2
    [set_aside] = reassembler.expire(before=0)
    assert set_aside.partial and set_aside.text == "a"
    with pytest.raises(ValueError):
        Reassembler(max_pending=0)


def test_surrogate_pair_split_across_parts_is_joined():
    reassembler = Reassembler()
    a, b = parts(["ok \ud83d", "\ude00!"])
    reassembler.add(a, 0)
    assert reassembler.add(b, 0).text == "ok 😀!"


@pytest.mark.parametrize(
    "fields",
    [dict(ref=1, total=2, seq=3), dict(ref=1, total=0, seq=0), dict(ref=256, total=2, seq=1),
     dict(ref=1, total=2, seq=1, ref_bits=7), dict(ref=1, total=256, seq=1)],
)  # fmt: skip
def test_invalid_parts_are_refused(fields):
    with pytest.raises(ValueError):
        InboundPart("+1", "x", **fields)
