#!/usr/bin/env bash
# The manager (build/mayfly) end to end, under a private state directory: flags and fleet files
# that are wrong, detached services that come up healthy, logs, a QEMU killed and restarted, a
# failing health check, stop through the power button, a killed monitor recovered, rm, a fleet
# file up and down, the attached run, run --gdb with Debian's gdb, libvirt export, the systemd
# unit. Ports on 127.0.0.1 only; every QEMU and monitor is ended by the PIDs the state names, on
# any exit.
# Prints "ok NAME" or "not ok NAME: why" per check.
set -u
cd "$(dirname "$0")/../.."
source tests/host/mayfly_lib.sh

# --- refusals: each names what is wrong, exits 2, and creates nothing --------------------------
refuses "a size without a unit" "needs a unit" run -m 512 build/hello.elf
refuses "a size with an unknown unit" "unknown unit 'X'" run -m 8X build/hello.elf
refuses "an out-of-range port" "host port '99999'" run -p 99999:80 build/httpd.elf
refuses "a port without a guest side" "must be [IP:]HOST:GUEST" run -p 8080 build/httpd.elf
refuses "a bad address in a port" "'300.1.1.1' is not an IPv4 address" run -p 300.1.1.1:8080:80 build/httpd.elf
refuses "an unknown restart policy" "restart policy 'sometimes'" run --restart sometimes build/hello.elf
refuses "a bad restart count" "restart policy 'on-failure:x'" run --restart on-failure:x build/hello.elf
refuses "an unknown health check" "health check 'ftp:21'" run --health ftp:21 build/hello.elf
refuses "an unknown flag" "unknown flag '--bogus'" run --bogus build/hello.elf
refuses "a flag without its value" "flag '-p' needs a value" run -p
refuses "a bad name" "name 'Bad_Name'" run --name Bad_Name build/hello.elf
refuses "a missing image" "image 'no/such.elf'" run no/such.elf
refuses "a bad environment name" "environment '1A=x'" run -e 1A=x build/hello.elf
refuses "a missing disk" "volume 'no-such.img'" run -v no-such.img build/hello.elf
refuses "an unknown network" "no network 'nosuch'" run -d --net nosuch build/httpd.elf
refuses "-t that is not seconds" "-t wants whole seconds" stop -t soon web
refuses "--tail that is not a number" "--tail wants a number" logs --tail many web
refuses "an unknown ps flag" "unknown flag '--bogus'" ps --bogus
refuses "an unknown command" "unknown command 'frobnicate'" frobnicate
refuses "a network name with a slash" "network '../x'" network create ../x
check "refusals leave no instance behind" "$([ -z "$(ls "$MAYFLY_STATE/instances" 2>/dev/null)" ]; echo $?)" \
  "$(ls "$MAYFLY_STATE/instances" 2>/dev/null)"

# a port already taken: QEMU's own reason, status 125, and no retrying a start that cannot work
busy=$(free_port)
hold_port "$busy" 30
out=$("$mayfly" run -d --name busy --restart always -p "$busy:80" build/httpd.elf 2>&1)
status=$?
sleep 1
check "a busy port: run -d gives QEMU's reason and exits 125, without retrying" "$([ $status = 125 ] &&
  grep -q 'Could not set up host forwarding' <<<"$out" && state_is busy 'exited(125)'; echo $?)" "status $status: $out; $("$mayfly" ps -a)"
kill "$holder" 2>/dev/null
"$mayfly" rm -f busy >/dev/null 2>&1

# fleet files: each error names the file and line
fleet_refuses() {
  local what=$1 want=$2 text=$3 out status
  printf '%s\n' "$text" >"$work/bad.yaml"
  out=$("$mayfly" up -f "$work/bad.yaml" 2>&1)
  status=$?
  check "fleet file: refuses $what" "$([ $status = 2 ] && grep -qF -- "$want" <<<"$out"; echo $?)" "status $status, output: $out"
}
fleet_refuses "broken YAML" "bad.yaml:2" $'services:\n  web: [unclosed'
fleet_refuses "an unknown key" "bad.yaml:4" $'services:\n  web:\n    image: '"$root"$'/build/httpd.elf\n    colour: blue'
fleet_refuses "a memory size without a unit" "bad.yaml:4" $'services:\n  web:\n    image: '"$root"$'/build/httpd.elf\n    memory: 512'
fleet_refuses "an undeclared network" "bad.yaml:4" $'services:\n  web:\n    image: '"$root"$'/build/httpd.elf\n    networks: [nowhere]'
fleet_refuses "a missing image" "bad.yaml:3" $'services:\n  web:\n    image: no/such.elf'

# --- three detached services come up healthy ---------------------------------------------------
p1=$(free_port) p2=$(free_port) p3=$(free_port)
out1=$("$mayfly" run -d --name web1 -m 16M -p "$p1:80" --restart on-failure --health http:80/ build/httpd.elf 2>"$work/run1.err")
out2=$("$mayfly" run -d --name web2 -m 16M -p "127.0.0.1:$p2:80" --health http:80/ build/httpd.elf 2>"$work/run2.err")
out3=$("$mayfly" run -d --name echo1 -m 16M -p "$p3:7" --restart always --health tcp:7 build/echo.elf 2>"$work/run3.err")
check "run -d prints the instance's name" "$([ "$out1" = web1 ] && [ "$out2" = web2 ] && [ "$out3" = echo1 ]; echo $?)" \
  "printed: $out1 / $out2 / $out3; $(cat "$work"/run?.err)"
healthy=0
wait_for 60 bash -c "[ \$('$mayfly' ps | grep -c ' healthy ') = 3 ]" && healthy=1
check "ps shows three detached services healthy" "$([ $healthy = 1 ]; echo $?)" "$("$mayfly" ps -a)"
check "ps shows ports, memory and restarts" \
  "$("$mayfly" ps | grep -Eq "^web1 +httpd.elf +healthy +[0-9]+s +127.0.0.1:$p1->80/tcp +[0-9.]+MiB +0$"; echo $?)" "$("$mayfly" ps)"
check "the services answer on their published ports" "$(http_ok "$p1" && http_ok "$p2" &&
  python3 -c "import socket; s = socket.create_connection(('127.0.0.1', $p3), 5); s.sendall(b'ping'); assert s.recv(4) == b'ping'"; echo $?)" ""
check "logs shows each console" "$("$mayfly" logs web1 | grep -q '^httpd: serving' && "$mayfly" logs web2 | grep -q '^httpd: serving' &&
  "$mayfly" logs echo1 | grep -q '^echo: listening on port 7'; echo $?)" "$("$mayfly" logs echo1 | tail -3)"
last=$("$mayfly" logs web1 | tail -n 1)
check "logs --tail 1 gives the last line" "$([ "$("$mayfly" logs --tail 1 web1)" = "$last" ]; echo $?)" "$("$mayfly" logs --tail 1 web1)"

# --- a QEMU killed with SIGKILL is restarted (on-failure) within 2 s -----------------------------
old=$(field web1 qemu_pid)
kill -9 "$old"
start=$(date +%s%N)
restarted=0
for _ in $(seq 100); do
  new=$(field web1 qemu_pid)
  if [ -n "$new" ] && [ "$new" != 0 ] && [ "$new" != "$old" ]; then restarted=1; break; fi
  sleep 0.05
done
took=$(( ($(date +%s%N) - start) / 1000000 ))
check "a QEMU killed with SIGKILL is restarted within 2 s (took $took ms)" "$([ $restarted = 1 ] && [ $took -le 2000 ]; echo $?)" \
  "restarted=$restarted after $took ms"
check "the restarted service answers and counts one restart" "$(wait_for 30 http_ok "$p1" && [ "$(field web1 restarts)" = 1 ]; echo $?)" \
  "restarts $(field web1 restarts)"

# --- a failing health check restarts its instance ------------------------------------------------
"$mayfly" run -d --name sick -m 16M --restart on-failure --health http:80/no-such-page build/httpd.elf >/dev/null 2>&1
check "a failing health check makes the instance unhealthy and restarts it" \
  "$(wait_for 60 bash -c "[ \$('$mayfly' inspect sick | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"restarts\"])') -ge 1 ]" &&
     "$mayfly" logs sick | grep -q 'restarting the unhealthy instance'; echo $?)" "$("$mayfly" logs sick | grep '^\[mayfly\]' | tail -5)"
"$mayfly" rm -f sick >/dev/null

# --- stop: the power button; httpd exits 0 ---------------------------------------------------------
out=$("$mayfly" stop -t 20 web2 2>&1)
check "stop ends httpd through the power button with status 0" "$([ "$(field web2 exit_code)" = 0 ] &&
  "$mayfly" logs web2 | grep -q '^httpd: stopped' && state_is web2 'exited(0)'; echo $?)" "$out; $("$mayfly" logs --tail 4 web2)"
check "ps hides a stopped instance; ps -a shows it" "$(! "$mayfly" ps | grep -q '^web2 ' && "$mayfly" ps -a | grep -q '^web2 '; echo $?)" ""

# --- a monitor killed with SIGKILL is reported, and recovered by up --saved -------------------
mon=$(field echo1 monitor_pid) oldq=$(field echo1 qemu_pid)
kill -9 "$mon"
check "a killed monitor is reported as lost" "$(wait_for 5 state_is echo1 lost; echo $?)" "$("$mayfly" ps -a)"
out=$("$mayfly" up --saved 2>&1)
check "up --saved recovers the lost instance" "$(wait_for 60 state_is echo1 healthy && ! alive "$oldq" &&
  [ "$(field echo1 monitor_pid)" != "$mon" ]; echo $?)" "$out; $("$mayfly" ps -a)"
check "up --saved leaves a stopped instance stopped" "$(state_is web2 'exited(0)'; echo $?)" "$("$mayfly" ps -a)"

# --- two starts at once: one monitor, one QEMU --------------------------------------------------------
"$mayfly" stop -t 5 echo1 >/dev/null 2>&1
"$mayfly" start echo1 >/dev/null 2>&1 &
"$mayfly" start echo1 >/dev/null 2>&1
wait $!
wait_for 30 state_is echo1 healthy
# (from /proc: a minimal Debian has no procps)
n=0
for f in /proc/[0-9]*/cmdline; do
  tr '\0' ' ' <"$f" 2>/dev/null | grep -q "^qemu-system-x86_64 .*$MAYFLY_STATE/instances/echo1/" && n=$((n + 1))
done
check "two starts at once give one monitor and one QEMU" "$([ "$n" = 1 ] && state_is echo1 healthy; echo $?)" \
  "$n QEMUs; $("$mayfly" ps -a)"

# --- a job that finished is not brought back after a reboot -----------------------------------------
"$mayfly" run -d --name job build/hello.elf >/dev/null 2>&1
wait_for 30 state_is job 'exited(0)'
out=$("$mayfly" up --saved 2>&1)
check "up --saved leaves a finished job alone" "$(! grep -q '^job' <<<"$out" && state_is job 'exited(0)'; echo $?)" "$out"
"$mayfly" rm job >/dev/null 2>&1

# --- rm leaves nothing behind ----------------------------------------------------------------------
mon=$(field web1 monitor_pid) q=$(field web1 qemu_pid)
out=$("$mayfly" rm web1 2>&1)
check "rm refuses a running instance without -f" "$([ $? != 0 ] && grep -q "rm -f" <<<"$out"; echo $?)" "$out"
"$mayfly" rm -f web1 web2 >/dev/null 2>&1
check "rm -f leaves no state and no process behind" "$([ ! -e "$MAYFLY_STATE/instances/web1" ] && [ ! -e "$MAYFLY_STATE/instances/web2" ] &&
  ! alive "$mon" && ! alive "$q"; echo $?)" "$(ls "$MAYFLY_STATE/instances")"
"$mayfly" rm -f echo1 >/dev/null 2>&1

# --- the attached run exits with the app's status -----------------------------------------------
out=$("$mayfly" run --rm build/exit.elf -- exit 42 2>&1)
status=$?
check "run without -d shows the console and exits with the app's status" "$([ $status = 42 ] && grep -q 'atexit handler ran' <<<"$out"; echo $?)" \
  "status $status: $out"
out=$("$mayfly" run --rm --name hi build/hello.elf -- "two words" 2>&1)
status=$?
check "run --rm passes app arguments and removes the instance" "$([ $status = 0 ] && grep -q 'argv\[1\] = "two words"' <<<"$out" &&
  ! "$mayfly" ps -a | grep -q '^hi '; echo $?)" "status $status: $out"

# Ctrl-C (SIGINT) to an attached run is the power button: httpd stops gracefully, status 0
"$mayfly" run --rm --name fg -m 16M build/httpd.elf -- --grace 1 >"$work/fg.log" 2>&1 &
fg=$!
wait_for 60 grep -q '^httpd: serving' "$work/fg.log"
kill -INT "$fg"
wait "$fg"
status=$?
check "Ctrl-C to an attached run presses the power button; httpd exits 0" "$([ $status = 0 ] &&
  grep -q '^httpd: stopped' "$work/fg.log"; echo $?)" "status $status: $(tail -5 "$work/fg.log")"

# --- run --gdb: QEMU waits at reset; the printed gdb command stops in main; the app then runs on -----
refuses "--gdb port 0" "--gdb '0': port '0' is not 1-65535" run --gdb 0 build/hello.elf
refuses "--gdb port 70000" "port '70000' is not 1-65535" run --gdb 127.0.0.1:70000 build/hello.elf
refuses "--gdb with letters" "port 'abc'" run --gdb abc build/hello.elf
refuses "an empty --gdb" "--gdb ''" run --gdb "" build/hello.elf
refuses "--gdb with --replicas" "--gdb debugs one instance, and --replicas" run --gdb 1234 --replicas 2 -p 8080:80 build/httpd.elf
refuses "--gdb with --health" "--gdb halts the guest until gdb lets it run, and --health" run --gdb 1234 --health tcp:80 build/httpd.elf
gport=$(free_port)
out=$("$mayfly" run -d --name dbg --gdb "127.0.0.1:$gport" build/hello.elf 2>"$work/dbg.err")
status=$?
attach=$(sed -n '/attach with:$/{n;s/^ *//;p;q}' "$work/dbg.err")
check "run -d --gdb prints the gdb command with the ELF's symbols" "$([ $status = 0 ] && [ "$out" = dbg ] &&
  grep -qF -- "-ex 'set architecture i386:x86-64' -ex 'target remote 127.0.0.1:$gport' $root/build/hello.elf" <<<"$attach"; echo $?)" \
  "status $status, out '$out': $(cat "$work/dbg.err")"
wait_for 10 listening "$gport"
check "run --gdb: the stub listens, the guest waits (no output yet), inspect shows the address" "$(listening "$gport" &&
  state_is dbg running && ! "$mayfly" logs dbg | grep -q Hello && [ "$(field dbg gdb)" = "127.0.0.1:$gport" ]; echo $?)" \
  "ps: $("$mayfly" ps -a | grep '^dbg'); gdb: $(field dbg gdb); $("$mayfly" logs dbg | tail -n 3)"
# the printed command itself, with a batch of commands after it (gdb keeps the -ex order)
eval "timeout -k 5 60 $attach -batch -nx -ex 'break main' -ex continue -ex bt -ex continue" >"$work/dbg.gdb" 2>&1
check "gdb attaches with that command and stops in hello's main" \
  "$(grep -Eq '^Breakpoint 1, main \(.*\) at apps/hello/main\.c:[0-9]+' "$work/dbg.gdb" &&
     grep -Eq '^#0 +main \(.*apps/hello/main\.c' "$work/dbg.gdb"; echo $?)" "$(grep -v '^$' "$work/dbg.gdb" | tail -n 8 | tr '\n' '|')"
wait_for 30 state_is dbg 'exited(0)'
check "after gdb continues, hello runs to its end: exited(0), its greeting in the log" "$(state_is dbg 'exited(0)' &&
  "$mayfly" logs dbg | grep -q '^Hello from Mayfly!'; echo $?)" "$("$mayfly" ps -a | grep '^dbg'); $("$mayfly" logs dbg | tail -n 3)"
"$mayfly" rm -f dbg >/dev/null 2>&1
# a module: gdb gets the shared OS's file the instance runs on, and mayfly-module loads the module's
# symbols where the OS's loader linked it; main is then the module's (the OS's loader has one too)
"$mayfly" os install build/mayfly-os.elf >/dev/null 2>&1
gport=$(free_port)
"$mayfly" run -d --name dbgmod --gdb "$gport" build/hello.app >/dev/null 2>"$work/dbgmod.err"
attach=$(sed -n '/attach with:$/{n;s/^ *//;p;q}' "$work/dbgmod.err")
os_file=$(field dbgmod os)
check "run --gdb with a module prints gdb on the OS's file, with mayfly-module" "$([ -n "$os_file" ] &&
  grep -qF -- "-ex 'target remote 127.0.0.1:$gport' -ex 'mayfly-module $root/build/hello.app' $os_file" <<<"$attach"; echo $?)" \
  "os '$os_file': $(cat "$work/dbgmod.err")"
wait_for 10 listening "$gport"
eval "timeout -k 5 60 $attach -batch -nx -ex 'break main' -ex continue -ex bt -ex continue" >"$work/dbgmod.gdb" 2>&1
check "gdb stops in the module's main, below the loader's" "$(grep -Eq '^#0 +main \(.*apps/hello/main\.c' "$work/dbgmod.gdb" &&
  grep -Eq '^#1 .* in main \(.*os/loader\.c' "$work/dbgmod.gdb" && wait_for 30 state_is dbgmod 'exited(0)'; echo $?)" \
  "$("$mayfly" ps -a | grep '^dbgmod'); $(grep -v '^$' "$work/dbgmod.gdb" | tail -n 8 | tr '\n' '|')"
"$mayfly" rm -f dbgmod >/dev/null 2>&1
# a port that is taken: QEMU's own reason reaches the user, status 125
gport=$(free_port)
hold_port "$gport" 20
out=$("$mayfly" run -d --name dbgbusy --gdb "$gport" build/hello.elf 2>&1)
status=$?
check "run --gdb on a busy port gives QEMU's reason and exits 125" "$([ $status = 125 ] &&
  grep -q "did not start: -gdb tcp:127.0.0.1:$gport" <<<"$out"; echo $?)" "status $status: $out"
kill "$holder" 2>/dev/null
"$mayfly" rm -f dbgbusy >/dev/null 2>&1

# --- a fleet file: up, up again, down --------------------------------------------------------------
fp=$(free_port)
cat >"$work/mayfly.yaml" <<YAML
networks:
  backend:
services:
  front:
    image: $root/build/httpd.elf
    ports: ["$fp:80"]
    memory: 16M
    restart: on-failure
    health: http:80/
    networks: [backend]
  back:
    image: $root/build/echo.elf
    memory: 16M
    networks: [backend]
    command: ["--", "--port", "7"]
  client:
    image: $root/build/peers.elf
    memory: 16M
    networks: [backend]
    command: "-- --echo back 7"
YAML
out=$(cd "$work" && "$mayfly" up 2>&1)
check "up starts a fleet file's services" "$([ $? = 0 ] && wait_for 60 state_is front healthy && state_is back running && http_ok "$fp"; echo $?)" \
  "$out; $("$mayfly" ps -a)"
check "fleet services on one network talk by name" "$(wait_for 60 state_is client 'exited(0)' &&
  "$mayfly" logs client | grep -q '^ok ' && ! "$mayfly" logs client | grep -q '^not ok'; echo $?)" "$("$mayfly" logs client | tail -5)"
q=$(field front qemu_pid)
out=$(cd "$work" && "$mayfly" up 2>&1)
check "up again leaves unchanged services running" "$([ "$(field front qemu_pid)" = "$q" ] && grep -q 'front: running' <<<"$out"; echo $?)" "$out"
out=$("$mayfly" down -f "$work/mayfly.yaml" -t 5 2>&1)
check "down removes the fleet's services and network" "$([ $? = 0 ] && ! "$mayfly" ps -a | grep -Eq '^(front|back|client) ' &&
  ! "$mayfly" network ls | grep -q '^backend '; echo $?)" "$out; $("$mayfly" ps -a)"

# --- a fleet whose up fails half way still comes down, network and all --------------------------------
held=$(free_port)
hold_port "$held" 60
cat >"$work/half.yaml" <<YAML
networks: [halfnet]
services:
  first:
    image: $root/build/httpd.elf
    ports: ["$held:80"]
    networks: [halfnet]
  second:
    image: $root/build/hello.elf
    networks: [halfnet]
YAML
out1=$("$mayfly" up -f "$work/half.yaml" 2>&1)
status1=$?
out2=$("$mayfly" down -f "$work/half.yaml" 2>&1)
status2=$?
kill "$holder" 2>/dev/null
check "an up that fails half way still comes down, network and all" "$([ $status1 = 125 ] && [ $status2 = 0 ] &&
  ! "$mayfly" network ls | grep -q '^halfnet ' && ! "$mayfly" ps -a | grep -Eq '^(first|second) '; echo $?)" \
  "up $status1: $out1; down $status2: $out2; $("$mayfly" network ls)"

# --- two networks: one NIC each, an address from each subnet, stable across a restart ---------------
"$mayfly" network create red >/dev/null && "$mayfly" network create blue >/dev/null
"$mayfly" run -d --name twonets -m 16M --net red --net blue build/peers.elf -- --up >/dev/null 2>&1
addrs() { "$mayfly" inspect twonets | python3 -c 'import json, sys; print(" ".join(n["address"] for n in json.load(sys.stdin)[0]["networks"]))'; }
first=$(addrs)
wait_for 30 state_is twonets 'exited(0)'
log=$("$mayfly" logs twonets)
set -- $first
check "an instance on two networks gets a NIC and an address on each" "$([ $# = 2 ] && [ "${1%.*}" != "${2%.*}" ] &&
  grep -q "net1 address $1/24" <<<"$log" && grep -q "net2 address $2/24" <<<"$log"; echo $?)" "addresses: $first; $log"
"$mayfly" start twonets >/dev/null 2>&1
wait_for 30 state_is twonets 'exited(0)'
check "its addresses stay the same across a restart" "$([ "$(addrs)" = "$first" ]; echo $?)" "$first, then $(addrs)"
"$mayfly" rm -f twonets >/dev/null 2>&1
out=$("$mayfly" network rm red blue 2>&1)
check "network rm removes networks whose members are gone" "$([ $? = 0 ] && ! "$mayfly" network ls | grep -Eq '^(red|blue) '; echo $?)" "$out"

# --- export --libvirt: a domain that libvirt's schema accepts --------------------------------------
"$mayfly" network create lan >/dev/null
"$mayfly" run -d --name exported -m 16M --net lan -e GREETING=hi build/httpd.elf -- --grace 1 >/dev/null 2>&1
out=$("$mayfly" export --libvirt exported -o "$work/exported.xml" 2>&1 && virt-xml-validate "$work/exported.xml" domain 2>&1)
check "export --libvirt writes a domain that virt-xml-validate accepts" "$([ $? = 0 ] && grep -q "<kernel>$root/build/httpd.elf</kernel>" "$work/exported.xml"; echo $?)" "$out"
"$mayfly" rm -f exported >/dev/null 2>&1
"$mayfly" network rm lan >/dev/null 2>&1

# --- make install and the systemd unit ----------------------------------------------------------------
prefix=$work/prefix
out=$(make -s install PREFIX="$prefix" 2>&1)
check "make install puts mayfly, its probe and the images under PREFIX" "$([ -x "$prefix/bin/mayfly" ] && [ -x "$prefix/lib/mayfly/accel" ] &&
  [ -f "$prefix/lib/mayfly/httpd.elf" ] && [ -f "$prefix/lib/systemd/system/mayfly.service" ]; echo $?)" "$out"
out=$(MAYFLY_STATE=$work/installed-state "$prefix/bin/mayfly" run --rm "$prefix/lib/mayfly/hello.elf" 2>&1)
check "the installed mayfly runs an installed image" "$(grep -q '^Hello from Mayfly!' <<<"$out"; echo $?)" "$out"
out=$(systemd-analyze verify "$prefix/lib/systemd/system/mayfly.service" 2>&1)
check "systemd-analyze verify accepts the unit" "$([ $? = 0 ]; echo $?)" "$out"

# --- nothing outlives the tests --------------------------------------------------------------------
left=$(for pid in $(owned_pids); do tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-60; done)
check "no QEMU or monitor is left running" "$([ -z "$left" ]; echo $?)" "left: $left"
