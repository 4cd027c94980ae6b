#!/usr/bin/env bash
# The shared OS in the manager (mayfly os install|show|update|rollback, modules run with mayfly run):
# OS files that are not one refused; a module run on the OS beside the manager, installed for it,
# serving, its OS named by inspect; a module of another ABI refused at run; an OS update under a
# load generator against two replicas with no failed request, a plain instance restarted with its
# downtime printed; a rollback the same way; an update to an OS of another ABI refused with nothing
# restarted; malformed commands. Under a private state directory, 127.0.0.1 only; every process
# ended on any exit (tests/host/mayfly_lib.sh). Prints "ok NAME" or "not ok NAME: why" per check.
set -u
cd "$(dirname "$0")/../.."
source tests/host/mayfly_lib.sh

os_of() { "$mayfly" os show | awk -v w="$1" '$1 == w { print $2 }'; }
qemu_cmdline() { tr '\0' ' ' <"/proc/$(field "$1" qemu_pid)/cmdline" 2>/dev/null; }
serving() { "$mayfly" inspect "$1" | python3 -c "
import json, sys
print(' '.join(r['name'] for r in json.load(sys.stdin)[0]['replicas'] if r['role'] == 'serving'))"; }
# every serving replica of $1 and the instances after it boot -kernel $2 (their QEMUs' command lines)
all_on() {
  local os=$1 n
  shift
  for n in "$@"; do qemu_cmdline "$n" | grep -qF -- "-kernel $os -initrd" || return 1; done
}
failed_requests() { awk '$1 ~ /^[0-9]/ && $2 != 1' "$1" | wc -l; }
total_requests() { awk '$1 ~ /^[0-9]/' "$1" | wc -l; }

# refuses_os WHAT WANT STATUS ARGS...: mayfly ARGS exits STATUS with WANT in its output
refuses_os() {
  local what=$1 want=$2 want_status=$3
  shift 3
  local out status
  out=$("$mayfly" "$@" 2>&1)
  status=$?
  check "refuses $what" "$([ $status = "$want_status" ] && grep -qF -- "$want" <<<"$out"; echo $?)" \
    "status $status, output: $out"
}

os_abi=$(scripts/abi-of build/mayfly-os.elf)
other_abi="0+${os_abi#*+}"                  # the same length: a note rewritten in place

# --- what is not an OS file, and malformed commands ---------------------------------------------------
refuses_os "a file that is not an ELF as an OS" "is not an ELF64 file" 1 os install README.md
refuses_os "an ELF without the Mayfly note as an OS" "without a Mayfly ABI note" 1 os install build/hello.elf
refuses_os "a module as an OS" "not an executable kernel" 1 os install build/hello.app
refuses_os "a missing OS file" "no-such.elf" 1 os install "$work/no-such.elf"
refuses "os without a subcommand" "a subcommand is needed" os
refuses "an unknown os subcommand" "unknown subcommand 'frob'" os frob
refuses "os install without a file" "install needs a FILE" os install
refuses "os install with two files" "unexpected word 'b'" os install a b
refuses "an unknown flag of os update" "unknown flag '-x'" os update -x build/mayfly-os.elf
refuses "os update -t without a value" "flag '-t' needs a value" os update -t
refuses "os update -t with a bad value" "not 'soon'" os update -t soon build/mayfly-os.elf
refuses "a word after os show" "unexpected word 'now'" os show now
refuses "a word after os rollback" "unexpected word 'now'" os rollback now
out=$("$mayfly" help)
check "mayfly help lists the os commands" "$(grep -q 'os install FILE | show | update \[-t SECONDS\] FILE | rollback' <<<"$out"; echo $?)" "$out"
out=$("$mayfly" os show)
check "os show with none installed says so" "$(grep -q '^current *(none)' <<<"$out" && grep -q '^previous *(none)' <<<"$out"; echo $?)" "$out"
refuses_os "a rollback with no previous OS" "there is no previous OS" 1 os rollback

# --- a module runs on the OS beside the manager, installed on first use ---------------------------------
port=$(free_port)
out=$("$mayfly" run -d --name solo -m 32M -p "$port:80" --health http:80/ build/httpd.app 2>&1)
status=$?
os1=$(os_of current)
check "a module's first run installs the OS beside the manager and says so" \
  "$([ $status = 0 ] && grep -q "no OS was installed: installed $root/build/mayfly-os.elf" <<<"$out" && [ -f "$os1" ] &&
     cmp -s "$os1" build/mayfly-os.elf && [[ "$os1" == "$MAYFLY_STATE"/os/*"$os_abi"* ]]; echo $?)" "status $status: $out; current '$os1'"
wait_for 30 http_ok "$port"
check "a module runs on the shared OS and serves" "$(http_ok "$port"; echo $?)" "$("$mayfly" ps -a); $("$mayfly" logs solo | tail -5)"
check "its QEMU boots the OS with the module as initrd and memory merging on" \
  "$(qemu_cmdline solo | grep -qF -- "-M pc,mem-merge=on" && all_on "$os1" solo; echo $?)" "$(qemu_cmdline solo)"
check "inspect names the OS file it was started on" "$([ "$(field solo os)" = "$os1" ]; echo $?)" "$(field solo os)"
out=$("$mayfly" os show)
release=$(sed -n 's/.*mayfly_os_release\[\] = "\(.*\)";/\1/p' build/os/release.c)
check "os show gives the current OS's path, ABI, release, size and who runs it" \
  "$(grep -qF "current   $os1" <<<"$out" && grep -qF "ABI $os_abi, release $release, $(stat -c %s build/mayfly-os.elf) bytes" <<<"$out" &&
     grep -q 'instances: solo' <<<"$out"; echo $?)" "$out"
out=$("$mayfly" os install build/mayfly-os.elf 2>&1)
check "installing the same OS again stores nothing new" \
  "$([ $? = 0 ] && grep -q 'was already installed, the current OS' <<<"$out" && [ "$(ls "$MAYFLY_STATE/os" | grep -c '\.elf$')" = 1 ]; echo $?)" "$out"

# a module of another ABI: refused at run, naming both, nothing created
python3 - build/hello.app "$work/hello-other-abi.app" "$os_abi" "$other_abi" <<'PY'
import sys
src, dst, old, new = sys.argv[1], sys.argv[2], sys.argv[3].encode(), sys.argv[4].encode()
data = open(src, 'rb').read()
assert data.count(old + b'\0') == 1 and len(old) == len(new)
open(dst, 'wb').write(data.replace(old + b'\0', new + b'\0'))
PY
refuses "a module built for another ABI at run" "is built for ABI $other_abi, the current OS ($os1) has ABI $os_abi" \
  run -d --name other "$work/hello-other-abi.app"
check "the refused module left no instance" "$(! "$mayfly" ps -a | grep -q '^other '; echo $?)" "$("$mayfly" ps -a)"

# --- two OS files for the updates: the same ABI with another release name, and another ABI --------------
# tests/lib/os_copy.py: a copy whose release begins with v2-, other contents that boot the same way.
python3 tests/lib/os_copy.py build/mayfly-os.elf "$work/os2.elf" >/dev/null
python3 - build/mayfly-os.elf "$work/os-other-abi.elf" "$os_abi" "$other_abi" <<'PY'
import sys
src, dst, old, new = sys.argv[1], sys.argv[2], sys.argv[3].encode(), sys.argv[4].encode()
data = open(src, 'rb').read()
assert data.count(old + b'\0') >= 1 and len(old) == len(new)
open(dst, 'wb').write(data.replace(old + b'\0', new + b'\0'))
PY

# --- a service of two replicas and the plain instance ---------------------------------------------------
rport=$(free_port)
"$mayfly" run -d --name rl --replicas 2 -m 32M -p "$rport:80" --health http:80/ build/httpd.app >/dev/null 2>&1
wait_for 90 bash -c "[ \"\$('$mayfly' ps | awk '\$1 == \"rl\" { print \$3 }')\" = 2/2 ]"
check "two replicas of a module serve behind a front" "$(http_ok "$rport" && all_on "$os1" $(serving rl); echo $?)" \
  "$("$mayfly" ps -a)"

# an update to an OS of another ABI: refused before anything is restarted
pids_before="$(field solo qemu_pid) $(for r in $(serving rl); do field "$r" qemu_pid; done)"
out=$("$mayfly" os update "$work/os-other-abi.elf" 2>&1)
status=$?
pids_after="$(field solo qemu_pid) $(for r in $(serving rl); do field "$r" qemu_pid; done)"
check "an update to an OS of another ABI is refused, naming the modules, and nothing restarts" \
  "$([ $status = 1 ] && grep -q "has ABI $other_abi" <<<"$out" && grep -q '^  rl: ' <<<"$out" && grep -q '^  solo: ' <<<"$out" &&
     grep -q 'nothing was changed' <<<"$out" && [ "$pids_before" = "$pids_after" ] && [ "$(os_of current)" = "$os1" ] &&
     [ "$(os_of previous)" = "(none)" ]; echo $?)" "status $status: $out; pids $pids_before / $pids_after; current $(os_of current)"

# --- the update under load: not one failed request, every instance on the new OS --------------------------
python3 tests/lib/loadgen.py "$rport" 14 4 >"$work/up-load.txt" &
load=$!
sleep 2
out=$("$mayfly" os update -t 120 "$work/os2.elf" 2>&1)
status=$?
wait "$load"
os2=$(os_of current)
sed 's/^/# /' <<<"$out"                     # what it printed, for the log (the downtime, the roll's time)
failed=$(failed_requests "$work/up-load.txt") total=$(total_requests "$work/up-load.txt")
check "os update under load: it succeeds and not one request fails" \
  "$([ $status = 0 ] && [ "$total" -ge 50 ] && [ "$failed" = 0 ]; echo $?)" \
  "status $status: $out; $failed of $total failed: $(awk '$1 ~ /^[0-9]/ && $2 != 1' "$work/up-load.txt" | head -3)"
check "after it the new OS is current, the old one previous" \
  "$([ "$os2" != "$os1" ] && cmp -s "$os2" "$work/os2.elf" && [ "$(os_of previous)" = "$os1" ]; echo $?)" "$("$mayfly" os show)"
check "every replica and the plain instance run on the new OS" \
  "$(all_on "$os2" $(serving rl) solo && [ "$(serving rl | wc -w)" = 2 ] && [ "$(field solo os)" = "$os2" ]; echo $?)" \
  "$(for n in $(serving rl) solo; do echo "$n: $(qemu_cmdline "$n" | grep -o -- '-kernel [^ ]*')"; done); $("$mayfly" ps -a)"
check "the plain instance was restarted and its downtime printed" \
  "$(grep -Eq '^solo: down [0-9]+\.[0-9] s' <<<"$out" && http_ok "$port"; echo $?)" "$out"
check "the summary counts both" "$(grep -q '^2 instances moved onto .*, 0 failed$' <<<"$out"; echo $?)" "$out"
check "the service was rolled by its front, and os show names the new OS's release" \
  "$(grep -q '^rl: replicas replaced one at a time behind the front' <<<"$out" &&
     "$mayfly" os show | grep -q "ABI $os_abi, release v2-${release:3}, "; echo $?)" "$out; $("$mayfly" os show)"

# --- the rollback, under load the same way --------------------------------------------------------------
python3 tests/lib/loadgen.py "$rport" 14 4 >"$work/rb-load.txt" &
load=$!
sleep 2
out=$("$mayfly" os rollback -t 120 2>&1)
status=$?
wait "$load"
failed=$(failed_requests "$work/rb-load.txt") total=$(total_requests "$work/rb-load.txt")
check "os rollback under load: it succeeds and not one request fails" \
  "$([ $status = 0 ] && [ "$total" -ge 50 ] && [ "$failed" = 0 ]; echo $?)" \
  "status $status: $out; $failed of $total failed: $(awk '$1 ~ /^[0-9]/ && $2 != 1' "$work/rb-load.txt" | head -3)"
check "after the rollback everything runs on the first OS again" \
  "$([ "$(os_of current)" = "$os1" ] && [ "$(os_of previous)" = "$os2" ] && all_on "$os1" $(serving rl) solo &&
     grep -Eq '^solo: down [0-9]+\.[0-9] s' <<<"$out" && http_ok "$port" && http_ok "$rport"; echo $?)" \
  "$out; $("$mayfly" os show); $(for n in $(serving rl) solo; do echo "$n: $(qemu_cmdline "$n" | grep -o -- '-kernel [^ ]*')"; done)"

"$mayfly" rm -f rl solo >/dev/null 2>&1

# --- a fleet file's module: started on the current OS, which it keeps when up runs again ---------------
fport=$(free_port)
cat >"$work/mayfly.yaml" <<YAML
services:
  fl:
    image: $root/build/httpd.app
    ports: ["$fport:80"]
    memory: 32M
    health: http:80/
YAML
out=$("$mayfly" up -f "$work/mayfly.yaml" 2>&1)
status=$?
wait_for 30 http_ok "$fport"
check "up starts a fleet file's module on the current OS" \
  "$([ $status = 0 ] && http_ok "$fport" && [ "$(field fl os)" = "$os1" ] && all_on "$os1" fl; echo $?)" \
  "status $status: $out; os $(field fl os); $(qemu_cmdline fl)"
pid=$(field fl qemu_pid)
out=$("$mayfly" up -f "$work/mayfly.yaml" 2>&1)
check "up again leaves the module's instance running on its OS" \
  "$([ $? = 0 ] && grep -q '^fl: running' <<<"$out" && [ "$(field fl qemu_pid)" = "$pid" ]; echo $?)" "$out"
"$mayfly" down -f "$work/mayfly.yaml" -t 5 >/dev/null 2>&1
left=$(for pid in $(owned_pids); do tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-60; echo; done)
check "no QEMU, monitor or front is left running" "$([ -z "$(tr -d '\n' <<<"$left")" ]; echo $?)" "left: $left"
