#!/usr/bin/env bash
# Reproduces every figure of docs/performance.md: same bytes as the
# naive floor, throughput against it, milestone independence, peak memory, start-up, and `at`
# against PyTorch. Not part of CI or of the tests: it takes a few minutes and wants a quiet
# machine. ROUNDS=N sets the repetitions of each timing (default 11; start-up uses 20x).
# Needs python3; torch (PyTorch comparison) is optional; CALLGRIND=1 adds instruction counts
# (valgrind, slow).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-11}
rows=10000000
lrsched=target/release/lrsched
floor=bench/floor/target/release/lrsched-floor
measure=(python3 bench/measure.py)
# The default schedule (the reference example of docs/guide.md) in the floor's argument order:
# BASE_LR GAMMA WARMUP_ITERS WARMUP_FACTOR MILESTONES.
reference="0.01 0.1 10 0.1 50,100"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building (release) ..." >&2
cargo build --release --quiet
cargo build --release --quiet --manifest-path bench/floor/Cargo.toml

echo "### machine"
echo
echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
echo "- memory: $(free -g | awk '/^Mem:/ {print $2}') GiB; kernel $(uname -r)"
echo "- $(rustc --version); $(python3 --version)"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "### same bytes as the floor ($rows rows)"
echo
for format in csv tsv jsonl; do
    "$floor" "$format" $rows $reference > "$work/floor.$format"
    "$lrsched" table --iters $rows --format "$format" > "$work/lrsched.$format"
    cmp "$work/floor.$format" "$work/lrsched.$format"
    echo "- $format: identical, $(stat -c %s "$work/lrsched.$format") bytes"
    rm "$work/floor.$format" "$work/lrsched.$format"
done
echo

echo "### throughput: $rows rows to /dev/null, side by side"
echo
echo "| run | command | median ms | min ms | time ratio to the floor (median of rounds) | CPU-time ratio |"
echo "|---|---|---|---|---|---|"
for format in csv tsv jsonl; do
    "${measure[@]}" compare --rounds "$rounds" \
        "lrsched $format" "$lrsched table --iters $rows --format $format" \
        "floor $format" "$floor $format $rows $reference"
done
echo

echo "### milestones: 1,000 against 2 ($rows rows, csv)"
echo
# gamma 1 makes the bytes identical (0.01 on every row) whatever the milestones, so the only
# difference left is the number of milestones: 1,000 (every 9,973 iterations) against 2.
many=$(seq -s, 9973 9973 9973000)
cmp <("$lrsched" table --iters $rows --gamma 1 --milestones "$many") \
    <("$lrsched" table --iters $rows --gamma 1 --milestones 5000000,7500000)
echo "| run | command | median ms | min ms | time ratio to 2 milestones | CPU-time ratio |"
echo "|---|---|---|---|---|---|"
"${measure[@]}" compare --rounds "$rounds" \
    "1000 milestones" "$lrsched table --iters $rows --gamma 1 --milestones $many" \
    "2 milestones" "$lrsched table --iters $rows --gamma 1 --milestones 5000000,7500000"
echo
echo "### other row shapes (lrsched alone, $rows rows unless said)"
echo
# Where a number changes on every row (warmup ramps, epochs) it is formatted per row, as the
# floor does; the rest stays on the constant-run path.
echo "| run | command | median ms | min ms | max ms |"
echo "|---|---|---|---|---|"
shapes=()
for args in "--iters 30000000 --every 3" "--iters $rows --format json" \
    "--iters $rows --columns iteration,lr,phase,factor" \
    "--iters $rows --columns iteration,epoch,lr --iters-per-epoch 5000"; do
    shapes+=("$args" "$lrsched table $args")
done
"${measure[@]}" time --rounds "$rounds" "${shapes[@]}"
echo

echo "### a warmup ramp over all $rows rows"
echo
# Every lr differs, so both format every lr; lrsched still writes the floor's bytes.
cmp <("$lrsched" table --iters $rows --warmup-iters $rows) \
    <("$floor" csv $rows 0.01 0.1 $rows 0.1 50,100)
echo "| run | command | median ms | min ms | time ratio to the floor | CPU-time ratio |"
echo "|---|---|---|---|---|---|"
"${measure[@]}" compare --rounds "$rounds" \
    "ramp" "$lrsched table --iters $rows --warmup-iters $rows" \
    "floor" "$floor csv $rows 0.01 0.1 $rows 0.1 50,100"
echo

echo "### a decay at every iteration ($rows rows, a segment each)"
echo
# The worst case for runs: step_size 1 makes every row a segment of its own. With gamma
# 0.9999999 every lr differs; with gamma 0.1 the lr is 0.0 from about row 330 on, and the rows
# after that are one run. The floor takes the same step_size (MILESTONES `step:1`) and writes the
# same bytes.
echo "| run | command | median ms | min ms | time ratio to the floor | CPU-time ratio |"
echo "|---|---|---|---|---|---|"
for gamma in 0.9999999 0.1; do
    cmp <("$lrsched" table --iters $rows --step-size 1 --gamma $gamma) \
        <("$floor" csv $rows 0.01 $gamma 10 0.1 step:1)
    "${measure[@]}" compare --rounds "$rounds" \
        "step_size 1, gamma $gamma" "$lrsched table --iters $rows --step-size 1 --gamma $gamma" \
        "floor" "$floor csv $rows 0.01 $gamma 10 0.1 step:1"
done
echo

echo "### every dialect: $rows rows of a reference-like schedule"
echo
# The schedule of the reference configs scaled to 10^7 iterations: 100,000 warmup iterations,
# decays at 6,000,000 and 8,000,000. keras has no warmup: it runs with --warmup-iters 0. Every
# dialect is compared with the same naive floor, maskrcnn's formula (for keras with no warmup);
# maskrcnn's bytes are the floor's (cmp).
dialect_args="--iters $rows --milestones 6000000,8000000"
# shellcheck disable=SC2086
cmp <("$lrsched" table $dialect_args --warmup-iters 100000) \
    <("$floor" csv $rows 0.01 0.1 100000 0.1 6000000,8000000)
dialect_runs=()
for dialect in maskrcnn torch-chained torch-sequential detectron2 mxnet timm mmengine \
    timm-train mmcv1 gluoncv paddledet paddle detectron-caffe2 tf-model-garden optax; do
    dialect_runs+=("$dialect" "$lrsched table --dialect $dialect $dialect_args --warmup-iters 100000")
done
echo "| dialect | command | median ms | min ms | time ratio to the floor | CPU-time ratio |"
echo "|---|---|---|---|---|---|"
"${measure[@]}" compare --rounds "$rounds" "${dialect_runs[@]}" \
    "floor" "$floor csv $rows 0.01 0.1 100000 0.1 6000000,8000000"
"${measure[@]}" compare --rounds "$rounds" \
    "keras (--warmup-iters 0)" "$lrsched table --dialect keras $dialect_args --warmup-iters 0" \
    "floor, no warmup" "$floor csv $rows 0.01 0.1 0 0.1 6000000,8000000"
echo

if [ "${CALLGRIND:-0}" = 1 ] && command -v valgrind > /dev/null; then
    echo "### instructions (callgrind, 1,000,000 rows csv)"
    echo
    # Counts do not move with the machine's load: the figures to compare on a busy machine.
    for command in "$lrsched table --iters 1000000" "$floor csv 1000000 $reference" \
        "$lrsched table --iters 1000000 --warmup-iters 1000000" \
        "$floor csv 1000000 0.01 0.1 1000000 0.1 50,100" \
        "$lrsched table --iters 1000000 --step-size 1 --gamma 0.9999999" \
        "$floor csv 1000000 0.01 0.9999999 10 0.1 step:1"; do
        # shellcheck disable=SC2086
        refs=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $command 2>&1 > /dev/null |
            awk '/refs:/ {gsub(",", "", $NF); print $NF}')
        echo "- \`$command\`: $refs instructions ($((refs / 1000000)) per row)"
    done
    echo
fi

echo "### peak memory (max RSS, \`/usr/bin/time -f %M\`)"
echo
if [ -x /usr/bin/time ]; then
    echo "| command | max RSS KiB | wall s |"
    echo "|---|---|---|"
    for args in "table --iters 1" "table --iters 1000000" "table --iters 100000000" \
        "table --iters 100000000 --format jsonl"; do
        # shellcheck disable=SC2086
        /usr/bin/time -f "%M %e" -o "$work/time.txt" "$lrsched" $args > /dev/null 2>&1
        read -r kib seconds < "$work/time.txt"
        echo "| \`$lrsched $args > /dev/null\` | $kib | $seconds |"
    done
else
    echo "skipped: /usr/bin/time is not installed (apt-get install time)"
fi
echo

echo "### start-up (median of $((rounds * 20)) runs, the commands taking turns)"
echo
echo "| run | command | median ms | min ms | max ms |"
echo "|---|---|---|---|---|"
startup=()
for command in "table --iters 1" "at 0" "explain" "check" "init"; do
    startup+=("$command" "$lrsched $command")
done
"${measure[@]}" time --rounds $((rounds * 20)) "${startup[@]}"
echo

echo "### at: 1,000,000 iterations from stdin"
echo
seq 0 999999 > "$work/iterations.txt"
echo "| run | command | median ms | min ms | max ms |"
echo "|---|---|---|---|---|"
"${measure[@]}" time --rounds "$rounds" --stdin "$work/iterations.txt" \
    "at - < 10^6 lines" "$lrsched at - --iters 1000000"
echo
python3 bench/torch_at.py --rounds "$rounds" "$lrsched"
