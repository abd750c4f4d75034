# The Skirmish image: one static binary whose subcommand picks the role
# (serve, host, matchmaker, keygen, bots), the browser client for serve, a
# non-root user, nothing else.
#
#   docker build -t skirmish .
#   docker run -p 8080:8080 skirmish                    # serve, client at /
#   docker run skirmish host -redis redis://… -token-pubkey /keys/token.pub
#
# The build stage runs deploy/image/build.sh, which deploy/image/test-image.sh
# (make test-image) also runs before it builds Dockerfile.scratch, the same
# final stage on FROM scratch; see deploy/README.md.

ARG GO_IMAGE=golang:1.26-bookworm
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
# brotli: make web stores the wasm Brotli-compressed (3.8 MB over the wire
# against 5.2 MB gzipped); without it the image would serve gzip only.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends brotli && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Modules first, so a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN deploy/image/build.sh /out

FROM ${BASE_IMAGE}
# distroless/static has CA roots, tzdata and the nonroot user (65532) of
# its own; the user and group files are the build's, for a base without.
COPY --from=build /out/etc/passwd /out/etc/group /etc/
COPY --from=build /out/skirmish /skirmish
# Root-owned and read-only to the server: it never writes its client.
COPY --from=build /out/srv/skirmish /srv/skirmish
WORKDIR /srv/skirmish
USER 65532:65532
# serve, matchmaker, host (their default -addr)
EXPOSE 8080 8081 8090
ENTRYPOINT ["/skirmish"]
CMD ["serve"]
