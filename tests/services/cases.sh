# Service tests, sourced by tests/run: boot a shipped app under QEMU's user network with its
# port forwarded to 127.0.0.1 and drive it from the host with real clients (curl, Python's
# socket module). Each check prints "ok NAME" or "not ok NAME: why"; every one counts.

SERVICE_TIMEOUT=${SERVICE_TIMEOUT:-600}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# service_start NAME IMAGE READY_REGEX HOSTFWD_RULES [kernel options] [-- app args]
# Boots IMAGE in its own process group and waits (up to 60 s) for READY_REGEX on its console.
service_start() {
  local name=$1 image=$2 ready=$3 rules=$4
  shift 4
  SERVICE_LOG=$LOGS/service-$name.log
  HOSTFWD=$rules TIMEOUT=$SERVICE_TIMEOUT setsid scripts/run "$image" "$@" </dev/null >"$SERVICE_LOG" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 600); do
    grep -Eq -- "$ready" "$SERVICE_LOG" && return 0
    kill -0 "$SERVICE_PID" 2>/dev/null || break
    sleep 0.1
  done
  fail "$name: boots" "no /$ready/ on the console" "$SERVICE_LOG"
  service_stop
  return 1
}

# The VM must still be running (nothing it was sent may stop it); then it is ended by its PID.
service_stop() {
  local name=${1:-}
  if [ -n "$name" ]; then
    if kill -0 "$SERVICE_PID" 2>/dev/null && ! grep -q 'panic' "$SERVICE_LOG"; then
      pass "$name: still running at the end, no panic"
    else
      fail "$name: still running at the end, no panic" "the VM stopped" "$SERVICE_LOG"
    fi
  fi
  kill -- -"$SERVICE_PID" 2>/dev/null
  wait "$SERVICE_PID" 2>/dev/null
}

# --- httpd: DHCP address, the shipped document root ----------------------------------------
port=$(free_port)
if service_start httpd build/httpd.elf '^httpd: serving' "tcp:127.0.0.1:$port-:80"; then
  if grep -Eq 'net0 address 10\.0\.2\.15/24, gateway 10\.0\.2\.2, dns 10\.0\.2\.3 \(DHCP\)' "$SERVICE_LOG"; then
    pass "httpd: DHCP address printed at boot"
  else
    fail "httpd: DHCP address printed at boot" "no DHCP address line" "$SERVICE_LOG"
  fi
  checks httpd-curl tests/services/httpd_curl.sh "$port" apps/httpd/www
  checks httpd-raw python3 tests/services/httpd_raw.py "$port" apps/httpd/www
  # a new connection per request, thousands of them: none may hang (lwIP's TIME-WAIT, TCP_MSL)
  checks httpd-churn python3 tests/services/httpd_churn.py "$port" 10
  service_stop httpd
fi

# --- httpd with a 10 MiB file in its document root -----------------------------------------
big=$BUILD/tests/httpd-big
rm -rf "$big" && mkdir -p "$big/www"
ln -s "$PWD"/apps/httpd/*.c "$big/"   # apps/lib/ comes with every build, APP= ones too
head -c $((10 * 1024 * 1024)) /dev/urandom >"$big/www/big.bin"
if make -s APP="$big" >"$LOGS/build-httpd-big.log" 2>&1; then
  port=$(free_port)
  if service_start httpd-big build/httpd-big.elf '^httpd: serving' "tcp:127.0.0.1:$port-:80"; then
    want=$(sha256sum <"$big/www/big.bin" | cut -d' ' -f1)
    got=$(curl -sS --max-time 120 "http://127.0.0.1:$port/big.bin" | sha256sum | cut -d' ' -f1)
    if [ "$got" = "$want" ]; then
      pass "httpd: a 10 MiB file arrives whole (sha256 $want)"
    else
      fail "httpd: a 10 MiB file arrives whole" "sha256 $got, expected $want"
    fi
    service_stop httpd-big
  fi
else
  fail "httpd-big: builds" "make APP=$big failed" "$LOGS/build-httpd-big.log"
fi

# --- httpd --root: a tree made on the host, in an initrd that unpacks it to /srv ------------------
rtree=$BUILD/tests/httpd-root
rm -rf "$rtree" && mkdir -p "$rtree/srv/sub" "$rtree/srv/media"
printf '<h1>from the initrd</h1>\n' >"$rtree/srv/index.html"
printf 'sub\n' >"$rtree/srv/sub/index.html"
printf 'a name with a space\n' >"$rtree/srv/with space.txt"
head -c 4096 /dev/urandom >"$rtree/srv/media/clip.mp4"
head -c $((3 * 1024 * 1024)) /dev/urandom >"$rtree/srv/big.bin"
(cd "$rtree" && find srv | LC_ALL=C sort | cpio --quiet -o -H newc) >"$BUILD/tests/httpd-root.cpio"
port=$(free_port)
if QEMU_EXTRA="-initrd $BUILD/tests/httpd-root.cpio" service_start httpd-root build/httpd.elf '^httpd: serving /srv' \
     "tcp:127.0.0.1:$port-:80" -- --root /srv; then
  checks httpd-root tests/services/httpd_root.sh "$port" "$rtree/srv"
  service_stop httpd-root
fi

# media_start NAME MEM TOOLS: NAME's media made by tests/services/NAME_media.sh (with TOOLS and
# mtools) on a FAT disk, and build/NAME.elf booted with MEM of memory serving it read-only from
# /data. Sets port and media for the checks; fails (reported) when either step does.
media_start() {
  local name=$1 mem=$2 tools=$3
  media=$BUILD/tests/$name-media
  if ! tests/services/"$name"_media.sh "$media" "$BUILD/tests/$name.img" >"$LOGS/$name-media.log" 2>&1; then
    fail "$name: test media" "$tools or mtools failed (scripts/setup installs both)" "$LOGS/$name-media.log"
    return 1
  fi
  port=$(free_port)
  MEM=$mem QEMU_EXTRA="-drive file=$BUILD/tests/$name.img,format=raw,if=virtio" \
    service_start "$name" "build/$name.elf" "^$name: serving /data" "tcp:127.0.0.1:$port-:80" mount=vda:/data:ro -- --root /data
}

# --- flv: video from a FAT disk, FLV seeks (?start=) and byte ranges ---------------------------
# The media are made here by the host's ffmpeg (tests/services/flv_media.sh); the guest has 8 MiB,
# so the files must go out in chunks. A seek's answer is read back with ffprobe.
if media_start flv 8M ffmpeg; then
  checks flv tests/services/flv_checks.sh "$port" "$media"
  checks flv-raw python3 tests/services/flv_raw.py "$port" "$media"
  service_stop flv
fi

# --- img: images from a FAT disk, transformed on request (apps/img) -----------------------------
# The images are made here by ImageMagick (tests/services/img_media.sh), bombs and damaged files
# among them; the answers are read back with identify. 64 MiB of guest memory, as the app expects.
if media_start img 64M ImageMagick; then
  checks img tests/services/img_checks.sh "$port" "$media"
  service_stop img
fi

# --- httpd with a static address: slirp forwards to that address, so an answer proves it ----
port=$(free_port)
if service_start httpd-static build/httpd.elf '^httpd: serving' "tcp:127.0.0.1:$port-10.0.2.77:8080" \
     ip=10.0.2.77/24 gw=10.0.2.2 dns=10.0.2.3 -- --port 8080; then
  if grep -Eq 'net0 address 10\.0\.2\.77/24, gateway 10\.0\.2\.2, dns 10\.0\.2\.3 \(static\)' "$SERVICE_LOG"; then
    pass "httpd-static: the static address printed at boot"
  else
    fail "httpd-static: the static address printed at boot" "no static address line" "$SERVICE_LOG"
  fi
  code=$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")
  if [ "$code" = 200 ]; then
    pass "httpd-static: answers on 10.0.2.77:8080"
  else
    fail "httpd-static: answers on 10.0.2.77:8080" "HTTP status '$code'" "$SERVICE_LOG"
  fi
  service_stop httpd-static
fi

# --- httpd short of memory under load: it sheds connections and recovers by itself ----------
abuse_case() {   # abuse_case MEM CONNS SECONDS
  local name=httpd-abuse-$1-$2 port
  port=$(free_port)
  if MEM=$1 service_start "$name" build/httpd.elf '^httpd: serving' "tcp:127.0.0.1:$port-:80"; then
    checks "$name" tests/services/httpd_abuse.sh "$port" "$3" "$2" "$SERVICE_LOG"
    service_stop "$name"
  fi
}
abuse_case 3M 64 60
abuse_case 3M 256 60
abuse_case 4M 64 30
abuse_case 4M 256 30

# --- slowloris: heads dribbled a byte at a time cannot hold the server ----------------------
port=$(free_port)
if service_start httpd-slowloris build/httpd.elf '^httpd: serving' "tcp:127.0.0.1:$port-:80" -- --max-connections 64; then
  checks httpd-slowloris python3 tests/services/slowloris.py "$port" 100 24
  service_stop httpd-slowloris
fi

# --- echo: TCP and UDP round trips -----------------------------------------------------------
tport=$(free_port)
uport=$(free_port)
if service_start echo build/echo.elf '^echo: listening' "tcp:127.0.0.1:$tport-:7 udp:127.0.0.1:$uport-:7"; then
  checks echo python3 tests/services/echo_client.py "$tport" "$uport"
  service_stop echo
fi

# --- peers by name: echo in guest A, a client in guest B that knows A only as host=echo-a, on a
# private network (NIC 1: a multicast group on 127.0.0.1) beside each one's user network
checks peer-by-name tests/services/peer_by_name.sh "$LOGS"

# --- TCP initial sequence numbers (RFC 6528): 6 connections to echo, captured on the host; the
# guest's SYN-ACKs must not follow from one another (tests/lib/isn_check.py says how it judges)
tport=$(free_port)
isn_pcap=$BUILD/tests/isn.pcap
rm -f "$isn_pcap"
if QEMU_EXTRA="-object filter-dump,id=f0,netdev=net0,file=$isn_pcap" \
   service_start echo-isn build/echo.elf '^echo: listening' "tcp:127.0.0.1:$tport-:7"; then
  checks echo-isn python3 - "$tport" <<'PY'
import socket, sys
port = int(sys.argv[1])
for i in range(6):
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(b"isn\n")
        got = s.recv(16)
    print(("ok" if got == b"isn\n" else "not ok") + " connection %d echoes (got %r)" % (i, got))
PY
  service_stop echo-isn
  if python3 tests/lib/isn_check.py "$isn_pcap" 7 6 >"$LOGS/isn-check.log" 2>&1; then
    pass "echo-isn: initial sequence numbers are not a function of the previous one"
  else
    fail "echo-isn: initial sequence numbers are not a function of the previous one" "see the log" "$LOGS/isn-check.log"
  fi
fi

# --- echo at one vCPU under a UDP flood with every host CPU busy: it must keep answering -----
tport=$(free_port)
uport=$(free_port)
if SMP=1 service_start echo-flood build/echo.elf '^echo: listening' "tcp:127.0.0.1:$tport-:7 udp:127.0.0.1:$uport-:7"; then
  checks echo-flood python3 tests/services/echo_flood.py "$tport" "$uport"
  service_stop echo-flood
fi

# --- virtio-net: every feature set a device may offer ------------------------------------------
# httpd, with each feature the driver may negotiate turned off in turn (and all at once), must get
# its DHCP lease, serve its index page and a 64 KiB file intact. The debug line proves the
# feature was really off: its bit is clear in what was negotiated. Without MRG_RXBUF the device
# need not fill num_buffers; legacy without it has the 10-byte header.
declare -A feature_bit=([mrg_rxbuf]=15 [event_idx]=29 [indirect_desc]=28 [csum]=0 [guest_csum]=1)
for props in "" mrg_rxbuf=off event_idx=off indirect_desc=off csum=off guest_csum=off disable-modern=on \
             disable-modern=on,mrg_rxbuf=off mrg_rxbuf=off,event_idx=off,indirect_desc=off,csum=off,guest_csum=off; do
  label="nic[${props:-every feature}]"
  port=$(free_port)
  NIC="virtio-net-pci${props:+,$props}" service_start "$label" build/httpd.elf '^httpd: serving' \
    "tcp:127.0.0.1:$port-:80" debug || continue
  features=$(grep -oE 'net0: virtio pci(-legacy)? at [^,]*, features 0x[0-9a-f]+' "$SERVICE_LOG" | grep -oE '0x[0-9a-f]+$')
  transport=$(grep -oE 'net0: virtio pci(-legacy)? ' "$SERVICE_LOG" | awk '{print $3}')
  why=""
  [ -n "$features" ] || why="no negotiated features on the console"
  for p in ${props//,/ }; do
    name=${p%=*}
    if [ "$name" = disable-modern ]; then
      [ "$transport" = pci-legacy ] || why+=" transport is '$transport', not pci-legacy"
    elif [ -n "$features" ] && (( (features >> ${feature_bit[$name]}) & 1 )); then
      why+=" $name is on in $features"
    fi
  done
  if [ -z "$why" ]; then pass "$label: the device runs without it"; else fail "$label: the device runs without it" "$why" "$SERVICE_LOG"; fi
  index=$(curl -sS --max-time 30 "http://127.0.0.1:$port/" | sha256sum | cut -d' ' -f1)
  big=$(curl -sS --max-time 60 "http://127.0.0.1:$port/bench/64k.txt" | sha256sum | cut -d' ' -f1)
  if [ "$index" = "$(sha256sum <apps/httpd/www/index.html | cut -d' ' -f1)" ] &&
     [ "$big" = "$(sha256sum <apps/httpd/www/bench/64k.txt | cut -d' ' -f1)" ]; then
    pass "$label: DHCP, the index page and 64 KiB arrive intact"
  else
    fail "$label: DHCP, the index page and 64 KiB arrive intact" "sha256 index $index, 64 KiB $big" "$SERVICE_LOG"
  fi
  service_stop "$label"
done

# --- virtio-net over a tap: partial checksums from the host (root only: a namespace and a tap) ---
if [ "$(id -u)" = 0 ] && [ -c /dev/net/tun ]; then
  checks tap-csum unshare -n tests/services/tap_csum.sh "$LOGS/service-tap-csum.log"
else
  echo "SKIP  tap-csum: needs root and /dev/net/tun (a network namespace with a tap device)"
fi

# --- the ACPI power button while wrk runs: httpd stops gracefully on each machine's wiring ---
for spec in pc:virtio-net-pci q35:virtio-net-pci microvm:virtio-net-device; do
  checks "powerdown-httpd-${spec%%:*}" tests/services/httpd_powerdown.sh "${spec%%:*}" "${spec#*:}" "$LOGS"
done
# echo: each connection gets back what it sent up to the stop, then a clean end of stream
checks powerdown-echo python3 tests/services/echo_powerdown.py "$LOGS"
