#!/bin/sh
# Picks the Node.js runtime that fits the Grafana image being built, at image build time.
# Grafana's default tags are Alpine (musl libc), the -ubuntu tags are glibc; a Node.js binary
# runs only on the libc it was built for. The Dockerfile copies both official Node.js builds
# (node:<v>-alpine and node:<v>-bookworm-slim) into $SRC/musl and $SRC/glibc; this script
# looks at the image's dynamic loader, puts the matching one into $OUT (bin/node, lib/ with the
# C++ runtime the musl build needs), and checks that it runs and is the major version wanted.
#   SRC=/tmp/node OUT=/tmp/node-out NODE_MAJOR=20 [ROOT=/] sh pick-node.sh
set -eu
ROOT=${ROOT:-}
: "${SRC:?}" "${OUT:?}" "${NODE_MAJOR:?}"
libc=
for loader in "$ROOT"/lib/ld-musl-*.so.1; do
  [ -e "$loader" ] && libc=musl
done
if [ -z "$libc" ]; then
  for loader in "$ROOT"/lib64/ld-linux-*.so.* "$ROOT"/lib/ld-linux-*.so.* "$ROOT"/lib/*-linux-gnu/ld-linux-*.so.*; do
    [ -e "$loader" ] && libc=glibc
  done
fi
if [ -z "$libc" ]; then
  echo "pick-node: this base image has neither a musl nor a glibc dynamic loader under $ROOT/lib*; supported bases are grafana/grafana (Alpine) and grafana/grafana:<version>-ubuntu" >&2
  exit 1
fi
mkdir -p "$OUT/bin" "$OUT/lib"
cp "$SRC/$libc/bin/node" "$OUT/bin/node"
if [ -d "$SRC/$libc/lib" ]; then cp -P "$SRC/$libc/lib/"* "$OUT/lib/" 2>/dev/null || true; fi
# musl looks in /usr/local/lib before /usr/lib, where the image's own copies would be.
version=$(LD_LIBRARY_PATH="$OUT/lib" "$OUT/bin/node" --version) || {
  echo "pick-node: the $libc build of Node.js does not run on this base image" >&2
  exit 1
}
case "$version" in
  v"$NODE_MAJOR".*) ;;
  *) echo "pick-node: expected Node.js $NODE_MAJOR.x, the $libc build says $version" >&2; exit 1 ;;
esac
echo "pick-node: $libc base image, Node.js $version" >&2
