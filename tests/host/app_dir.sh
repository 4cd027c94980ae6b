#!/usr/bin/env bash
# `make APP=dir` builds that directory, whatever its name: a user's directory named like a shipped
# app (echo), and two directories sharing one name, each run their own main; the next plain `make`
# puts the shipped app back. Prints "ok NAME" or "not ok NAME: why" per check.
set -u
cd "$(dirname "$0")/../.."
users=build/tests/userapps
rm -rf "$users"
for who in first second; do
  mkdir -p "$users/$who/echo"
  printf '#include <stdio.h>\nint main(void) { printf("the %s user echo\\n"); return 5; }\n' "$who" \
    >"$users/$who/echo/main.c"
done
# older than any object the first build writes: a build sharing objects by name would reuse them
touch -d '2000-01-01' "$users/second/echo/main.c"

check() { if [ "$2" = 0 ]; then echo "ok $1"; else echo "not ok $1: $3"; fi; }

# build_and_run WHO: build the user's echo, boot it; sets out and status
build_and_run() {
  out=$(make -s APP="$users/$1/echo" 2>&1 && TIMEOUT=60 scripts/run build/echo.elf </dev/null 2>/dev/null)
  status=$?
}
build_and_run first
check "make APP=dir: a user's directory named like a shipped app runs the user's main" \
  "$([ $status = 5 ] && grep -q '^the first user echo' <<<"$out"; echo $?)" "status $status, output: $out"
build_and_run second
check "make APP=dir: a second directory of the same name runs its own main" \
  "$([ $status = 5 ] && grep -q '^the second user echo' <<<"$out"; echo $?)" "status $status, output: $out"
build_and_run first
check "make APP=dir: back to the first directory, its own main again" \
  "$([ $status = 5 ] && grep -q '^the first user echo' <<<"$out"; echo $?)" "status $status, output: $out"

# a shipped app that builds from the shared apps/lib/ too (flv: apps/lib/http_server.c)
out=$(make -s APP=apps/flv 2>&1)
status=$?
check "make APP=apps/flv: the shipped flv, with the HTTP server it shares from apps/lib" \
  "$([ $status = 0 ] && [ "$(cat build/flv.elf.src)" = "$PWD/apps/flv" ] && nm build/flv.elf | grep -q ' T http_server_run$'; echo $?)" \
  "status $status: $out"

make -s all >/dev/null 2>&1
check "make: the shipped echo is rebuilt over a user's build/echo.elf" \
  "$([ "$(cat build/echo.elf.src)" = "$PWD/apps/echo" ] && nm build/echo.elf | grep -q ' t serve_udp$'; echo $?)" \
  "build/echo.elf.src says '$(cat build/echo.elf.src 2>/dev/null)'"
