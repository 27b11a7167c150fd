#!/usr/bin/env python3
"""Time from applying a route change to the control plane until the gateway answers with it.

Runs against a platform started by `ooda up` (defaults: control 9900, gateway 8080, token in
.ooda/admin-token). Each round changes a stub route's body through the admin API and polls the
gateway every millisecond until the new body comes back. Prints p50/p99 over the rounds.
Usage: bench/gateway/propagation.py [ROUNDS] [DATA_DIR]
"""
import http.client, json, sys, time, pathlib, statistics

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
token = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else ".ooda").joinpath("admin-token").read_text().strip()
control = http.client.HTTPConnection("127.0.0.1", 9900)
gateway = http.client.HTTPConnection("127.0.0.1", 8080)

def apply(body):
    doc = {"kind": "Route", "name": "propagation", "spec": {"match": {"path": "/propagation"},
           "respond": {"status": 200, "body": body}}}
    control.request("POST", "/api/v1/apply", json.dumps(doc),
                    {"Content-Type": "application/json", "Authorization": "Bearer " + token})
    r = control.getresponse(); r.read()
    assert r.status == 200, r.status

def answer():
    gateway.request("GET", "/propagation")
    r = gateway.getresponse()
    return r.read().decode()

times, after = [], []
for i in range(rounds):
    body = "round-%d" % i
    start = time.perf_counter()
    apply(body)
    acknowledged = time.perf_counter()
    while answer() != body:
        time.sleep(0.001)
    done = time.perf_counter()
    times.append((done - start) * 1000)
    after.append((done - acknowledged) * 1000)

def show(label, xs):
    xs = sorted(xs)
    p = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
    print("%-45s p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms" % (label, p(0.5), p(0.99), xs[-1]))

print("route changes: %d rounds" % rounds)
show("apply sent -> gateway answers with it", times)
show("apply acknowledged -> gateway answers with it", after)
