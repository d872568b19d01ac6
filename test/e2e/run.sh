#!/usr/bin/env bash
# `npm run test:e2e`: the extension in a real VS Code, offline.
# Installs the tools when missing (test/e2e/install-tools.sh), packages the VSIX, builds the
# extension, then test/e2e/driver.js runs the suite in a trusted and an untrusted workspace and the
# UI smoke test against the installed VSIX. Ends with one `e2e: N passed, N failed` line.
# Env: DUO_E2E_CACHE (tool cache root), DUO_E2E_ONLY=trusted|untrusted|ui, DUO_E2E_TIMEOUT_MS.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
start=$SECONDS
fail() { echo "$*" >&2; echo "e2e: 0 passed, 1 failed"; exit 1; }

tools=$(bash test/e2e/install-tools.sh | tail -n 1) || fail "e2e: installing the tools failed"

# Build output is only interesting when it fails.
buildlog=$(mktemp)
trap 'rm -f "$buildlog"' EXIT
version=$(node -p 'require("./package.json").version')
vsix="$repo/duo-rules-$version.vsix"
rm -f "$vsix"
npm run --silent package >"$buildlog" 2>&1 || { cat "$buildlog" >&2; fail "e2e: npm run package failed"; }
# The suites load the extension from the working tree: rebuild it with source maps for readable stacks.
npm run --silent build >"$buildlog" 2>&1 || { cat "$buildlog" >&2; fail "e2e: npm run build failed"; }
echo "# tools, VSIX and build ready after $((SECONDS - start))s"

rm -f "$buildlog"; trap - EXIT
# The driver's last line is the summary; its exit status is ours.
DUO_E2E_TOOLS=$tools DUO_E2E_VSIX=$vsix exec node test/e2e/driver.js
