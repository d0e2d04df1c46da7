#!/usr/bin/env bash
# End-to-end test of `muster serve` in headless Chromium (see
# scripts/serve-browser-test.mjs): moves a slider, checks the new answer
# against `muster run --set`, times slider change to redrawn page, refuses
# a bad value, asks for more precision.
#
#   scripts/serve-browser-test.sh MUSTER SCENARIO [KEY] [MOVES]
#
# The screenshot goes to $SCREENSHOT (default /tmp/muster-serve.png);
# docs/serve.png is refreshed with
#   SCREENSHOT=docs/serve.png scripts/serve-browser-test.sh target/release/muster scenarios/gaza_isf_2025-11.toml
# Installs Debian's chromium and nodejs when missing.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 MUSTER SCENARIO [KEY] [MOVES]" >&2
    exit 2
fi
if [ ! -x /usr/bin/chromium ]; then
    echo "serve-browser-test: installing chromium" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi
if ! command -v node >/dev/null; then
    echo "serve-browser-test: installing nodejs" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >&2
fi
exec node "$(dirname "$0")/serve-browser-test.mjs" "$@"
