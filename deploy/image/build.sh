#!/bin/sh
# build.sh OUT: builds what the Skirmish image holds into the directory OUT,
# laid out as the image's root file system:
#
#   OUT/skirmish                    the server, static (CGO_ENABLED=0)
#   OUT/srv/skirmish/bin/web/       the browser client (make web); the
#                                   image's working directory is /srv/skirmish,
#                                   so `skirmish serve`'s default -web bin/web
#                                   finds it
#   OUT/etc/passwd, OUT/etc/group   the non-root user skirmish (65532)
#   OUT/etc/ssl/certs/ca-certificates.crt  CA roots (rediss://, wss:// peers)
#
# The Dockerfile's build stage runs exactly this, and so does
# deploy/image/test-image.sh before it builds the FROM scratch variant
# (Dockerfile.scratch) from OUT: one list of build commands, tested.
# Run it from the repository root.
set -eu
out=${1:?usage: deploy/image/build.sh OUT}
GO=${GO:-go}
mkdir -p "$out/srv/skirmish/bin" "$out/etc/ssl/certs" "$out/tmp"
chmod 1777 "$out/tmp"

# A static binary: no libc, so it runs in a scratch image.
CGO_ENABLED=0 "$GO" build -buildvcs=false -trimpath -ldflags='-s -w' -o "$out/skirmish" ./cmd/skirmish

# The browser client, as `make web` builds it (the same rule, not a copy).
make --no-print-directory web GO="$GO" WEB_DIR="$out/srv/skirmish/bin/web" CLIENT_WASM="$out/skirmish-client.wasm" >/dev/null
rm -f "$out/skirmish-client.wasm"

# A numeric non-root user (65532, as distroless's nonroot) with a name, so
# tools that look the user up find one.
printf 'root:x:0:0:root:/root:/sbin/nologin\nskirmish:x:65532:65532:skirmish:/srv/skirmish:/sbin/nologin\n' >"$out/etc/passwd"
printf 'root:x:0:\nskirmish:x:65532:\n' >"$out/etc/group"

# CA roots, when the build machine has them (the golang image does).
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
	cp /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/"
fi
