#!/usr/bin/env python3
# ruff: noqa: D101, D102, D103  (a benchmark script, not public API)
"""Load benchmark (a script, not a test): N WebSocket sessions streaming 20 ms audio through an echo bot.

    python bench/load.py --sessions 10 25 50 --seconds 10 \
        --pipecat-python .bench/pipecat-venv/bin/python > transports/websocket/BENCHMARK.md

For each framework (voxpipe, then pipecat-ai via ``--pipecat-python``) and each N,
``bench/echo_server.py`` runs N ``WebsocketServerTransport``s (protobuf serializer,
16 kHz mono, 20 ms output writes) in one server process on 127.0.0.1. This
process opens N ``websockets`` clients that each send one protobuf audio frame
every 20 ms (absolute schedule) for ``--seconds`` seconds, after a warm-up, and
time each chunk's echo (every chunk carries a sequence number).

Reported: server CPU per session (% of one core, from /proc/<pid>/stat over the
measured window), p50/p99 echo latency (send → echo received, includes the
output transport's real-time pacing), and chunks lost. Bounded: every wait has
a timeout, the server is killed if it does not exit, loopback only. Linux only
(/proc).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import struct
import subprocess
import sys
import time
from pathlib import Path

from websockets.asyncio.client import connect

from voxpipe.serializers.protobuf import AUDIO, decode_frame, encode_frame

HERE = Path(__file__).resolve().parent
MAGIC = b"\xab\xcd\xef\x01"
CHUNK = 640  # 20 ms at 16 kHz mono PCM16
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def chunk(seq: int) -> bytes:
    body = MAGIC + struct.pack("<I", seq)
    return encode_frame(AUDIO, {"name": "audio", "audio": body + b"\x10\x20" * ((CHUNK - 8) // 2),
                                "sample_rate": 16000, "num_channels": 1})


async def session(port: int, start_at: float, warmup: float, seconds: float,
                  lat: list[float], counts: list[int]) -> None:
    sent: dict[int, float] = {}
    measured_from = start_at + warmup
    total = int((warmup + seconds) / 0.02)
    async with connect(f"ws://127.0.0.1:{port}", max_queue=None, open_timeout=10) as ws:

        async def receive() -> None:
            async for message in ws:
                now = time.perf_counter()
                kind, f = decode_frame(message)
                if kind != "audio":
                    continue
                audio = f["audio"]
                at = audio.find(MAGIC)
                while at != -1 and at + 8 <= len(audio):
                    seq = struct.unpack_from("<I", audio, at + 4)[0]
                    t = sent.pop(seq, None)
                    if t is not None and t >= measured_from:
                        lat.append(now - t)
                        counts[1] += 1
                    at = audio.find(MAGIC, at + 8)

        rx = asyncio.create_task(receive())
        loop_t0 = start_at
        for seq in range(total):
            target = loop_t0 + seq * 0.02
            delay = target - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[seq] = time.perf_counter()
            if sent[seq] >= measured_from:
                counts[0] += 1
            await ws.send(chunk(seq))
        await asyncio.sleep(0.5)  # let the last echoes arrive
        rx.cancel()
        await asyncio.gather(rx, return_exceptions=True)


async def run_clients(n: int, base_port: int, warmup: float, seconds: float,
                      pid: int) -> tuple[list[float], list[int], float, float]:
    lat: list[float] = []
    counts = [0, 0]  # sent in window, echoed in window
    start_at = time.perf_counter() + 0.5
    cpu: list[float] = []

    async def sample_cpu() -> None:
        await asyncio.sleep(start_at + warmup - time.perf_counter())
        cpu.append(cpu_seconds(pid))
        client[0] = time.process_time()
        await asyncio.sleep(seconds)
        cpu.append(cpu_seconds(pid))
        client[0] = time.process_time() - client[0]

    client = [0.0]

    await asyncio.wait_for(
        asyncio.gather(sample_cpu(), *(session(base_port + i, start_at, warmup, seconds, lat, counts)
                                       for i in range(n))),
        timeout=warmup + seconds + 60)
    return lat, counts, cpu[1] - cpu[0], client[0]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def measure(framework: str, python: str, n: int, seconds: float, warmup: float, base_port: int,
            auto_silence: bool = True) -> dict:
    env = dict(os.environ)
    proc = subprocess.Popen([python, str(HERE / "echo_server.py"), framework, str(n), str(base_port),
                             "1" if auto_silence else "0"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        line = ""
        while "READY" not in line:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{framework} server did not start")
            line = proc.stdout.readline()
        load = os.getloadavg()[0]
        lat, counts, cpu, client_cpu = asyncio.run(run_clients(n, base_port, warmup, seconds, proc.pid))
    finally:
        try:
            proc.stdin.write("stop\n")
            proc.stdin.flush()
            proc.wait(timeout=20)
        except Exception:
            proc.kill()
            proc.wait(timeout=5)
    return {
        "framework": framework, "n": n,
        "cpu_pct_per_session": 100 * cpu / seconds / n,
        "p50_ms": 1000 * pct(lat, 0.50), "p99_ms": 1000 * pct(lat, 0.99),
        "lost": counts[0] - counts[1], "sent": counts[0],
        "client_cpu_pct": 100 * client_cpu / seconds, "load": load,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[10, 25, 50])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--pipecat-python", default=None, help="python of a venv with pipecat-ai[websocket]==1.14.0")
    ap.add_argument("--base-port", type=int, default=18700)
    ap.add_argument("--no-auto-silence", action="store_true",
                    help="run the echo bots with audio_out_auto_silence=False (both frameworks)")
    args = ap.parse_args()
    if max(args.sessions) > 200 or args.seconds > 120:
        ap.error("bounded: at most 200 sessions and 120 s")
    frameworks = [("voxpipe", sys.executable)]
    if args.pipecat_python:
        frameworks.append(("pipecat", args.pipecat_python))
    rows = []
    for n in args.sessions:
        for fw, python in frameworks:
            r = measure(fw, python, n, args.seconds, args.warmup, args.base_port,
                        auto_silence=not args.no_auto_silence)
            print(f"{fw:8s} N={n:3d} cpu/session={r['cpu_pct_per_session']:.2f}% "
                  f"p50={r['p50_ms']:.1f}ms p99={r['p99_ms']:.1f}ms lost={r['lost']}/{r['sent']} "
                  f"client={r['client_cpu_pct']:.0f}% load={r['load']:.1f}",
                  file=sys.stderr, flush=True)
            rows.append(r)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Linux {platform.release()}, "
          f"Python {platform.python_version()}; {args.seconds:g} s measured after {args.warmup:g} s warm-up; "
          f"audio_out_auto_silence={not args.no_auto_silence}.\n")
    print("| N sessions | framework | server CPU per session (% of a core) | p50 echo latency (ms) "
          "| p99 echo latency (ms) | chunks lost | client CPU (%) | load avg at start |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['n']} | {r['framework']} | {r['cpu_pct_per_session']:.2f} | {r['p50_ms']:.1f} "
              f"| {r['p99_ms']:.1f} | {r['lost']} / {r['sent']} | {r['client_cpu_pct']:.0f} "
              f"| {r['load']:.1f} |")
    by = {(r["framework"], r["n"]): r for r in rows}
    if args.pipecat_python:
        print("\n| N sessions | CPU ratio (pipecat / voxpipe) | p99 ratio (pipecat / voxpipe) |")
        print("|---:|---:|---:|")
        for n in args.sessions:
            v, p = by[("voxpipe", n)], by[("pipecat", n)]
            print(f"| {n} | {p['cpu_pct_per_session'] / v['cpu_pct_per_session']:.1f}x "
                  f"| {p['p99_ms'] / v['p99_ms']:.2f}x |")


if __name__ == "__main__":
    main()
