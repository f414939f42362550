"""Running a coroutine to its end from a test, whatever event loop the session left running."""
import asyncio
import threading


def run(make_coro):
    """asyncio.run in a thread of its own: the session's Playwright (sync API) keeps an event loop
    marked running on the main thread once a console test has started the browser."""
    out: list = []

    def target():
        try:
            out.append((True, asyncio.run(make_coro())))
        except BaseException as exc:  # handed back to the test's thread
            out.append((False, exc))

    worker = threading.Thread(target=target, name="test-event-loop")
    worker.start()
    worker.join()
    ok, value = out[0]
    if not ok:
        raise value
    return value
