#!/usr/bin/env python3
"""httpd_churn.py PORT SECONDS: connection churn, one request per connection from 4 clients for
SECONDS (tests/lib/loadgen.py), and every answer must be a whole 200 (loadgen waits 30 s). lwIP's default
TIME-WAIT of 2 minutes made every connection hang for 20 s and more after about 3,000 of them
(net/include/lwipopts.h, TCP_MSL). Prints ok/not ok lines."""
import subprocess, sys, os

port, seconds = sys.argv[1], sys.argv[2]
loadgen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "loadgen.py")
out = subprocess.run([sys.executable, loadgen, port, seconds, "4"], capture_output=True, text=True,
                     timeout=float(seconds) + 120).stdout.split("\n")
rows = [line.split(None, 2) for line in out if line and line[0].isdigit()]
starts = sorted(float(r[0]) for r in rows)
failed = [r for r in rows if r[1] != "1"]
# the longest wait between two requests starting: a hang of every client shows as a gap
gap = max((b - a for a, b in zip(starts, starts[1:])), default=0.0)
if rows and not failed:
    print(f"ok {len(rows)} connections in {seconds} s, each one answered, the longest pause {gap:.2f} s")
else:
    why = failed[0][2] if failed and len(failed[0]) > 2 else ""
    print(f"not ok {len(rows)} connections in {seconds} s, {len(failed)} failed ({why}), the longest pause {gap:.2f} s")
