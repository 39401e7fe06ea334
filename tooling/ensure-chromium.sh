#!/usr/bin/env bash
# The browser tests (packages/web/e2e, the bench's browser scenario) drive Debian's Chromium
# through playwright-core, which never downloads a browser here. `pnpm test` runs this first:
# it installs the chromium package when it is missing (as root, with apt), else says how.
set -euo pipefail
chromium_bin=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ -x "$chromium_bin" ]]; then exit 0; fi
echo "$chromium_bin is missing; installing Debian's chromium package"
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if [[ ! -x "$chromium_bin" ]]; then
  echo "FAIL: no Chromium at $chromium_bin: install it (apt-get install chromium) or set CHROMIUM_PATH" >&2
  exit 1
fi
"$chromium_bin" --version 2>/dev/null || true
