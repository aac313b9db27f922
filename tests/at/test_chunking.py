"""Whole dialogues with URCs, echo, NULs and mixed line endings: any chunking, same events."""

from hypothesis import given, settings
from hypothesis import strategies as st

from gsmgateway import at
from gsmgateway.at import Prompt, Response, Urc
from tests.helpers.at_dialogue import Pdu, bytewise, run, whole

SUBMIT = "07915155000000F031000B915155214365F70000FF10C8329BFD0699E5EF36E81C6EB7EB"
DELIVER = (
    "07915155000000F0040B915155674523F100006211220180200015C2B27B8C06A5DDE2371ED42ECFE7E173191403"
)

# (command, its own lines, final) — what a well-behaved modem answers.
EXCHANGES = [
    (at.query_signal(), ["+CSQ: 20,99"], "OK"),
    (at.query_manufacturer(), ["SIMCOM_Ltd"], "OK"),
    (at.query_registration(), ['+CREG: 2,1,"00A1","0000B2C3"'], "OK"),
    (at.query_operator(), ['+COPS: 0,0,"Test Network",7'], "OK"),
    (at.delete_message(1), [], "OK"),
    (at.query_pin(), [], "+CME ERROR: SIM not inserted"),
    (at.list_commands(), ["+CMGS", "+CMGL", "+CSQ"], "OK"),
    (at.raw("AT+MODE=2"), [], "ERROR"),
    (at.read_message(1), ["+CMGR: 1,,38", DELIVER], "OK"),
    (at.list_messages(4), ["+CMGL: 1,0,,38", DELIVER, "+CMGL: 2,0,,38", DELIVER], "OK"),
]
URCS = ['+CMTI: "SM",9', "RING", '+CREG: 1,"00AB","1234"', "+CMT: ,38\r\n" + DELIVER, "^RSSI:17"]
ENDINGS = [b"\r\n", b"\r", b"\n", b"\n\r"]


@st.composite
def dialogues(draw):
    script, expected, urc_count = [], [], 0
    echo = draw(st.booleans())
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        ending = draw(st.sampled_from(ENDINGS))
        noise = draw(st.sampled_from([b"", b"\x00", b"\xff\x00"]))

        def urcs(count, ending=ending):
            chosen = draw(st.lists(st.sampled_from(URCS), max_size=count))
            return chosen, b"".join(ending + u.encode() + ending for u in chosen)

        if draw(st.booleans()):
            command, lines, final = draw(st.sampled_from(EXCHANGES))
            parts = [command.line.encode() + b"\r"] if echo else []
            for text in [*lines, final]:
                # A modem writes a header and its PDU line as one unit: no URC between.
                chosen, data = urcs(0 if text == DELIVER else 1)
                urc_count += len(chosen)
                parts.append(data + noise + ending + text.encode() + ending)
            script += [command, b"".join(parts)]
            own = tuple(text for text in lines if text != DELIVER)
            expected.append((command.line, own, final))
        else:
            command = at.submit_pdu(28)
            before, before_data = urcs(2)
            after, after_data = urcs(2)
            urc_count += len(before) + len(after)
            prompt = (b"AT+CMGS=28\r" if echo else b"") + before_data + ending + b"> "
            answer = (SUBMIT.encode() + b"\x1a" if echo else b"") + after_data
            answer += ending + b"+CMGS: 5" + ending + ending + b"OK" + ending
            script += [command, prompt, Pdu(SUBMIT), answer]
            expected.append((command.line, ("+CMGS: 5",), "OK"))
    return script, expected, urc_count


@settings(max_examples=200, deadline=None)
@given(dialogue=dialogues(), cuts=st.lists(st.integers(min_value=1, max_value=9), min_size=1))
def test_any_chunking_of_a_dialogue_yields_the_same_events(dialogue, cuts):
    script, expected, urc_count = dialogue

    def chunked(data):
        pieces, start, turn = [], 0, 0
        while start < len(data):
            size = cuts[turn % len(cuts)]
            pieces.append(data[start : start + size])
            start, turn = start + size, turn + 1
        return pieces

    reference = run(script, split=whole).events
    assert run(script, split=chunked).events == reference
    assert run(script, split=bytewise).events == reference
    responses = [e for e in reference if isinstance(e, Response)]
    assert [(r.command.line, r.lines, r.final.line) for r in responses] == expected
    assert len([e for e in reference if isinstance(e, Urc)]) == urc_count
    assert all(isinstance(e, Response | Urc | Prompt) for e in reference)
