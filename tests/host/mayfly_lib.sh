# Shared by the manager's tests (tests/host/mayfly.sh, front.sh): a private state directory, every
# process of the run ended on any exit, and small helpers. Source it from the repository's root.
root=$PWD
mayfly=$root/build/mayfly
MAYFLY_STATE=$(mktemp -d /tmp/mayfly-test.XXXXXX)
export MAYFLY_STATE
work=$MAYFLY_STATE/work
mkdir -p "$work"

# Processes of this run: QEMUs name the state directory on their command lines, monitors (and any
# mayfly) carry it in their environment.
owned_pids() {
  local p
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = $$ ] || [ "${p#/proc/}" = "$BASHPID" ] && continue
    grep -qaF -- "$MAYFLY_STATE" "$p/cmdline" "$p/environ" 2>/dev/null && echo "${p#/proc/}"
  done
}

# Every process the state names (monitors first, so none restarts its QEMU), then the directory.
cleanup() {
  local f pid
  for key in monitor qemu; do
    for f in "$MAYFLY_STATE"/instances/*/status; do
      [ -f "$f" ] || continue
      pid=$(awk -v k=$key '$1 == k { print $2 }' "$f")
      [ -n "$pid" ] && [ "$pid" != 0 ] && grep -qa -- "$MAYFLY_STATE" /proc/"$pid"/cmdline /proc/"$pid"/environ 2>/dev/null &&
        kill -9 "$pid" 2>/dev/null
    done
  done
  # whatever else this run started (a QEMU whose monitor a test killed)
  for pid in $(owned_pids); do kill -9 "$pid" 2>/dev/null; done
  rm -rf "$MAYFLY_STATE"
}
trap cleanup EXIT
trap 'exit 1' TERM INT

. tests/lib/checks.sh
# hold_port PORT SECONDS: a process listening on 127.0.0.1:PORT for that long, in the background
# (its pid in $holder), returning once the port is taken: a loaded machine can take longer than
# any fixed sleep to start Python, and a test that went on before would find the port free.
hold_port() {
  python3 -c "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', $1)); s.listen(); time.sleep($2)" &
  holder=$!
  for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), timeout=1).close()" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
field() { "$mayfly" inspect "$1" 2>/dev/null | python3 -c "import json, sys; print(json.load(sys.stdin)[0]['$2'])" 2>/dev/null; }
# wait_for SECONDS COMMAND...: until the command succeeds
wait_for() {
  local limit=$1 i
  shift
  for i in $(seq $((limit * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
# alive PID: running (a zombie waiting for init to reap it is not)
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ sub(/.*\) /, ""); exit $1 == "Z" ? 0 : 1 }' "/proc/$1/stat"; }
ps_state() { "$mayfly" ps -a | awk -v n="$1" '$1 == n { print $3 }'; }
state_is() { [ "$(ps_state "$1")" = "$2" ]; }
http_ok() { curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$1/" | grep -q '^200$'; }

# refuses WHAT WANT ARGS...: mayfly ARGS exits 2 with WANT in its output
refuses() {
  local what=$1 want=$2
  shift 2
  local out status
  out=$("$mayfly" "$@" 2>&1)
  status=$?
  check "refuses $what" "$([ $status = 2 ] && grep -qF -- "$want" <<<"$out"; echo $?)" "status $status, output: $out"
}
