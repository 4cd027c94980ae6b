#!/usr/bin/env bash
# Debugging with gdb (README "Debugging"): Debian's gdb, in batch mode, attaches to
# tests/guest/gdbtarget booted by `scripts/run --gdb` (QEMU waiting at reset), as an ELF, as an
# app module on the shared OS, and in a raw disk image that GRUB boots. It stops at a breakpoint in
# leaf, reads the global gdb_answer (a sum the program computes from its argument, a different one
# each run), prints a backtrace that must name leaf <- middle <- main, lists the cooperative
# threads (mayfly-threads) and the backtrace of the blocked one (mayfly-bt), then lets the program
# run to its end. Prints ok / not ok lines.
# Every QEMU has a time limit (TIMEOUT) and is ended by its process group's id at the end.
# KEEP=1 keeps the logs (the directory /tmp/mayfly-gdb.*).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

. tests/lib/checks.sh

work=$(mktemp -d /tmp/mayfly-gdb.XXXXXX)
run_pid=""
end_run() {
  if [ -n "$run_pid" ]; then
    kill -- -"$run_pid" 2>/dev/null          # scripts/run, its timeout and QEMU: one process group
    wait "$run_pid" 2>/dev/null
    run_pid=""
  fi
}
trap 'end_run; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

if ! make -s APP=tests/guest/gdbtarget >"$work/build.log" 2>&1 ||
   ! make -s APP=tests/guest/gdbtarget MODULE=1 >>"$work/build.log" 2>&1; then
  echo "not ok build tests/guest/gdbtarget: $(tail -n 3 "$work/build.log" | tr '\n' ' ')"
  exit 1
fi

# frames FILE MARK: the function names of the backtrace printed after the line ==MARK==, in order
frames() {
  awk -v m="==$2==" '$0 == m { on = 1; next } on && /^==/ { exit } on && /^#[0-9]+ / { print }' "$1" |
    sed -E 's/^#[0-9]+ +(0x[0-9a-f]+ in )?([^ ]+) .*/\2/' | tr '\n' ' '
}

# debug FORM IMAGE [N]: one session; FORM names the checks. The program's argument is N, which a
# disk image carries in its command line, or a new one given to scripts/run.
debug() {
  local form=$1 image=$2 n=${3:-$((20 + RANDOM % 200))}
  local args=(-- "$n")
  [ -n "${3:-}" ] && args=()
  local want=$((n * (n + 1) * (2 * n + 1) / 6))   # 1^2 + ... + n^2, what middle() stores
  local port out err log
  port=$(free_port)
  out=$work/$form.console err=$work/$form.run-stderr log=$work/$form.gdb
  GDB_PORT=$port TIMEOUT=150 setsid scripts/run --gdb "$image" "${args[@]}" </dev/null >"$out" 2>"$err" &
  run_pid=$!
  local waited=0
  while ! listening "$port" && [ $waited -lt 200 ] && kill -0 "$run_pid" 2>/dev/null; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if ! listening "$port"; then
    echo "not ok $form: QEMU's gdb stub did not listen on port $port: $(tr '\n' ' ' <"$err" | cut -c1-300)"
    end_run
    return
  fi
  check "$form: scripts/run --gdb prints the command to attach" \
    "$(grep -qF -- "-ex 'target remote 127.0.0.1:$port'" "$err"; echo $?)" "$(tr '\n' ' ' <"$err" | cut -c1-300)"

  timeout -k 5 120 scripts/gdb/attach "$image" "$port" -batch \
    -ex 'break leaf' -ex continue \
    -ex 'echo ==value==\n' -ex 'print gdb_answer' \
    -ex 'echo ==bt==\n' -ex bt \
    -ex 'echo ==threads==\n' -ex mayfly-threads \
    -ex 'echo ==worker==\n' -ex 'mayfly-bt gdb-worker' \
    -ex 'echo ==after==\n' -ex bt -ex continue >"$log" 2>&1
  local gdb_status=$?
  local summary
  summary=$(grep -v '^$' "$log" | tail -n 6 | tr '\n' '|' | cut -c1-400)

  check "$form: gdb stops at the breakpoint in leaf" \
    "$(grep -Eq "^Breakpoint [0-9]+, (0x[0-9a-f]+ in )?leaf \(n=$n\)" "$log"; echo $?)" \
    "gdb (status $gdb_status): $summary"
  check "$form: gdb reads gdb_answer = $want" \
    "$(awk '$0 == "==value==" { getline; print }' "$log" | grep -qx "\$1 = $want"; echo $?)" \
    "got '$(awk '$0 == "==value==" { getline; print }' "$log")'"
  local bt
  bt=$(frames "$log" bt)
  check "$form: the backtrace names leaf <- middle <- main" "$([[ $bt == "leaf middle main "* ]]; echo $?)" \
    "frames: $bt"
  local threads
  threads=$(awk '$0 == "==threads==" { on = 1; next } on && /^==/ { exit } on' "$log")
  check "$form: mayfly-threads shows main running in leaf and gdb-worker blocked" \
    "$(grep -Eq '^\* +[0-9]+ +main +running .*<leaf' <<<"$threads" &&
       grep -Eq '^  +[0-9]+ +gdb-worker +blocked' <<<"$threads"; echo $?)" \
    "$(tr '\n' '|' <<<"$threads")"
  local worker
  worker=$(frames "$log" worker)
  check "$form: mayfly-bt gdb-worker shows it blocked in worker_wait <- worker_main" \
    "$([[ $worker == schedule\ * && $worker == *" worker_wait worker_main "* && $worker != *leaf* ]]; echo $?)" \
    "frames: $worker"
  check "$form: the running thread's registers are back after mayfly-bt" \
    "$([[ $(frames "$log" after) == "$bt" ]]; echo $?)" "before: $bt, after: $(frames "$log" after)"
  check "$form: no 'g' packet size error across the switch to long mode" \
    "$(! grep -q "packet reply is too long" "$log"; echo $?)" "$(grep -m1 "packet reply" "$log")"

  # gdb's last continue lets the program finish: it prints what it computed and exits 0
  local status=0 w=0
  while kill -0 "$run_pid" 2>/dev/null && [ $w -lt 300 ]; do sleep 0.1; w=$((w + 1)); done
  if kill -0 "$run_pid" 2>/dev/null; then
    status="still running after 30 s"
  else
    wait "$run_pid"
    status=$?
  fi
  end_run                                         # (anything of it left)
  check "$form: the program runs on to its end after gdb (exit 0, answer $want)" \
    "$([ "$status" = 0 ] && tr -d '\r' <"$out" | grep -q "^answer $want$" &&
       tr -d '\r' <"$out" | grep -q '^worker released$'; echo $?)" \
    "status $status, console: $(tr -d '\r' <"$out" | tr '\n' '|' | cut -c1-200)"
}

debug elf build/gdbtarget.elf
debug app build/gdbtarget.app
# a disk image, booted by GRUB: its symbols from the ELF it was made from, beside it
n=$((20 + RANDOM % 200))
if scripts/mkimage build/gdbtarget.elf "$work/gdbtarget.img" -- "$n" >"$work/mkimage.log" 2>&1; then
  cp build/gdbtarget.elf "$work/gdbtarget.elf"
  debug disk "$work/gdbtarget.img" "$n"
else
  echo "not ok disk: scripts/mkimage failed: $(tail -n 3 "$work/mkimage.log" | tr '\n' ' ')"
fi

# mayfly-module (which attach runs for a module) loads the symbols where the loader linked the
# module: the address the OS prints in its `debug` line
port=$(free_port)
GDB_PORT=$port TIMEOUT=60 setsid scripts/run --gdb build/gdbtarget.app debug </dev/null >"$work/where.console" 2>&1 &
run_pid=$!
for _ in $(seq 200); do listening "$port" && break; sleep 0.1; done
timeout -k 5 60 scripts/gdb/attach build/gdbtarget.app "$port" -batch -ex continue >"$work/where.gdb" 2>&1
for _ in $(seq 300); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
end_run
linked=$(grep -o 'module gdbtarget linked at 0x[0-9a-f]*' "$work/where.console" | grep -o '0x.*')
said=$(grep -o '^mayfly-module: .*gdbtarget.app linked at 0x[0-9a-f]*' "$work/where.gdb" | grep -o '0x[0-9a-f]*$')
check "app: mayfly-module loads the symbols at the loader's address" \
  "$([ -n "$linked" ] && [ "$((linked))" = "$((said))" ]; echo $?)" "the OS said '${linked}', mayfly-module '${said}'"

# usage errors: exit 2, naming what was wrong
GDB_PORT=nope scripts/run --gdb build/gdbtarget.elf </dev/null >/dev/null 2>"$work/usage1"
status=$?
check "scripts/run --gdb with a bad GDB_PORT exits 2 naming it" \
  "$([ $status = 2 ] && grep -q "GDB_PORT.*'nope'" "$work/usage1"; echo $?)" \
  "status $status: $(cat "$work/usage1")"
scripts/gdb/attach build/no-such.elf >/dev/null 2>"$work/usage2"
status=$?
check "scripts/gdb/attach with no such image exits 2 naming it" \
  "$([ $status = 2 ] && grep -q "no-such.elf" "$work/usage2"; echo $?)" \
  "status $status: $(cat "$work/usage2")"
