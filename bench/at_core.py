"""The sans-IO AT core's CPU cost: commands and modem bytes per second.

Replays the gammu-smsd reference session (init, polls, listings, reads, a send, status
report notices) through ``AtConnection`` many times, with the modem's bytes fed whole,
in 16-byte chunks (a USB serial read) and one byte at a time (the worst case), and a
loop of AT+CMGS exchanges. The figure that matters for the driver is the CPU time per
command: a real dongle spends 50-200 ms of its own per command, so the core must stay
far below that. Prints the figures and ends with one JSON line. On a shared 2-core
machine the figures are pessimistic.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gsmgateway import at
from tests.helpers.at_transcripts import command_for, read_transcript

ROOT = Path(__file__).resolve().parents[1]
SESSION = read_transcript(ROOT / "tests" / "data" / "at_transcripts" / "gammu-smsd.txt")[0]
SUBMIT = "07915155000000F031000B915155214365F70000FF10C8329BFD0699E5EF36E81C6EB7EB"
ROUNDS = 40


def replay(chunk: int | None) -> tuple[int, int]:
    conn = at.AtConnection()
    commands = received = 0
    for step in SESSION.steps:
        if step.kind == "command":
            conn.send(command_for(step.text))
            commands += 1
        elif step.kind == "pdu":
            conn.send_pdu(step.text)
        elif step.kind == "modem":
            data = step.data
            size = chunk or len(data)
            for start in range(0, len(data), size):
                conn.receive_data(data[start : start + size])
                for _ in conn.events():
                    pass
            received += len(data)
    return commands, received


def measure(chunk: int | None) -> dict[str, float]:
    commands = received = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(ROUNDS):
        done, got = replay(chunk)
        commands += done
        received += got
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "commands_per_s": commands / wall,
        "cpu_us_per_command": cpu / commands * 1e6,
        "mb_per_s": received / wall / 1e6,
    }


def submits(count: int) -> float:
    conn = at.AtConnection()
    answer = b'\r\n+CMTI: "SM",1\r\n\r\n+CMGS: 12\r\n\r\nOK\r\n'
    cpu = time.process_time()
    for _ in range(count):
        conn.send(at.submit_pdu(28))
        conn.receive_data(b"\r\n> ")
        list(conn.events())
        conn.send_pdu(SUBMIT)
        conn.receive_data(answer)
        events = list(conn.events())
        at.parse_submit(events[-1])
    return (time.process_time() - cpu) / count * 1e6


def main() -> None:
    whole, usb, bytewise = measure(None), measure(16), measure(1)
    submit_us = submits(3000)
    figures = {
        "whole_commands_per_s": round(whole["commands_per_s"]),
        "whole_cpu_us_per_command": round(whole["cpu_us_per_command"], 1),
        "chunk16_cpu_us_per_command": round(usb["cpu_us_per_command"], 1),
        "bytewise_cpu_us_per_command": round(bytewise["cpu_us_per_command"], 1),
        "chunk16_mb_per_s": round(usb["mb_per_s"], 3),
        "bytewise_mb_per_s": round(bytewise["mb_per_s"], 3),
        "cmgs_exchange_cpu_us": round(submit_us, 1),
    }
    print(f"AT core, gammu-smsd session x{ROUNDS}, {os.cpu_count()} CPUs (shared)")
    for name, found in (("whole answers", whole), ("16-byte chunks", usb), ("bytewise", bytewise)):
        print(
            f"  {name:15}: {found['commands_per_s']:,.0f} commands/s, "
            f"{found['cpu_us_per_command']:.1f} us CPU per command, "
            f"{found['mb_per_s']:.2f} MB/s of modem output"
        )
    print(f"  AT+CMGS exchange (prompt, PDU, URC, +CMGS, parse): {submit_us:.1f} us CPU")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
