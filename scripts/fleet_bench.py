#!/usr/bin/env python3
"""The fleet's whole-process targets (issue 15), against release builds of ollama-deck and ollama-sim:

F1. 32 hosts, each with 200 models and 2 loaded, refreshed every 2 s: idle CPU < 1 % of a core, RSS < 40 MB.
F3. 8 hosts, one hanging (accepts, never answers) and one refusing connections: launch to the first frame
    that shows the other six hosts' models < 100 ms.

Usage: scripts/fleet_bench.py BUILD_DIR [--idle-seconds 20] [--idle-runs 3] [--first-frame-runs 10]
Prints one JSON line per target (target, figure, met), as process_bench.py does.
"""
import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import time
import urllib.request

import select

import pyte  # a terminal emulator: curses writes only the cells that change, so text is read off a screen

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from process_bench import Deck, Sim  # noqa: E402


class ScreenDeck(Deck):
    """The deck on its pty, with what it wrote kept as a 120×40 screen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.screen = pyte.Screen(120, 40)
        self.stream = pyte.ByteStream(self.screen)

    def wait_screen(self, needles, timeout=10):
        """Seconds from launch until the screen shows every needle (timed when the bytes that made
        it so were read, not after the emulator took them in), or None."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.005)
            if not ready:
                continue
            read_at = time.monotonic()
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return None
            self.bytes += len(data)
            self.stream.feed(data)
            text = "\n".join(self.screen.display)
            if all(n in text for n in needles):
                return read_at - self.started
        return None


def load(sim, model):
    """Loads a model on a simulator (an empty generate, as `ollama run` does), kept an hour."""
    body = json.dumps({"model": model, "prompt": "", "keep_alive": "1h"}).encode()
    request = urllib.request.Request(sim.url + "/api/generate", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def spread(values, unit, digits):
    values = sorted(values)
    return f"{statistics.median(values):.{digits}f}{unit} median ({values[0]:.{digits}f}–{values[-1]:.{digits}f}, {len(values)} runs)"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--idle-seconds", type=float, default=20)
    parser.add_argument("--idle-runs", type=int, default=3)
    parser.add_argument("--first-frame-runs", type=int, default=10)
    args = parser.parse_args()
    build = os.path.abspath(args.build)

    def report(target, figure, met):
        print(json.dumps({"target": target, "figure": figure, "met": met}), flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "chats.sqlite")

        # F1. 32 hosts of 200 models (7 of the catalogue and 193 synthetic), 2 loaded on each.
        sims = [Sim(build, 200, 20, extra=("--extra-models", "193", "--seed", str(i))) for i in range(32)]
        for sim in sims:
            load(sim, "qwen3:8b")
            load(sim, "llama3.2:latest")
        hosts = [f"h{i:02d}={sim.url}" for i, sim in enumerate(sims)]
        deck = ScreenDeck(build, None, store, hosts=hosts)
        ready = deck.wait_screen(["32/32 online", "32 online · 6400 models"], timeout=20)
        if ready is None:
            report("F1. 32 hosts × 200 models, 2 loaded each, idle", "the fleet never showed all 32 hosts online", False)
        else:
            deck.pump(3)
            idle = []
            for _ in range(args.idle_runs):
                cpu0, t0 = deck.cpu_seconds(), time.monotonic()
                deck.pump(args.idle_seconds)
                idle.append(100 * (deck.cpu_seconds() - cpu0) / (time.monotonic() - t0))
            rss = deck.rss_mb()
            anon, mapped = deck.rss_parts_mb()
            report(f"F1. 32 hosts × 200 models, 2 loaded each, refreshed every 2 s: idle CPU < 1% ({args.idle_seconds:.0f} s windows)",
                   spread(idle, "% of a core", 3), statistics.median(idle) < 1.0)
            report("F1. 32 hosts: RSS < 40 MB", f"{rss:.1f} MB ({anon:.1f} MB anonymous, {mapped:.1f} MB mapped files)", rss < 40)
        deck.quit()
        for sim in sims:
            sim.stop()

        # F3. Six answering hosts, one hanging, one refusing.
        good = [Sim(build, 200, 20, extra=("--seed", str(i))) for i in range(6)]
        hanging = Sim(build, 200, 20, extra=("--fault", "hang"))
        refusing = socket.socket()
        refusing.bind(("127.0.0.1", 0))
        refused_port = refusing.getsockname()[1]
        refusing.close()  # nothing listens there now: connections are refused
        hosts = [f"g{i}={sim.url}" for i, sim in enumerate(good)] + [f"hung={hanging.url}", f"refused=http://127.0.0.1:{refused_port}"]
        times = []
        for _ in range(args.first_frame_runs):
            deck = ScreenDeck(build, None, store, hosts=hosts)
            elapsed = deck.wait_screen(["6 online · 42 models"], timeout=10)
            deck.quit()
            if elapsed is not None:
                times.append(elapsed * 1000)
        for sim in good + [hanging]:
            sim.stop()
        if times:
            report("F3. 8 hosts, one hanging and one refusing: launch to the first frame with the other hosts' models < 100 ms",
                   spread(times, " ms", 1), statistics.median(times) < 100)
        else:
            report("F3. 8 hosts, one hanging and one refusing", "no frame with the six hosts' models", False)


if __name__ == "__main__":
    main()
