#!/usr/bin/env python3
"""Load for bench/bitbucket: creates users through SCIM with a thread pool, records when each
create was acknowledged, and polls the Bitbucket stand-in's state every 50 ms to record when
each account appeared there. Prints the connector's request rate, events applied per second and
the lag from acknowledgement to the account in Bitbucket (p50, p99, max; ±50 ms from polling).
Usage: bitbucket-load.py SCIM_URL TOKEN ADMIN_URL ADMIN_TOKEN STANDIN_URL APP_ID USERS THREADS"""
import json, sys, threading, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

scim, token, admin, admin_token, standin, app, users, threads = sys.argv[1:9]
users, threads = int(users), int(threads)
acked, seen, stop = {}, {}, threading.Event()

def call(method, url, body=None, bearer=None):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/scim+json")
    if bearer: req.add_header("Authorization", "Bearer " + bearer)
    with urllib.request.urlopen(req, timeout=30) as r: return json.loads(r.read() or b"{}")

def create(i):
    name = f"bench{i:06d}@example.com"
    call("POST", scim + "/scim/v2/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name,
         "name": {"givenName": "Bench", "familyName": str(i)}, "emails": [{"value": name, "primary": True}], "active": True}, token)
    acked[name] = time.time()

def poll():
    while not stop.is_set():
        now = time.time()
        for u in call("GET", standin + "/_standin/state")["users"]:
            seen.setdefault(u["name"], now)
        time.sleep(0.05)

requests_before = call("GET", standin + "/_standin/requests")["total"]
poller = threading.Thread(target=poll); poller.start()
start = time.time()
with ThreadPoolExecutor(threads) as pool: list(pool.map(create, range(users)))
load_end = time.time()
while len([n for n in acked if n in seen]) < users and time.time() - load_end < 300: time.sleep(0.05)
drained = time.time()
stop.set(); poller.join()
link = call("GET", admin + f"/admin/api/v1/apps/{app}", bearer=admin_token)
requests = call("GET", standin + "/_standin/requests")["total"] - requests_before
lags = sorted((seen[n] - acked[n]) * 1000 for n in acked if n in seen)
pct = lambda p: lags[min(len(lags) - 1, int(len(lags) * p))] if lags else float("nan")
print(f"  SCIM creates: {users} in {load_end - start:.1f} s ({users / (load_end - start):.0f}/s, {threads} threads)")
print(f"  in Bitbucket: {len(lags)} accounts, the last {drained - load_end:.1f} s after the load ended; "
      f"{len(lags) / (drained - start):.0f} accounts/s end to end")
print(f"  connector: {requests} requests to Bitbucket ({requests / (drained - start):.0f} requests/s, {requests / max(len(lags), 1):.1f} per account), "
      f"{link['applied']} events applied, state {link['state']}, lag {link['lag']}")
print(f"  lag from SCIM acknowledgement to the account in Bitbucket: p50 {pct(0.5):.0f} ms   p99 {pct(0.99):.0f} ms   max {lags[-1] if lags else 0:.0f} ms")
