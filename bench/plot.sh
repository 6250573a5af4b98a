#!/usr/bin/env bash
# `lrsched plot` benchmark and self-containment check (docs/performance.md).
#
# 1. Timing: drawing cost must follow the image width, not `iters`. Times the release binary
#    plotting the reference example with --iters 1000 and --iters 100000000 (and a schedule
#    with 10^8 decays, more segments than pixels), as PNG, SVG and in the terminal.
# 2. Linking: the binary must not link fontconfig, freetype or any C library beyond libc.
# 3. No fonts: renders with every system font directory hidden (a private mount namespace,
#    needs root or user namespaces) and checks the PNG is byte-identical to a normal render.
#
# Usage: bench/plot.sh            (from anywhere; builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
bin="$PWD/target/release/lrsched"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "## machine"
echo "$(nproc) cores, $(uname -sr), $("$bin" --version)"

echo
echo "## linked libraries (ldd $bin)"
ldd "$bin" || true
if ldd "$bin" | grep -Eiq 'fontconfig|freetype|expat|libpng|libz'; then
    echo "FAIL: the binary links a font or image C library" >&2
    exit 1
fi
echo "ok: no fontconfig/freetype/libpng/zlib"

echo
echo "## timing"
dense="--step-size 1 --gamma 0.9999999"
if command -v hyperfine >/dev/null; then
    # Output goes to /dev/null (hyperfine's default): `-o -` measures drawing and encoding
    # without the file sink's fsync, and the terminal plots draw at 80 columns.
    hyperfine --warmup 5 --min-runs 50 --shell=none --output=null \
        --export-markdown "$work/plot.md" \
        -n "png to stdout, --iters 1000" "$bin plot --iters 1000 -o -" \
        -n "png to stdout, --iters 100000000" "$bin plot --iters 100000000 -o -" \
        -n "png to stdout, step_size 1, --iters 100000000" "$bin plot $dense --iters 100000000 -o -" \
        -n "png file, --iters 1000" "$bin plot --iters 1000 -o $work/a.png" \
        -n "png file, --iters 100000000" "$bin plot --iters 100000000 -o $work/b.png" \
        -n "svg file, --iters 1000" "$bin plot --iters 1000 -o $work/a.svg" \
        -n "svg file, --iters 100000000" "$bin plot --iters 100000000 -o $work/b.svg" \
        -n "terminal, --iters 1000" "$bin plot -t --iters 1000" \
        -n "terminal, --iters 100000000" "$bin plot -t --iters 100000000"
    cat "$work/plot.md"
else
    for iters in 1000 100000000; do
        start=$(date +%s%N)
        for _ in $(seq 30); do "$bin" plot --iters "$iters" -o - >/dev/null 2>&1; done
        end=$(date +%s%N)
        echo "png to stdout, --iters $iters: $(( (end - start) / 30000 )) µs per run (mean of 30)"
    done
fi

echo
echo "## rendering with no fonts installed"
"$bin" plot -o "$work/with-fonts.png" 2>/dev/null
if unshare -m true 2>/dev/null; then
    unshare -m sh -c '
        for dir in /usr/share/fonts /usr/local/share/fonts /etc/fonts "$HOME/.fonts" "$HOME/.local/share/fonts"; do
            [ -d "$dir" ] && mount -t tmpfs none "$dir"
        done
        echo "fonts visible to fontconfig: $(fc-list 2>/dev/null | wc -l)"
        "$1" plot -o "$2" 2>/dev/null
    ' sh "$bin" "$work/no-fonts.png"
    if cmp -s "$work/with-fonts.png" "$work/no-fonts.png"; then
        echo "ok: the render without any fonts is byte-identical to the normal one"
    else
        echo "FAIL: the render differs without system fonts" >&2
        exit 1
    fi
else
    echo "skipped: no mount namespaces here (needs root or user namespaces)"
fi
