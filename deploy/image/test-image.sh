#!/bin/bash
# test-image.sh: builds the Skirmish image's FROM scratch variant with
# buildah and runs the binary inside it (make test-image, part of make test).
#
# No registry is reachable from the test machines, so the Dockerfile's base
# images (golang, distroless) cannot be pulled. This runs the Dockerfile's
# build stage commands (deploy/image/build.sh) on this machine instead,
# builds Dockerfile.scratch from their output, and checks, in a container
# of that image:
#   - the binary is static (file, go version -m: CGO_ENABLED=0),
#   - the image runs as 65532:65532 with /skirmish serve by default, holds
#     no shell, a passwd entry for 65532, and a root-owned web client,
#   - an unknown subcommand exits 2 with a message,
#   - `skirmish serve` starts with only what the image holds, as UID
#     65532: /healthz answers ok, /readyz 200, and / serves the browser
#     client (so serve's default -web found it); SIGTERM drains it to
#     exit status 0.
# Storage is a temporary vfs store (no overlay, no daemon), removed at the
# end; chroot isolation, host network. Every step is bounded in time.
set -eu
cd "$(dirname "$0")/../.."
command -v buildah >/dev/null 2>&1 || { echo "test-image: buildah not installed (make deps installs it)" >&2; exit 1; }

work=$(mktemp -d /tmp/skirmish-image.XXXXXX)
ctr=""
pid=""
inner=""
B() { timeout 120 buildah --storage-driver vfs --root "$work/storage" --runroot "$work/run" "$@"; }
cleanup() {
	set +e
	# A run still going (a check failed): end its whole process tree,
	# which this script started, so nothing outlives the test.
	if [ -n "$pid" ]; then
		kill -KILL $(tree "$pid") "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	[ -n "$ctr" ] && B rm "$ctr" >/dev/null 2>&1
	B rmi -a -f >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
# descendant PID NAME: the first process under PID whose command is NAME
# (buildah run does not pass signals on, so SIGTERM goes to the server
# itself, the way a container runtime's stop reaches PID 1).
descendant() {
	local c
	for c in $(pgrep -P "$1"); do
		if [ "$(cat /proc/$c/comm 2>/dev/null)" = "$2" ]; then echo "$c"; return; fi
		descendant "$c" "$2" && return
	done
	return 1
}
# tree PID: every process under PID.
tree() {
	local c
	for c in $(pgrep -P "$1"); do
		echo "$c"
		tree "$c"
	done
}
fail() { echo "test-image: FAIL: $*" >&2; exit 1; }

start=$(date +%s)
echo "test-image: build stage (deploy/image/build.sh)"
timeout 300 deploy/image/build.sh "$work/rootfs"

file "$work/rootfs/skirmish" | grep -q 'statically linked' || fail "binary not static: $(file "$work/rootfs/skirmish")"
go version -m "$work/rootfs/skirmish" | grep -q 'CGO_ENABLED=0' || fail "binary not built with CGO_ENABLED=0"

echo "test-image: buildah bud -f Dockerfile.scratch"
B bud --quiet --isolation chroot -f "$PWD/Dockerfile.scratch" -t skirmish:test "$work/rootfs" >/dev/null

user=$(B inspect --format '{{.OCIv1.Config.User}}' skirmish:test)
[ "$user" = "65532:65532" ] || fail "image user is '$user', want 65532:65532"
cmd=$(B inspect --format '{{.OCIv1.Config.Entrypoint}} {{.OCIv1.Config.Cmd}}' skirmish:test)
[ "$cmd" = "[/skirmish] [serve]" ] || fail "entrypoint and cmd are '$cmd', want [/skirmish] [serve]"

ctr=$(B from skirmish:test)

# What the image holds: the binary and nothing to run it with but itself;
# the client owned by root, so the server (65532) cannot change it.
mnt=$(B mount "$ctr")
[ -x "$mnt/skirmish" ] || fail "no /skirmish in the image"
[ ! -e "$mnt/bin/sh" ] || fail "the image has a shell"
[ "$(stat -c %u "$mnt/srv/skirmish/bin/web/index.html")" = 0 ] || fail "the web client is not owned by root"
grep -q '^skirmish:x:65532:65532:' "$mnt/etc/passwd" || fail "no user 65532 in /etc/passwd"
B umount "$ctr" >/dev/null

# A bad subcommand: a clear message and exit 2, not a crash.
set +e
msg=$(B run --isolation chroot "$ctr" -- /skirmish no-such-command 2>&1)
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "unknown subcommand exited $rc, want 2: $msg"
echo "$msg" | grep -q 'unknown command' || fail "unknown subcommand said: $msg"

# serve on a free loopback port (host network), with the image's defaults
# otherwise: its -web is bin/web under the working directory.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18380)
B run --isolation chroot --network host "$ctr" -- /skirmish serve -addr "127.0.0.1:$port" -drain-timeout 1s -shutdown-timeout 1s >"$work/serve.log" 2>&1 &
pid=$!
ok=""
i=0
while [ $i -lt 100 ]; do
	if curl -fsS -m 2 "http://127.0.0.1:$port/healthz" 2>/dev/null | grep -q ok; then ok=1; break; fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
	i=$((i + 1))
done
[ -n "$ok" ] || { cat "$work/serve.log" >&2; fail "serve in the image never answered /healthz"; }
code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")
[ "$code" = 200 ] || fail "/readyz answered $code, want 200"
curl -fsS -m 5 "http://127.0.0.1:$port/" | grep -q 'skirmish\.[0-9a-f]*\.wasm' || { cat "$work/serve.log" >&2; fail "/ does not serve the browser client from the image"; }

# SIGTERM drains and exits 0, as Kubernetes stops a pod.
inner=$(descendant "$pid" skirmish) || fail "no skirmish process under buildah run"
[ "$(stat -c %u /proc/$inner)" = 65532 ] || fail "serve runs as uid $(stat -c %u /proc/$inner), want 65532"
kill -TERM "$inner"
set +e
wait "$pid"
rc=$?
set -e
pid=""
inner=""
[ "$rc" -eq 0 ] || { cat "$work/serve.log" >&2; fail "serve exited $rc after SIGTERM, want 0"; }
echo "test-image: ok ($(( $(date +%s) - start )) s): static binary, user 65532, serve answered /healthz, /readyz and / from a FROM scratch image, drained on SIGTERM"
