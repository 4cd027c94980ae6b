#!/usr/bin/env bash
# httpd_powerdown.sh MACHINE NIC LOGDIR: httpd under wrk, then the VM's ACPI power button (QMP
# system_powerdown) while wrk runs. httpd must stop gracefully: every request that reached the
# guest answered in full (read from a capture of the guest's NIC), no non-2xx answer and no
# timeout in wrk, and QEMU gone with httpd's exit status 0 within the grace (2 s) and a margin.
# Prints ok / not ok lines.
set -u
machine=$1 nic=$2 logs=$3
ok() { echo "ok $1"; }
notok() { echo "not ok $1"; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tmp=$(mktemp -d) log=$logs/powerdown-httpd-$machine.log pcap=$logs/powerdown-httpd-$machine.pcap
trap 'rm -rf "$tmp"' EXIT
rm -f "$pcap"
MACHINE=$machine NIC=$nic HOSTFWD="tcp:127.0.0.1:$port-:80" TIMEOUT=120 \
  QEMU_EXTRA="-qmp unix:$tmp/qmp,server=on,wait=off -object filter-dump,id=f0,netdev=net0,file=$pcap" \
  setsid scripts/run build/httpd.elf </dev/null >"$log" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q '^httpd: serving' "$log" && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if ! grep -q '^httpd: serving' "$log"; then
  notok "boots (see $log)"
  kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null
  exit 1
fi
wrk -t1 -c16 -d4s --timeout 5s "http://127.0.0.1:$port/bench/1k.txt" >"$logs/powerdown-httpd-$machine.wrk" 2>&1 &
wrk_pid=$!
sleep 1.5
pressed=$(date +%s.%N)
python3 tests/lib/qmp.py "$tmp/qmp" system_powerdown >/dev/null 2>&1 || notok "QMP system_powerdown was taken"
for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
gone=$(date +%s.%N)
if kill -0 $pid 2>/dev/null; then
  notok "QEMU exits within 10 s of the power button (see $log)"
  kill -- -$pid 2>/dev/null
fi
wait $pid
status=$?
wait $wrk_pid
wrk_out=$(cat "$logs/powerdown-httpd-$machine.wrk")
[ $status -eq 0 ] && ok "QEMU exits with httpd's status 0" || notok "QEMU exits with httpd's status 0 (got $status; see $log)"
secs=$(python3 -c "print(f'{$gone - $pressed:.1f}')")
if grep -q '^httpd: stopping' "$log" && grep -q '^httpd: stopped' "$log"; then
  ok "httpd stops gracefully, gone $secs s after the button"
else
  notok "httpd stops gracefully (no stopping/stopped lines in $log)"
fi
completed=$(grep -Eo '^ +[0-9]+ requests in' <<<"$wrk_out" | grep -Eo '[0-9]+')
non2xx=$(grep -Eo 'Non-2xx or 3xx responses: [0-9]+' <<<"$wrk_out" | grep -Eo '[0-9]+$')
timeouts=$(grep -Eo 'timeout [0-9]+' <<<"$wrk_out" | grep -Eo '[0-9]+$')
if [ "${completed:-0}" -gt 0 ] && [ -z "$non2xx" ] && [ "${timeouts:-0}" -eq 0 ]; then
  ok "wrk: $completed requests answered, no non-2xx answer, no timeout"
else
  notok "wrk: requests answered, no non-2xx, no timeout: $(tr '\n' ' ' <<<"$wrk_out")"
fi
if figures=$(python3 tests/lib/http_capture_check.py "$pcap" 80 1024 2>&1); then
  ok "every request that reached the guest was answered in full ($(tail -1 <<<"$figures"))"
  rm -f "$pcap"
else
  notok "every request that reached the guest was answered in full: $(tr '\n' ' ' <<<"$figures")"
fi
