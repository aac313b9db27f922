"""Running the real third-party clients against simulated modems: gammu and python-gsmmodem."""

import asyncio
import shutil
import threading

import pytest

GAMMU = shutil.which("gammu")


def need_gammu():
    if GAMMU is None:
        print("skipping: Debian's gammu is not installed (apt-get install gammu)")
        pytest.skip("gammu not installed (apt-get install gammu)")


async def run_gammu(tmp_path, port, *args, timeout=60, stdin=None):
    """Run ``gammu -c RC ARGS`` on ``port``; returns (exit status, stdout+stderr text)."""
    need_gammu()
    rc = tmp_path / f"gammurc-{abs(hash(port))}"
    log = rc.with_suffix(".log")
    # gammu's own trace of the AT exchange, shown when it times out.
    rc.write_text(
        f"[gammu]\ndevice = {port}\nconnection = at\nlogfile = {log}\nlogformat = textalldate\n"
    )
    proc = await asyncio.create_subprocess_exec(
        GAMMU, "-c", str(rc), *args,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        out, _ = await asyncio.wait_for(proc.communicate(stdin), timeout)
    except TimeoutError:
        trace = log.read_text(errors="replace") if log.exists() else "(no log)"
        what = f"gammu {' '.join(args)} on {port}"
        raise AssertionError(f"{what} hung; its log:\n{trace[-6000:]}") from None
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return proc.returncode, out.decode("utf-8", errors="replace")


async def in_thread(function, *args, timeout=60):
    """Run blocking client code in a daemon thread while the simulator's loop goes on."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def settle(error, result):
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)

    def target():
        try:
            result = function(*args)
        except BaseException as error:  # handed back to the test, raised there
            loop.call_soon_threadsafe(settle, error, None)
        else:
            loop.call_soon_threadsafe(settle, None, result)

    threading.Thread(target=target, daemon=True).start()
    return await asyncio.wait_for(done, timeout)
