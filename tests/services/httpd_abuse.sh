#!/usr/bin/env bash
# httpd_abuse.sh PORT SECONDS CONNS LOG: wrk holds CONNS connections on a 64 KiB file for SECONDS
# against an httpd short of memory; afterwards httpd must answer curl within ten seconds (a try
# a second) and must not have flooded its console. Prints "ok NAME" / "not ok NAME: why".
set -uo pipefail
port=$1 secs=$2 conns=$3 log=$4
base=http://127.0.0.1:$port
out=$(wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s "$base/bench/64k.txt" 2>&1)
rps=$(awk '/Requests\/sec/ { print int($2) }' <<<"$out")
echo "ok wrk: $conns connections for $secs s: ${rps:-0} req/s"
# Ten seconds, a try a second, because the server may rightly refuse for a few: once wrk stops,
# httpd's connections to its departed clients still look busy sending, and while memory is short
# and no connection is idle a new one is refused (apps/httpd/main.c, accept_all; curl sees an
# empty reply at once). Those connections go when an error from the peer reaches lwIP, or at the
# latest after SEND_TIMEOUT_S (10 s) without progress. Measured at -m 3M with 256 connections:
# refused for 6.1 s after wrk in 1 run of 12, and for 1 s in 1 of 8 with lwIP's default TCP_MSL;
# the three tries back to back this loop replaces spanned 30 ms.
code=000 tries=0 start=$SECONDS
while :; do
  tries=$((tries + 1))
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$base/bench/1k.txt")
  if [ "$code" = 200 ] || [ $((SECONDS - start)) -ge 10 ]; then break; fi
  sleep 1
done
waited="$tries tr$([ $tries = 1 ] && echo y || echo ies), $((SECONDS - start)) s"
if [ "$code" = 200 ]; then echo "ok curl is served right after ($waited)"; else echo "not ok curl is served right after: status $code ($waited)"; fi
lines=$(wc -l <"$log")
if [ "$lines" -lt 40 ]; then echo "ok the console stays quiet ($lines lines)"; else echo "not ok the console stays quiet: $lines lines"; fi
