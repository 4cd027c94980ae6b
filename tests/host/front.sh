#!/usr/bin/env bash
# The front (mayfly run --replicas N / --on-demand / --warm N / --per-request, mayfly update):
# replicas behind one port, balanced and taken out when killed; a service booted by its first
# connection, all connections made during the boot answered, stopped when idle and back on the
# next request; a pool of paused instances resumed by requests and refilled; an instance per
# connection; a rolling update under load with no failed request, and one rolled back; systemd's
# socket handed over; no descriptor leaked over 10,000 connections; flags that are wrong. Under a
# private state directory, 127.0.0.1 only; every process ended on any exit (tests/host/mayfly_lib.sh).
# Prints "ok NAME" or "not ok NAME: why" per check.
set -u
cd "$(dirname "$0")/../.."
source tests/host/mayfly_lib.sh

replicas_json() { "$mayfly" inspect "$1" | python3 -c "import json, sys; print(json.dumps(json.load(sys.stdin)[0]['replicas']))"; }
served() { "$mayfly" inspect "$1" | python3 -c "import json, sys; r = [x for x in json.load(sys.stdin)[0]['replicas'] if x['name'] == '$2']; print(r[0]['served'] if r else -1)"; }
fds_of() { ls "/proc/$1/fd" | wc -l; }
# the fewest descriptors seen over a second: the front's tick opens status files for a moment, and a
# sample taken then counts one that is not held; a leaked one is held in every sample
fds_settled() {
  local n least=100000
  for _ in $(seq 10); do n=$(fds_of "$1"); [ "$n" -lt "$least" ] && least=$n; sleep 0.1; done
  echo "$least"
}
fd_targets() { for f in /proc/$1/fd/*; do readlink "$f"; done | sort | uniq -c | tr '\n' ' '; }

# --- refusals -------------------------------------------------------------------------------------
refuses "replicas of 0" "replicas '0' must be a number from 1 to 32" run -d --replicas 0 -p 8080:80 build/httpd.elf
refuses "an idle time with an unknown unit" "unknown unit 'x'" run -d --on-demand --idle 5x -p 8080:80 build/httpd.elf
refuses "--idle without --on-demand" "--idle is for a service started --on-demand" run -d --idle 5s -p 8080:80 build/httpd.elf
refuses "replicas without a published port" "need a published port" run -d --replicas 2 build/httpd.elf
refuses "a UDP port behind the front" "TCP only" run -d --replicas 2 -p 8080:7/udp build/echo.elf
refuses "--per-request with --on-demand" "--on-demand and --idle do not apply" run -d --per-request --on-demand -p 8080:80 build/httpd.elf
refuses "more replicas and warm instances than 32" "together may be at most 32" run -d --replicas 30 --warm 3 -p 8080:80 build/httpd.elf
refuses "a warm pool of 0" "warm '0' must be a number from 1 to 32" run -d --warm 0 -p 8080:80 build/httpd.elf

# --- two replicas behind one port: balanced ---------------------------------------------------------
port=$(free_port)
out=$("$mayfly" run -d --name web --replicas 2 -m 16M -p "$port:80" --health http:80/ build/httpd.elf 2>&1)
wait_for 60 bash -c "[ \"\$('$mayfly' ps | awk '\$1 == \"web\" { print \$3 }')\" = 2/2 ]"
ok=0
for _ in $(seq 40); do http_ok "$port" && ok=$((ok + 1)); done
sleep 1.2                                   # the front writes its counts once a second
check "two replicas behind one port answer every request" "$([ $ok = 40 ]; echo $?)" "$ok of 40; $out; $("$mayfly" ps -a)"
s1=$(served web web-1) s2=$(served web web-2)
check "new connections take turns between idle replicas" "$([ "$s1" -ge 10 ] && [ "$s2" -ge 10 ]; echo $?)" "$(replicas_json web)"

front=$(field web monitor_pid)
fds_before=$(fds_settled "$front")              # idle: its listener, epoll, signalfd, lock, logs

# --- a replica killed under load is taken out; nothing after fails; it comes back --------------------
# (requests under way to the killed replica fail with it: only those begun after count)
python3 tests/lib/loadgen.py "$port" 8 4 >"$work/load.txt" &
load=$!
sleep 3
killed_at=$(python3 -c 'import time; print(f"{time.monotonic():.6f}")')
kill -9 "$(field web-1 qemu_pid)"
wait "$load"
# Requests begun in the second after the kill may still reach the dying QEMU (seen: "answer of 0
# bytes" 13 to 27 ms after it on a quiet machine); those begun later must all succeed.
verdict=$(python3 - "$work/load.txt" "$killed_at" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
killed = float(sys.argv[2])
rows = [l.split(None, 2) + [""] for l in lines if l and l[0].isdigit()]
before = [int(r[1]) for r in rows if float(r[0]) < killed - 0.2]
after = [r for r in rows if float(r[0]) > killed + 1.0]
bad = [f"{float(r[0]) - killed:+.3f}s {r[2].strip()}" for r in rows if r[1] != "1" and float(r[0]) > killed - 0.2]
print(len(before), sum(before), len(after), sum(r[1] == "1" for r in after), "|".join(bad[:3]) or "none")
PY
)
read -r nb okb na oka failures <<<"$verdict"
check "a replica killed under load: every request after it was taken out succeeds" \
  "$([ "$na" -ge 20 ] && [ "$oka" = "$na" ]; echo $?)" \
  "before the kill $okb of $nb ok, from 1 s after it $oka of $na ok; failures after the kill (time from it, reason): $failures"
before=$(served web web-1)
wait_for 60 bash -c "[ \"\$('$mayfly' ps | awk '\$1 == \"web\" { print \$3 }')\" = 2/2 ]"
for _ in $(seq 20); do http_ok "$port"; done
sleep 1.2
check "the restarted replica is put back into rotation" "$([ "$(served web web-1)" -gt "$before" ]; echo $?)" \
  "web-1 served $before, then $(served web web-1); $("$mayfly" ps -a)"

# --- no descriptor leaks over 10,000 connections -------------------------------------------------------
python3 - "$port" <<'PY' >"$work/many.txt"
import socket, sys, threading
port, per, bad = int(sys.argv[1]), 1250, [0]
def worker():
    for _ in range(per):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                data = b""
                while (chunk := s.recv(65536)):
                    data += chunk
            if not data.startswith(b"HTTP/1.1 200"):
                bad[0] += 1
        except OSError:
            bad[0] += 1
ts = [threading.Thread(target=worker) for _ in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
print(8 * per, bad[0])
PY
read -r total bad <"$work/many.txt"
# a connection the client gave up on lasts until its backend ends too: wait for the front to be idle
wait_for 60 bash -c "[ \$(ls /proc/$front/fd | wc -l) -le $fds_before ]"
fds_after=$(fds_settled "$front")
check "the front holds as many descriptors after 10,000 connections as before" \
  "$([ "$total" = 10000 ] && [ "$bad" = 0 ] && [ "$fds_after" = "$fds_before" ]; echo $?)" \
  "$bad of $total failed; descriptors $fds_before before, $fds_after after: $(fd_targets "$front")"
out=$("$mayfly" rm -f web 2>&1)
check "rm -f removes the service and its replicas" "$(! "$mayfly" ps -a | grep -Eq '^web(-[0-9]+)? '; echo $?)" "$out; $("$mayfly" ps -a)"

# --- on demand: booted by the first connection, stopped when idle, back on the next ------------------
port=$(free_port)
"$mayfly" run -d --name od --on-demand --idle 3s -m 16M -p "$port:80" --health http:80/ build/httpd.elf >/dev/null 2>&1
check "an on-demand service runs no VM before its first connection" "$(state_is od idle && [ -z "$(ps_state od-1)" ]; echo $?)" \
  "$("$mayfly" ps -a)"
check "a cold request to an on-demand service is answered" "$(http_ok "$port"; echo $?)" "$("$mayfly" ps -a)"
check "after its idle time the service's VM is stopped" "$(wait_for 30 bash -c "$(declare -f ps_state state_is); mayfly=$mayfly; state_is od-1 'exited(0)' && state_is od idle"; echo $?)" \
  "$("$mayfly" ps -a)"
python3 tests/lib/burst.py "$port" 50 >"$work/burst.txt" 2>&1
check "50 connections opened during one boot are all answered" "$([ "$(tail -n 1 "$work/burst.txt")" = 50 ]; echo $?)" \
  "$(cat "$work/burst.txt") of 50"
check "it is back after the next request" "$(state_is od 1/1 && state_is od-1 healthy; echo $?)" "$("$mayfly" ps -a)"
"$mayfly" rm -f od >/dev/null 2>&1

# --- a warm pool: booted until it listens, paused, resumed by a request, refilled ---------------------
slots() { "$mayfly" inspect "$1" | python3 -c "
import json, sys
for r in json.load(sys.stdin)[0]['replicas']:
    print(r['name'], r['role'], r['served'], r['starts'], int(r['current_image']))"; }
paused_of() { "$mayfly" ps -a | awk -v p="^$1-" '$1 ~ p && $3 == "paused" { print $1 }'; }
port=$(free_port)
"$mayfly" run -d --name wp --warm 1 --idle 2s -m 16M -p "$port:80" --health http:80/ build/httpd.elf >/dev/null 2>&1
wait_for 60 bash -c "[ -n \"\$('$mayfly' ps -a | awk '\$1 ~ /^wp-/ && \$3 == \"paused\"')\" ]"
first=$(paused_of wp)
check "--warm 1 boots an instance and pauses it (QMP stop) once it listens" \
  "$([ "$(wc -w <<<"$first")" = 1 ] && state_is wp idle; echo $?)" "$("$mayfly" ps -a)"
check "a request to the warm pool is answered by the paused instance, resumed" \
  "$(http_ok "$port" && state_is "$first" healthy; echo $?)" "$("$mayfly" ps -a)"
wait_for 60 bash -c "[ -n \"\$('$mayfly' ps -a | awk '\$1 ~ /^wp-/ && \$1 != \"$first\" && \$3 == \"paused\"')\" ]"
check "a used instance is replaced in the pool in the background" "$([ -n "$(paused_of wp)" ] && [ "$(paused_of wp)" != "$first" ]; echo $?)" \
  "$("$mayfly" ps -a)"
wait_for 30 bash -c "$(declare -f ps_state state_is); mayfly=$mayfly; state_is $first 'exited(0)' && state_is wp idle"
check "after the idle time the resumed instance is stopped and the pool stays" \
  "$(state_is "$first" 'exited(0)' && [ -n "$(paused_of wp)" ]; echo $?)" "$("$mayfly" ps -a)"
ok=0
for _ in 1 2 3; do http_ok "$port" && ok=$((ok + 1)); done
check "the pool serves again" "$([ $ok = 3 ]; echo $?)" "$ok of 3; $("$mayfly" ps -a)"
"$mayfly" rm -f wp >/dev/null 2>&1

# --- one instance per request (with a warm pool of one) --------------------------------------------------
port=$(free_port)
"$mayfly" run -d --name pr --per-request --replicas 3 --warm 1 -m 16M -p "$port:80" --health http:80/ \
  build/httpd.elf >/dev/null 2>&1
wait_for 60 bash -c "[ -n \"\$('$mayfly' ps -a | awk '\$1 ~ /^pr-/ && \$3 == \"paused\"')\" ]"
ok=0
for _ in 1 2 3 4; do http_ok "$port" && ok=$((ok + 1)); done
python3 tests/lib/burst.py "$port" 6 >"$work/pr.txt" 2>&1
wait_for 30 bash -c "[ -z \"\$('$mayfly' ps -a | awk '\$1 ~ /^pr-/ && (\$3 == \"healthy\" || \$3 == \"stopping\" || \$3 == \"running\")')\" ]"
sleep 0.5                                   # the front's counts, written at most every 250 ms
verdict=$(slots pr | awk '{ served += $3; starts += $4; if ($3 > $4) over = 1 } END { print served, starts, over + 0 }')
read -r served starts over <<<"$verdict"
check "per request: every connection is answered, each by an instance of its own" \
  "$([ $ok = 4 ] && [ "$(tail -n 1 "$work/pr.txt")" = 6 ] && [ "$served" = 10 ] && [ "$over" = 0 ]; echo $?)" \
  "$ok of 4 in turn, $(tail -n 1 "$work/pr.txt") of 6 at once; served $served by $starts starts; $(slots pr)"
check "per request: each instance exits after its connection; the pool keeps one paused" \
  "$([ -z "$("$mayfly" ps -a | awk '$1 ~ /^pr-/ && $3 == "healthy"')" ] && [ "$(paused_of pr | wc -w)" = 1 ]; echo $?)" \
  "$("$mayfly" ps -a)"
"$mayfly" rm -f pr >/dev/null 2>&1

# --- a rolling update under load: not one failed request ------------------------------------------------
port=$(free_port)
cp build/httpd.elf "$work/httpd-v2.elf"
"$mayfly" run -d --name rl --replicas 2 -m 16M -p "$port:80" --health http:80/ build/httpd.elf >/dev/null 2>&1
wait_for 60 bash -c "[ \"\$('$mayfly' ps | awk '\$1 == \"rl\" { print \$3 }')\" = 2/2 ]"
python3 tests/lib/loadgen.py "$port" 12 4 >"$work/rl-load.txt" &
load=$!
sleep 2
out=$("$mayfly" update rl "$work/httpd-v2.elf" 2>&1)
status=$?
wait "$load"
failed=$(awk '$1 ~ /^[0-9]/ && $2 != 1' "$work/rl-load.txt" | wc -l)
total=$(awk '$1 ~ /^[0-9]/' "$work/rl-load.txt" | wc -l)
check "mayfly update under load: it succeeds and not one request fails" \
  "$([ $status = 0 ] && [ "$total" -ge 100 ] && [ "$failed" = 0 ]; echo $?)" \
  "status $status: $out; $failed of $total failed: $(awk '$1 ~ /^[0-9]/ && $2 != 1' "$work/rl-load.txt" | head -3)"
images=$(for r in $(slots rl | awk '$2 == "serving" { print $1 }'); do tr '\0' '\n' <"/proc/$(field "$r" qemu_pid)/cmdline" | grep -c "httpd-v2.elf"; done | tr '\n' ' ')
check "after the update both replicas run the new image" "$([ "$images" = "1 1 " ]; echo $?)" \
  "$images; $(slots rl); $("$mayfly" ps -a)"
out=$("$mayfly" update -t 3 rl "$root/build/echo.elf" 2>&1)
status=$?
wait_for 30 grep -q "^image $work/httpd-v2.elf updated" "$MAYFLY_STATE/instances/rl/front"
check "an update whose new instance never gets healthy fails and rolls back" \
  "$([ $status = 1 ] && grep -q 'rolling back' <<<"$out" && http_ok "$port" && state_is rl 2/2; echo $?)" \
  "status $status: $out; $(slots rl); $("$mayfly" ps -a)"
"$mayfly" run -d --name plain -m 16M build/hello.elf >/dev/null 2>&1
refuses "an update of a plain instance" "needs replicas behind a front" update plain "$root/build/httpd.elf"
refuses "an update to an image that is not there" "no-such.elf" update rl "$work/no-such.elf"
refuses "an update without an image" "usage: mayfly update" update rl
"$mayfly" rm -f plain >/dev/null 2>&1
"$mayfly" rm -f rl >/dev/null 2>&1

# --- systemd socket activation: the front takes the socket it is given ----------------------------------
port=$(free_port)
systemd-socket-activate -l "127.0.0.1:$port" "$mayfly" run --rm --name sa --on-demand -m 16M -p "$port:80" \
  --health http:80/ build/httpd.elf >"$work/sa.log" 2>&1 &
sa=$!
wait_for 10 grep -q 'Listening on' "$work/sa.log"
check "under systemd's socket activation the front serves the socket it is handed" "$(http_ok "$port"; echo $?)" \
  "$(tail -5 "$work/sa.log")"
kill -TERM "$sa"
wait "$sa"
status=$?
check "the activated front stops on SIGTERM and --rm removes it" "$([ $status = 0 ] && ! "$mayfly" ps -a | grep -Eq '^sa(-1)? '; echo $?)" \
  "status $status; $("$mayfly" ps -a); $(tail -3 "$work/sa.log")"

# --- the example units for socket activation -------------------------------------------------------
sed -e "s|/usr/local/bin/mayfly|$mayfly|" -e "s|/usr/local/lib/mayfly/httpd.elf|$root/build/httpd.elf|" \
  host/examples/mayfly-web.service >"$work/mayfly-web.service"
cp host/examples/mayfly-web.socket "$work/"
out=$(systemd-analyze verify "$work/mayfly-web.socket" "$work/mayfly-web.service" 2>&1)
check "systemd-analyze verify accepts the socket-activation example" "$([ $? = 0 ]; echo $?)" "$out"

left=$(for pid in $(owned_pids); do tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-60; echo; done)
check "no QEMU, monitor or front is left running" "$([ -z "$(tr -d '\n' <<<"$left")" ]; echo $?)" "left: $left"
