#!/bin/sh
# Launcher of the quant-pairs-datasource backend (a Node.js program), started by Grafana as
# <plugin dir>/gpx_pairs_linux_<arch>. Grafana may start it without PATH, so node is looked
# up only at explicit places, first match wins:
#   1. $GF_PLUGIN_NODE_PATH  (grafana.ini: [plugin.quant-pairs-datasource] node_path = /path/to/node)
#                             a node executable, or a directory holding bin/node or node
#   2. $PAIRS_NODE           (the same, as a plain environment variable)
#   3. <plugin dir>/node/bin/node, <plugin dir>/node   (a Node.js bundled next to the plugin)
#   4. /usr/bin/node, /usr/local/bin/node, /opt/node/bin/node, /opt/nodejs/bin/node
# Only shell built-ins are used here (no dirname, no PATH).
case "$0" in
  */*) DIR=${0%/*} ;;
  *) DIR=. ;;
esac
NODE=
for cand in "$GF_PLUGIN_NODE_PATH" "$PAIRS_NODE"; do
  [ -n "$cand" ] || continue
  for f in "$cand" "$cand/bin/node" "$cand/node"; do
    if [ -f "$f" ] && [ -x "$f" ]; then NODE=$f; break 2; fi
  done
  echo "quant-pairs-datasource: the configured node ($cand) is not an executable file; trying the default places" >&2
done
if [ -z "$NODE" ]; then
  for f in "$DIR/node/bin/node" "$DIR/node" /usr/bin/node /usr/local/bin/node /opt/node/bin/node /opt/nodejs/bin/node; do
    if [ -f "$f" ] && [ -x "$f" ]; then NODE=$f; break; fi
  done
fi
if [ -z "$NODE" ]; then
  echo "quant-pairs-datasource: cannot start the backend: Node.js (>= 20) was not found." >&2
  echo "  Looked at: \$GF_PLUGIN_NODE_PATH, \$PAIRS_NODE, $DIR/node/bin/node, $DIR/node, /usr/bin/node, /usr/local/bin/node, /opt/node/bin/node, /opt/nodejs/bin/node." >&2
  echo "  Install Node.js in the Grafana image (Alpine: apk add nodejs) or set [plugin.quant-pairs-datasource] node_path in grafana.ini." >&2
  exit 127
fi
# The backend leaves when this parent (Grafana) is gone, even if that happens before it started.
PAIRS_PARENT_PID=$PPID
export PAIRS_PARENT_PID
exec "$NODE" "$DIR/backend/main.js" "$@"
