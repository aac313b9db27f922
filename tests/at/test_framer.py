"""The byte framer alone: line endings, stray bytes, the prompt, limits, and chunking."""

from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.at.framer import Frame, FrameKind, Framer


def frames(chunks, *, expect_prompt=False, expect_pdu=False, max_line=64, max_pdu_line=32):
    framer = Framer(max_line=max_line, max_pdu_line=max_pdu_line, noise_sample=8)
    out = []
    for chunk in chunks:
        framer.feed(chunk)
        while frame := framer.next_frame(expect_prompt=expect_prompt, expect_pdu=expect_pdu):
            out.append(frame)
    return out, framer


def texts(data, **hints):
    found, _ = frames([data], **hints)
    return [(f.kind, f.text) for f in found]


def line(text):
    return (FrameKind.LINE, text)


def test_every_line_ending_real_modems_mix_gives_the_same_lines():
    for ending in (b"\r\n", b"\r", b"\n", b"\n\r", b"\r\r\n"):
        assert texts(ending + b"+CSQ: 20,99" + ending + ending + b"OK" + ending) == [
            line("+CSQ: 20,99"),
            line("OK"),
        ]
    assert texts(b"\r\n+CSQ: 1,2\n\rOK\r") == [line("+CSQ: 1,2"), line("OK")]


def test_leading_nuls_and_wakeup_bytes_are_dropped_and_trailing_nuls_trimmed():
    assert texts(b"\x00\x00\xff\xff\r\nOK\x00\r\n") == [line("OK")]
    assert texts(b"  \tRING  \r\n") == [line("RING")]


def test_prompt_with_its_space_is_recognised_without_a_line_ending():
    assert texts(b"\r\n> ") == [(FrameKind.PROMPT, "")]


def test_a_lone_angle_bracket_is_a_prompt_only_when_one_is_expected():
    assert texts(b"\r\n>", expect_prompt=True) == [(FrameKind.PROMPT, "")]
    found, framer = frames([b"\r\n>"])
    assert found == [] and framer.buffered == 1
    assert texts(b">x\r\n") == [line(">x")]


def test_echoed_pdu_is_ended_by_its_ctrl_z():
    assert texts(b"> 0011AA\x1a\r\n+CMGS: 4\r\n") == [
        (FrameKind.PROMPT, ""),
        line("0011AA"),
        line("+CMGS: 4"),
    ]


def test_overlong_line_is_one_noise_frame_and_the_stream_recovers():
    data = b"\r\n" + b"A" * 100 + b"\r\nOK\r\n"
    for chunks in ([data], [data[i : i + 1] for i in range(len(data))]):
        found, _ = frames(chunks)
        assert [f.kind for f in found] == [FrameKind.OVERLONG, FrameKind.LINE]
        assert found[0].sample == b"A" * 8
        assert found[1].text == "OK"


def test_the_buffer_never_holds_more_than_the_line_limit():
    framer = Framer(max_line=64, max_pdu_line=32, noise_sample=8)
    overlong = 0
    for _ in range(1000):
        framer.feed(b"x" * 1000)
        while (frame := framer.next_frame(expect_prompt=False, expect_pdu=False)) is not None:
            overlong += frame.kind is FrameKind.OVERLONG
        assert framer.buffered <= 64
    assert overlong == 1


def test_pdu_lines_have_their_own_smaller_limit():
    found, _ = frames([b"A" * 40 + b"\r\n"], expect_pdu=True)
    assert found[0].kind is FrameKind.OVERLONG and found[0].pdu_limit
    found, _ = frames([b"A" * 30 + b"\r\n"], expect_pdu=True)
    assert found[0] == Frame(FrameKind.LINE, "A" * 30)


def test_control_bytes_and_invalid_utf8_are_undecodable():
    assert texts(b"O\x07K\r\n")[0][0] is FrameKind.UNDECODABLE
    assert texts(b"\xc3\x28bad\r\n")[0][0] is FrameKind.UNDECODABLE
    assert texts("Тест\r\n".encode()) == [line("Тест")]


def test_a_partial_line_held_when_the_caller_writes_is_marked():
    framer = Framer(max_line=64, max_pdu_line=32, noise_sample=8)
    framer.feed(b"\r\n+CREG: 2,")
    assert framer.next_frame(expect_prompt=False, expect_pdu=False) is None
    framer.mark_sent()
    framer.feed(b"1\r\nOK\r\n")
    first = framer.next_frame(expect_prompt=False, expect_pdu=False)
    second = framer.next_frame(expect_prompt=False, expect_pdu=False)
    assert first.text == "+CREG: 2,1" and first.before_send
    assert second.text == "OK" and not second.before_send


def test_nothing_is_marked_when_the_buffer_is_empty_at_the_write():
    framer = Framer(max_line=64, max_pdu_line=32, noise_sample=8)
    framer.mark_sent()
    framer.feed(b"\r\nOK\r\n")
    assert not framer.next_frame(expect_prompt=False, expect_pdu=False).before_send


SOUP = st.lists(
    st.sampled_from(
        [
            b"\r",
            b"\n",
            b"\x00",
            b"\xff",
            b"\x1a",
            b">",
            b" ",
            b"> ",
            b"OK",
            b"+CMTI: 1",
            b"A" * 40,
            b"\x07",
            b"\xc3",
            b"0A1B",
        ]
    ),
    max_size=40,
).map(b"".join)


@given(
    data=SOUP,
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12),
    expect_prompt=st.booleans(),
    expect_pdu=st.booleans(),
)
def test_any_chunking_of_the_same_bytes_gives_the_same_frames(
    data, cuts, expect_prompt, expect_pdu
):
    points = sorted({min(cut, len(data)) for cut in cuts})
    chunks = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    hints = {"expect_prompt": expect_prompt, "expect_pdu": expect_pdu}
    reference, _ = frames([data], **hints)
    chunked, _ = frames(chunks, **hints)
    single, _ = frames([data[i : i + 1] for i in range(len(data))], **hints)
    assert chunked == reference
    assert single == reference
