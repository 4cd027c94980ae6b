#!/usr/bin/env bash
# The accelerator choice (scripts/accel, scripts/run) against a QEMU stand-in that plays each kind
# of host KVM: one that stops the guest and hangs, one that aborts, one that works. Prints
# "ok NAME" or "not ok NAME: why" per check. Every QEMU runs under a time limit.
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
ln -s "$PWD/tests/lib/qemu-standin" "$tmp/bin/qemu-system-x86_64"
export STANDIN_REAL_QEMU
STANDIN_REAL_QEMU=$(command -v qemu-system-x86_64)
export STANDIN_LOG=$tmp/invocations
unset ACCEL                          # the caller's choice must not decide these checks
LIMIT=60                             # far above any probe: reaching it means something hung

check() { if [ "$2" = 0 ]; then echo "ok $1"; else echo "not ok $1: $3"; fi; }

# as_host KIND CACHE COMMAND...: run COMMAND with the stand-in playing KIND; stdout to $tmp/out,
# stderr to $tmp/err; returns the command's status.
as_host() {
  local kind=$1 cache=$2
  shift 2
  PATH=$tmp/bin:$PATH STANDIN_KVM=$kind ACCEL_CACHE=$tmp/cache-$cache timeout -k 5 $LIMIT "$@" \
    </dev/null >"$tmp/out" 2>"$tmp/err"
}

# 1. a KVM that stops the guest: the probe sees the internal error and falls back at once
as_host hang hang scripts/accel --name
status=$?
check "accel: a KVM that stops the guest falls back to TCG" \
  "$([ $status = 0 ] && [ "$(cat "$tmp/out")" = tcg ]; echo $?)" "status $status, said '$(cat "$tmp/out")'"
check "accel: the fallback says why, once, in one line" \
  "$([ "$(grep -c 'using TCG: KVM cannot run a guest on this host (QEMU: KVM internal error' "$tmp/err")" = 1 ]; echo $?)" \
  "stderr was: $(head -c 300 "$tmp/err")"
before=$(grep -c kvm "$STANDIN_LOG" 2>/dev/null || echo 0)
as_host hang hang scripts/accel --name
after=$(grep -c kvm "$STANDIN_LOG" 2>/dev/null || echo 0)
check "accel: the verdict is cached (no second probe)" \
  "$([ "$(cat "$tmp/out")" = tcg ] && [ "$before" = "$after" ]; echo $?)" "probes before $before, after $after"

# 2. a KVM on which QEMU aborts
as_host abort abort scripts/accel
status=$?
check "accel: a QEMU that aborts under KVM falls back to TCG" \
  "$([ $status = 0 ] && [ "$(cat "$tmp/out")" = "-accel tcg" ] && grep -q 'status 134' "$tmp/err"; echo $?)" \
  "status $status, said '$(cat "$tmp/out")', stderr: $(head -c 300 "$tmp/err")"

# 3. a working KVM is used
as_host works works scripts/accel
status=$?
check "accel: a KVM that runs the probe is chosen" \
  "$([ $status = 0 ] && [ "$(cat "$tmp/out")" = "-accel kvm -cpu host" ] && [ ! -s "$tmp/err" ]; echo $?)" \
  "status $status, said '$(cat "$tmp/out")', stderr: $(head -c 300 "$tmp/err")"

# 4. ACCEL overrides the probe, both ways, and nothing else is accepted
: >"$STANDIN_LOG"
ACCEL=tcg as_host works override scripts/accel --name
check "accel: ACCEL=tcg is obeyed without a probe" \
  "$([ "$(cat "$tmp/out")" = tcg ] && [ ! -s "$STANDIN_LOG" ]; echo $?)" "said '$(cat "$tmp/out")'"
ACCEL=kvm as_host hang override scripts/accel
check "accel: ACCEL=kvm is obeyed without a probe" \
  "$([ "$(cat "$tmp/out")" = "-accel kvm -cpu host" ] && [ ! -s "$STANDIN_LOG" ]; echo $?)" "said '$(cat "$tmp/out")'"
ACCEL=xen as_host works override scripts/accel
status=$?
check "accel: ACCEL=xen is refused with a message" \
  "$([ $status = 2 ] && grep -q "ACCEL must be kvm or tcg, not 'xen'" "$tmp/err"; echo $?)" "status $status"

# 5. scripts/run: never waits forever on a stopped VM; boots under whatever the probe chose
ACCEL=kvm TIMEOUT=$LIMIT as_host hang run scripts/run build/hello.elf
status=$?
check "run: ACCEL=kvm on a KVM that stops the guest ends QEMU with status 125 and says so" \
  "$([ $status = 125 ] && grep -q "KVM internal error: this host's KVM cannot run it" "$tmp/err"; echo $?)" \
  "status $status, stderr: $(tail -c 300 "$tmp/err")"
as_host hang run scripts/run build/hello.elf -- x
status=$?
check "run: on a KVM that stops the guest, the default boots hello under TCG" \
  "$([ $status = 0 ] && grep -q '^Hello from Mayfly!' "$tmp/out" && grep -q 'using TCG' "$tmp/err"; echo $?)" \
  "status $status, stderr: $(tail -c 300 "$tmp/err")"
as_host works run-works scripts/run build/hello.elf -- x
status=$?
check "run: on a working KVM, hello boots under it" \
  "$([ $status = 0 ] && grep -q '^Hello from Mayfly!' "$tmp/out" && grep -q -- '-accel kvm' "$STANDIN_LOG"; echo $?)" \
  "status $status, stderr: $(tail -c 300 "$tmp/err")"
