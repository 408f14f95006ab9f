"""Long calls release the GIL: another Python thread runs during a scan."""

from __future__ import annotations

import random
import threading
import time

import reprint


def test_scan_releases_the_gil_while_it_works():
    rng = random.Random(7)
    vocabulary = [f"word{i}" for i in range(5000)]
    records = [(f"d{i}", " ".join(rng.choices(vocabulary, k=120))) for i in range(20000)]
    window = {}

    def work():
        window["enter"] = time.perf_counter()
        reprint.scan(records, granularity="all", threads=1)
        window["exit"] = time.perf_counter()

    ticks = []
    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
    worker.join()
    enter, exit_ = window["enter"], window["exit"]
    assert exit_ - enter > 0.1, "the scan should take long enough to tell"
    # Holding the GIL, the call would let this thread run at most one switch
    # interval (5 ms) after it began; released, this thread runs throughout.
    middle = [t for t in ticks if enter + (exit_ - enter) / 4 < t < exit_ - (exit_ - enter) / 4]
    assert len(middle) > 100
