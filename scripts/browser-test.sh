#!/usr/bin/env bash
# Renders RESULT_DIR/report.html in headless Chromium, as a reader would see it.
#
#   scripts/browser-test.sh RESULT_DIR
#
# Fails unless the screenshot shows something (not all one colour) and the
# rendered page holds the scenario's name (from RESULT_DIR/run.toml), the
# headline in words first, then the key figures (the summary and the
# milestones), every chart (the fan of personnel by month and the waterfall
# of the pledged personnel with their titles among them), the tables, and
# the run record last. The screenshot goes to $SCREENSHOT (default
# /tmp/muster-report.png). Installs Debian's chromium when missing.
#
# The screenshot in docs/ is this test's, refreshed after a change to the
# report with
#   cargo run --release -- run scenarios/gaza_isf_2025-11.toml
#   SCREENSHOT=docs/gaza-report.png bash scripts/browser-test.sh results/gaza_isf_2025-11
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 RESULT_DIR" >&2
    exit 2
fi
dir=$(cd "$1" && pwd)
report="$dir/report.html"
screenshot=${SCREENSHOT:-/tmp/muster-report.png}
[ -f "$report" ] || { echo "browser-test: no report at $report" >&2; exit 1; }
[ -f "$dir/run.toml" ] || { echo "browser-test: no run.toml in $dir" >&2; exit 1; }

if [ ! -x /usr/bin/chromium ]; then
    echo "browser-test: installing chromium" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi

profile=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$profile" "$work"' EXIT

chromium_run() {
    timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-quic --hide-scrollbars --user-data-dir="$profile" "$@" "file://$report"
}

rm -f "$screenshot"
chromium_run --screenshot="$screenshot" --window-size=1200,3000 >"$work/shot.log" 2>&1 || {
    cat "$work/shot.log" >&2
    echo "browser-test: chromium failed to take a screenshot" >&2
    exit 1
}
[ -s "$screenshot" ] || { cat "$work/shot.log" >&2; echo "browser-test: no screenshot written" >&2; exit 1; }

chromium_run --dump-dom >"$work/dom.html" 2>"$work/dom.log" || {
    cat "$work/dom.log" >&2
    echo "browser-test: chromium failed to dump the DOM" >&2
    exit 1
}

python3 - "$screenshot" "$work/dom.html" "$dir/run.toml" <<'PY'
import html, re, struct, sys, tomllib, zlib

png_path, dom_path, run_path = sys.argv[1:4]
problems = []


def png_is_blank(path):
    """True when every pixel of an 8-bit, non-interlaced PNG has one colour."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError(f"unsupported PNG layout (depth {depth}, colour type {colour}, interlace {interlace})")
    raw = zlib.decompress(b"".join(idat))
    bpp, stride = channels, width * channels
    prev, first = bytearray(stride), None
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + (left + prev[i]) // 2) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        if first is None:
            first = bytes(line[:bpp])
        if bytes(line) != first * width:
            return False
        prev = line
    return True


try:
    if png_is_blank(png_path):
        problems.append("the screenshot is blank (all one colour)")
except Exception as e:  # a broken PNG is a failure too
    problems.append(f"cannot read the screenshot: {e}")

dom = open(dom_path, encoding="utf-8").read()
with open(run_path, "rb") as f:
    run = tomllib.load(f)
name = run.get("scenario_name")
if not name:
    problems.append("run.toml has no scenario_name")
elif name not in dom and html.escape(name, quote=False) not in dom:
    problems.append(f"the page does not show the scenario name {name!r}")
if 'id="summary"' not in dom:
    problems.append('the page has no summary table (id="summary")')
if 'id="milestones"' not in dom:
    problems.append('the page has no milestones table (id="milestones")')
headline = re.search(r'<p class="headline">(.*?)</p>', dom, re.S)
if not headline:
    problems.append('the page has no headline (<p class="headline">)')
elif not re.search(r"In [0-9,]+ simulated .* the force (never )?reached", html.unescape(headline.group(1))):
    problems.append(f"the headline does not say how often the force came together: {headline.group(1)!r}")

charts = {
    "fan": "Personnel in theatre by month",
    "losses": "Where the pledged personnel goes",
    "exceedance": "Chance of reaching each force size",
    "contributors": None,
    "blockers": None,
    "conditions": None,
}
for chart, title in charts.items():
    if f'id="chart-{chart}"' not in dom:
        problems.append(f"the page has no chart-{chart}")
        continue
    figure = dom.split(f'id="chart-{chart}"', 1)[1].split("</figure>", 1)[0]
    if "<svg" not in figure:
        problems.append(f"chart-{chart} holds no SVG")
    elif title and title not in figure:
        problems.append(f"chart-{chart} lacks its title {title!r}")

# From the top down: headline, key figures, charts, tables, run record last.
order = ['id="headline"', 'id="summary"', 'id="milestones"', 'id="charts"',
         'id="table-contributors"', 'id="run"']
places = [dom.find(marker) for marker in order]
if -1 not in places and places != sorted(places):
    problems.append("the page is not in the order headline, key figures, charts, tables, run record: "
                    + ", ".join(m for _, m in sorted(zip(places, order))))

for p in problems:
    print(f"browser-test: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY

echo "browser-test: ok; screenshot at $screenshot"
