#!/usr/bin/env bash
# The Python package (pyproject.toml, python/lrsched): build the wheel from this checkout the way
# `pip install .` does, install it into a fresh venv, and check that the `lrsched` it puts on the
# venv's PATH and `python -m lrsched` print exactly what the cargo-built binary prints, and that
# the wheel holds the binary and metadata only. Run by .ci/run after `cargo test`.
#
# Needs python3 with venv, unzip, and PyPI for maturin (installed into a throwaway venv, never
# into the system). Without python3 + venv it says so and skips; any other failure fails.
# The release build goes to cargo's target/ (or $CARGO_TARGET_DIR), shared with
# `cargo build --release`; everything else goes to a temporary directory, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    echo "tests/wheel.sh: SKIPPED: the Python wheel is not tested: no python3 with the venv" \
        "module here (Debian/Ubuntu: apt-get install python3-venv)" >&2
    exit 0
fi

fail() {
    echo "tests/wheel.sh: FAILED: $*" >&2
    exit 1
}
command -v unzip >/dev/null 2>&1 || fail "unzip is needed to list the wheel (apt-get install unzip)"

# One source for each: the version is Cargo.toml's, the maturin requirement pyproject.toml's.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
maturin=$(sed -n 's/^requires = \["\(maturin[^"]*\)"\]$/\1/p' pyproject.toml)
[ -n "$version" ] || fail "no version in Cargo.toml"
[ -n "$maturin" ] || fail "no maturin requirement in pyproject.toml's [build-system]"

status_before=$(git status --porcelain)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "tests/wheel.sh: building the wheel with $maturin"
python3 -m venv "$tmp/build"
"$tmp/build/bin/python" -m pip install --quiet --disable-pip-version-check "$maturin"
# pip's PEP 517 build, as `pip install .` runs it; without build isolation, so that maturin
# comes from the venv above instead of being downloaded again.
PATH="$tmp/build/bin:$PATH" "$tmp/build/bin/python" -m pip wheel --quiet \
    --disable-pip-version-check --no-build-isolation --no-deps --wheel-dir "$tmp/dist" .
wheels=("$tmp"/dist/lrsched-"$version"-*.whl)
[ "${#wheels[@]}" = 1 ] && [ -f "${wheels[0]}" ] ||
    fail "expected one wheel lrsched-$version-*.whl, got: $(ls "$tmp/dist")"
wheel=${wheels[0]}

# The binary and metadata only (plus python/lrsched for `python -m lrsched`): no schedules, docs,
# images, tests or Rust sources.
unzip -l "$wheel"
entries=$(unzip -Z1 "$wheel")
while IFS= read -r entry; do
    case "$entry" in
        lrsched/__init__.py | lrsched/__main__.py | "lrsched-$version.data/scripts/lrsched") ;;
        "lrsched-$version.dist-info/METADATA" | "lrsched-$version.dist-info/WHEEL") ;;
        "lrsched-$version.dist-info/RECORD") ;;
        "lrsched-$version.dist-info/licenses/assets/fonts/LICENSE-DejaVu.txt") ;;
        "lrsched-$version.dist-info/sboms/"*.cyclonedx.json) ;; # newer maturin: the Rust dependencies
        *) fail "unexpected file in the wheel: $entry" ;;
    esac
done <<<"$entries"
for entry in lrsched/__main__.py "lrsched-$version.data/scripts/lrsched" \
    "lrsched-$version.dist-info/METADATA" \
    "lrsched-$version.dist-info/licenses/assets/fonts/LICENSE-DejaVu.txt"; do
    grep -qxF "$entry" <<<"$entries" || fail "$entry is missing from the wheel"
done
echo "tests/wheel.sh: $(basename "$wheel"): $(wc -c <"$wheel") bytes"

python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"
# As in an activated venv.
export VIRTUAL_ENV="$tmp/venv" PATH="$tmp/venv/bin:$PATH"
[ "$(command -v lrsched)" = "$tmp/venv/bin/lrsched" ] ||
    fail "lrsched on PATH is $(command -v lrsched), not the venv's"
[ "$(command -v python)" = "$tmp/venv/bin/python" ] || fail "python is not the venv's"
release_bin=${CARGO_TARGET_DIR:-target}/release/lrsched
cmp "$tmp/venv/bin/lrsched" "$release_bin" ||
    fail "the installed lrsched differs from cargo's $release_bin"

# expect STDIN EXPECTED_STATUS EXPECTED_STDOUT EXPECTED_STDERR COMMAND...: exact text.
expect() {
    local stdin=$1 status=$2 stdout=$3 stderr=$4 actual_status=0
    shift 4
    printf '%s' "$stdin" | "$@" >"$tmp/stdout" 2>"$tmp/stderr" || actual_status=$?
    if [ "$actual_status" != "$status" ] ||
        [ "$(cat "$tmp/stdout"; echo .)" != "$stdout." ] ||
        [ "$(cat "$tmp/stderr"; echo .)" != "$stderr." ]; then
        echo "\$ $*: exit status $actual_status (expected $status)" >&2
        echo "--- stdout:" >&2 && cat "$tmp/stdout" >&2
        echo "--- expected stdout:" >&2 && printf '%s' "$stdout" >&2
        echo "--- stderr:" >&2 && cat "$tmp/stderr" >&2
        echo "--- expected stderr:" >&2 && printf '%s' "$stderr" >&2
        fail "the installed lrsched printed something else"
    fi
    echo "tests/wheel.sh: ok: $*"
}

# The values are those of the golden files made by maskrcnn-benchmark itself
# (tests/golden/maskrcnn/seed.runs and d2_1x.runs).
expect '' 0 "lrsched $version
" '' lrsched --version
expect '' 0 'iteration,lr
0,0.001
1,0.0019
2,0.0028000000000000004
' '' lrsched table --end 3
expect '' 0 '0.002
' '' python -m lrsched at 60000 -c schedules/detectron2-1x.toml
# `python -m lrsched` passes stdin, stdout, stderr and the exit status through.
expect '59999
60000
' 0 '0.02
0.002
' '' python -m lrsched at - -c schedules/detectron2-1x.toml
expect '' 2 '' 'error: --gamma: must be > 0, got 0
' python -m lrsched table --gamma 0

[ "$(git status --porcelain)" = "$status_before" ] ||
    fail "building and testing the wheel changed the checkout: $(git status --porcelain)"
echo "tests/wheel.sh: passed"
