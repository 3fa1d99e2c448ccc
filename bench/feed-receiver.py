#!/usr/bin/env python3
"""A webhook receiver for bench/feed: counts the events it receives and how long after their commit
(the event's `at`) each arrived. Prints a JSON summary on SIGTERM. Not part of the product."""
import json, signal, sys, threading, time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
lags, ids, first, last = [], set(), [None], [None]

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        now = time.time()
        events = json.loads(body).get("events", [])
        with lock:
            first[0] = first[0] or now
            last[0] = now
            for e in events:
                if e["id"] in ids:
                    continue
                ids.add(e["id"])
                lags.append((now - datetime.fromisoformat(e["at"].replace("Z", "+00:00")).timestamp()) * 1000)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

def summary(*_):
    with lock:
        ordered = sorted(lags)
        pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0
        span = (last[0] - first[0]) if first[0] and last[0] and last[0] > first[0] else 0
        print(json.dumps({"events": len(ordered), "seconds": round(span, 2), "p50": round(pick(0.5), 1), "p99": round(pick(0.99), 1),
                          "max": round(ordered[-1], 1) if ordered else 0}), flush=True)
    sys.exit(0)

signal.signal(signal.SIGTERM, summary)
server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
server.serve_forever()
