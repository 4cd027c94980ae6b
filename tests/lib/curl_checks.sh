# Sourced by the httpd curl scripts (tests/services/httpd_*.sh) after they set `port`: the base
# URL, a scratch directory removed at exit, curl's common flags, and the check and header helpers.
# check NAME CONDITION WHY: "ok NAME" if CONDITION (a shell expression) holds, else "not ok NAME: WHY".
base=http://127.0.0.1:$port
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { if eval "$2"; then echo "ok $1"; else echo "not ok $1: $3"; fi; }
C=(curl -sS --max-time 30)
# The first value of header $1 in the last response head saved with -D "$tmp/h".
header() { tr -d '\r' <"$tmp/h" | sed -n "s/^$1: //Ip" | head -n 1; }
