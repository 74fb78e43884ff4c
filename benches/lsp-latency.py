#!/usr/bin/env python3
"""Keystroke latency of `clause lsp`: the time from a `textDocument/didChange` to
the diagnostics the server publishes for it, on the largest seed policy.

Starts the server binary (default target/release/clause), opens the policy, then
sends CHANGES edits one at a time (a character typed at the end of a comment
line, then taken away again), each waiting for its diagnostics. Prints the
median, 90th percentile and slowest of those round trips, in milliseconds.

Run: cargo build --release && python3 benches/lsp-latency.py [BINARY] [CHANGES]
"""
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/clause")
CHANGES = int(sys.argv[2]) if len(sys.argv) > 2 else 400
SEEDS = ["imicro", "boutique", "imirror", "import-express", "imro"]


def send(proc, message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive(proc):
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the server stopped")
        line = line.strip()
        if not line:
            break
        if line.startswith(b"Content-Length:"):
            length = int(line.split(b":")[1])
    return json.loads(proc.stdout.read(length))


def wait_for(proc, predicate):
    while True:
        m = receive(proc)
        if predicate(m):
            return m


def main():
    paths = [os.path.join(ROOT, "policies", f"{s}.policy") for s in SEEDS]
    path = max(paths, key=os.path.getsize)
    text = open(path, encoding="utf-8").read()
    uri = "file://" + path
    proc = subprocess.Popen([BINARY, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": None, "rootUri": "file://" + ROOT, "capabilities": {}}})
    wait_for(proc, lambda m: m.get("id") == 1)
    send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send(proc, {"jsonrpc": "2.0", "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "clause", "version": 1, "text": text}}})
    wait_for(proc, lambda m: m.get("method") == "textDocument/publishDiagnostics")
    # The end of the file's first line (a comment): typing there keeps the policy valid.
    line_end = len(text.split("\n", 1)[0])
    times = []
    for version in range(2, CHANGES + 2):
        typed = version % 2 == 0
        change = ({"range": {"start": {"line": 0, "character": line_end}, "end": {"line": 0, "character": line_end}}, "text": "x"}
                  if typed else
                  {"range": {"start": {"line": 0, "character": line_end}, "end": {"line": 0, "character": line_end + 1}}, "text": ""})
        start = time.perf_counter()
        send(proc, {"jsonrpc": "2.0", "method": "textDocument/didChange",
                    "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})
        wait_for(proc, lambda m: m.get("method") == "textDocument/publishDiagnostics"
                 and m["params"].get("version") == version)
        times.append((time.perf_counter() - start) * 1000)
    send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    wait_for(proc, lambda m: m.get("id") == 2)
    send(proc, {"jsonrpc": "2.0", "method": "exit"})
    proc.wait(timeout=10)
    times.sort()
    p90 = times[int(len(times) * 0.9) - 1]
    print(f"{os.path.basename(path)} ({len(text.encode())} bytes), {len(times)} changes: "
          f"median {statistics.median(times):.2f} ms, p90 {p90:.2f} ms, max {times[-1]:.2f} ms "
          "(didChange to publishDiagnostics)")


if __name__ == "__main__":
    main()
