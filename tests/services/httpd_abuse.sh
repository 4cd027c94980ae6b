#!/usr/bin/env bash
# httpd_abuse.sh PORT SECONDS CONNS LOG: wrk holds CONNS connections on a 64 KiB file for SECONDS
# against an httpd short of memory; afterwards httpd must answer curl at once (three tries within
# ten seconds) and must not have flooded its console. Prints "ok NAME" / "not ok NAME: why".
set -uo pipefail
port=$1 secs=$2 conns=$3 log=$4
base=http://127.0.0.1:$port
out=$(wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s "$base/bench/64k.txt" 2>&1)
rps=$(awk '/Requests\/sec/ { print int($2) }' <<<"$out")
echo "ok wrk: $conns connections for $secs s: ${rps:-0} req/s"
code=000
for _ in 1 2 3; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$base/bench/1k.txt")
  [ "$code" = 200 ] && break
done
if [ "$code" = 200 ]; then echo "ok curl is served right after"; else echo "not ok curl is served right after: status $code"; fi
lines=$(wc -l <"$log")
if [ "$lines" -lt 40 ]; then echo "ok the console stays quiet ($lines lines)"; else echo "not ok the console stays quiet: $lines lines"; fi
