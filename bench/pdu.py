"""PDU codec throughput on one core, side by side with python-gsmmodem-new.

Corpus: short OTPs, long GSM 7-bit texts with extension characters, UCS-2 texts with
emoji, and Turkish texts (ours with the Turkish national tables allowed).

- encode: text -> SMS-SUBMIT PDUs. Ours is ``plan_text`` + ``encode_message`` (the whole
  job python-gsmmodem-new's ``encodeSmsSubmitPdu`` does); "ours, send time only" is
  ``encode_message`` of a plan made beforehand, which is what the pool runs per send.
  python-gsmmodem-new raises on emoji, so the comparison runs on the other texts; the
  ratio compares the time each takes for the same texts (Turkish costs us fewer
  segments, so a segments-per-second ratio would understate us).
- decode: PDU -> fields. The PDUs are SUBMITs and DELIVERs of the corpus with their
  SMSC field; ours detects the SMSC field (``decode_pdu(hex)``). The comparison runs on
  the PDUs python-gsmmodem-new decodes to the same text as we do.

Ours and python-gsmmodem-new are timed in alternating batches; a ratio is the median
of the batch pairs' ratios and a rate the best batch, so that load from other processes
on a shared machine skews neither.
Prints the figures and ends with one JSON line holding them, with ``encode_ratio`` and
``decode_ratio`` (ours divided by python-gsmmodem-new's rate).
"""

import json
import statistics
import time
from datetime import UTC, datetime

from gsmmodem import pdu as gsmmodem_pdu

from gsmgateway.sms import Concat, decode_pdu, encode_deliver, encode_message, plan_text

PAIRS = 31
BATCH_SECONDS = 0.02
NATIONAL = ("tr",)
DESTINATION = "+447911123456"
SCTS = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)

OTPS = [
    f"Your verification code is {code:06d}. It expires in 10 minutes."
    for code in (123456, 654321, 111111, 908172, 5)
]
LONG_GSM7 = [
    "Dear customer, your invoice #" + str(n) + " of €" + str(17 * n) + ".50 is ready: "
    "see {portal} [section " + str(n) + "] ~ pay by the 5th. Questions? Reply HELP \\ STOP. " * 4
    for n in range(1, 4)
]
UCS2_EMOJI = [
    "Happy birthday! 🎂🎉 Have a wonderful day 😀 — love, the team 💙 " * 2,
    "Votre colis 📦 arrive demain entre 9h et 12h 🚚 Suivi: https://example.org/t/ABC",
]
TURKISH = [
    "Sayın müşterimiz, siparişiniz yola çıktı. Kargo takip numaranız: 123456. "
    "Teşekkür ederiz, iyi günler dileriz!",
    "Şifreniz: 4827. Bu şifreyi kimseyle paylaşmayınız. Ödeme işleminiz onaylandı. " * 3,
]
CORPUS = OTPS + LONG_GSM7 + UCS2_EMOJI + TURKISH


def gsmmodem_can_encode(text: str) -> bool:
    try:
        gsmmodem_pdu.encodeSmsSubmitPdu(DESTINATION, text, requestStatusReport=False)
    except ValueError:
        return False
    return True


def _batch_rounds(job) -> int:
    """How many calls of ``job`` take about BATCH_SECONDS."""
    rounds = 1
    while True:
        start = time.perf_counter()
        for _ in range(rounds):
            job()
        if time.perf_counter() - start >= BATCH_SECONDS:
            return rounds
        rounds *= 2


def _timed(job, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        job()
    return (time.perf_counter() - start) / rounds


def compare(ours, theirs, units: int) -> tuple[float, float, float]:
    """(our rate, their rate, ratio) in units per second, measured in alternating pairs.

    Each pair times a batch of ours then a batch of theirs back to back, so a burst of
    load from other processes hits both alike; the ratio is the median of the pairs'
    ratios, each rate the best batch.
    """
    our_rounds, their_rounds = _batch_rounds(ours), _batch_rounds(theirs)
    ratios, our_best, their_best = [], float("inf"), float("inf")
    for _ in range(PAIRS):
        our_time, their_time = _timed(ours, our_rounds), _timed(theirs, their_rounds)
        ratios.append(their_time / our_time)
        our_best, their_best = min(our_best, our_time), min(their_best, their_time)
    return units / our_best, units / their_best, statistics.median(ratios)


def rate(job, units: int) -> float:
    """Units per second: the best of PAIRS batches."""
    rounds = _batch_rounds(job)
    return units / min(_timed(job, rounds) for _ in range(PAIRS))


def main() -> None:
    common = [text for text in CORPUS if gsmmodem_can_encode(text)]
    plans = [plan_text(text, national=NATIONAL) for text in CORPUS]
    common_plans = [plan_text(text, national=NATIONAL) for text in common]
    our_segments = sum(len(plan.segments) for plan in common_plans)
    their_segments = sum(
        len(gsmmodem_pdu.encodeSmsSubmitPdu(DESTINATION, text, requestStatusReport=False))
        for text in common
    )
    all_segments = sum(len(plan.segments) for plan in plans)

    def ours_encode_common() -> None:
        for text in common:
            encode_message(
                DESTINATION, plan_text(text, national=NATIONAL), concat_ref=42, status_report=True
            )

    def ours_encode_all() -> None:
        for text in CORPUS:
            encode_message(
                DESTINATION, plan_text(text, national=NATIONAL), concat_ref=42, status_report=True
            )

    def ours_send_time() -> None:
        for plan in plans:
            encode_message(DESTINATION, plan, concat_ref=42, status_report=True)

    def theirs_encode() -> None:
        for text in common:
            gsmmodem_pdu.encodeSmsSubmitPdu(DESTINATION, text, reference=42)

    encode_ours, encode_theirs, encode_ratio = compare(
        ours_encode_common, theirs_encode, len(common)
    )
    encode_all = rate(ours_encode_all, all_segments)
    encode_send_time = rate(ours_send_time, all_segments)

    pdus = []
    for plan in plans:
        smsc_field = "07914477581006F0"
        pdus.extend(smsc_field + p.hex[2:] for p in encode_message(DESTINATION, plan, concat_ref=7))
        total = len(plan.segments)
        for seq, segment in enumerate(plan.segments, start=1):
            pdus.append(
                encode_deliver(
                    "+447700900123",
                    text=segment,
                    encoding=plan.encoding,
                    scts=SCTS,
                    locking=plan.locking,
                    single=plan.single,
                    concat=Concat(9, total, seq) if total > 1 else None,
                    smsc="+447785016005",
                )
            )
    comparable = []
    for hex_ in pdus:
        try:
            theirs = gsmmodem_pdu.decodeSmsPdu(hex_)
        except Exception:  # any failure of the other decoder leaves the PDU out
            continue
        if theirs.get("text") == decode_pdu(hex_).text:
            comparable.append(hex_)

    def ours_decode() -> None:
        for hex_ in comparable:
            decode_pdu(hex_)

    def ours_decode_all() -> None:
        for hex_ in pdus:
            decode_pdu(hex_)

    def theirs_decode() -> None:
        for hex_ in comparable:
            gsmmodem_pdu.decodeSmsPdu(hex_)

    decode_ours, decode_theirs, decode_ratio = compare(ours_decode, theirs_decode, len(comparable))
    decode_all = rate(ours_decode_all, len(pdus))

    per_text = our_segments / len(common)
    their_per_text = their_segments / len(common)
    figures = {
        "encode_ratio": round(encode_ratio, 2),
        "decode_ratio": round(decode_ratio, 2),
        "encode_texts_per_s_ours": round(encode_ours),
        "encode_texts_per_s_gsmmodem": round(encode_theirs),
        "encode_segments_per_s_ours": round(encode_ours * per_text),
        "encode_segments_per_s_gsmmodem": round(encode_theirs * their_per_text),
        "encode_segments_per_s_ours_full_corpus": round(encode_all),
        "encode_segments_per_s_ours_send_time": round(encode_send_time),
        "decode_segments_per_s_ours": round(decode_ours),
        "decode_segments_per_s_gsmmodem": round(decode_theirs),
        "decode_segments_per_s_ours_full_corpus": round(decode_all),
        "segments_ours": our_segments,
        "segments_gsmmodem": their_segments,
        "encode_texts_compared": len(common),
        "decode_pdus_compared": len(comparable),
    }
    print(f"corpus: {len(CORPUS)} texts, {all_segments} segments with national tables {NATIONAL}")
    print(
        f"encode, {len(common)} texts both can encode "
        f"(ours {our_segments} segments, python-gsmmodem-new {their_segments}):"
    )
    print(
        f"  ours (plan_text + encode_message): {figures['encode_texts_per_s_ours']:>9} texts/s"
        f"  {figures['encode_segments_per_s_ours']:>9} segments/s"
    )
    print(
        f"  python-gsmmodem-new:               {figures['encode_texts_per_s_gsmmodem']:>9} "
        f"texts/s  {figures['encode_segments_per_s_gsmmodem']:>9} segments/s"
    )
    print(f"  ratio: {figures['encode_ratio']}x")
    print(
        "  ours, whole corpus:               "
        f"{figures['encode_segments_per_s_ours_full_corpus']:>9}"
        " segments/s"
    )
    print(
        f"  ours, send time (encode_message): {figures['encode_segments_per_s_ours_send_time']:>9}"
        " segments/s"
    )
    print(f"decode, {len(comparable)} PDUs both decode to the same text (of {len(pdus)}):")
    print(f"  ours (SMSC field detected): {figures['decode_segments_per_s_ours']:>9} segments/s")
    print(
        f"  python-gsmmodem-new:        {figures['decode_segments_per_s_gsmmodem']:>9} segments/s"
    )
    print(f"  ratio: {figures['decode_ratio']}x")
    print(
        f"  ours, all {len(pdus)} PDUs:     {figures['decode_segments_per_s_ours_full_corpus']:>9}"
        " segments/s"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
