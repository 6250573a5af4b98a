#!/usr/bin/env bash
# Checks that two lrsched binaries write the same bytes (stdout, stderr, exit status) for
# `table` in every dialect and many row shapes: a speed change must not move a byte
# (docs/performance.md). Not part of CI; takes a minute or two.
#   bench/same_bytes.sh OLD_BINARY [NEW_BINARY]   (NEW defaults to target/release/lrsched)
set -uo pipefail
old=$1
new=${2:-target/release/lrsched}
dialects="maskrcnn torch-chained torch-sequential detectron2 mxnet timm mmengine timm-train
    mmcv1 gluoncv paddledet paddle detectron-caffe2 tf-model-garden keras optax"
shapes=(
    ""
    "--iters 300000 --milestones 100000,200000 --warmup-iters 150000"
    "--iters 200000 --step-size 1 --gamma 0.9999999"
    "--iters 200000 --step-size 1 --gamma 0.1"
    "--iters 200000 --step-size 7 --gamma 0.999 --warmup-iters 1000 --every 3"
    "--iters 200000 --step-size 1000 --warmup-iters 0 --columns iteration,lr,phase,factor"
    "--iters 50000 --milestones 100,100,2000,2000,2001,40000 --warmup-iters 2000 --gamma 0.5"
    "--iters 50000 --milestones 100,3000,40000 --warmup-iters 5000 --warmup-method exp"
    "--iters 50000 --milestones 100,3000,40000 --warmup-iters 5000 --warmup-method constant"
    "--iters 50000 --milestones 10,3000 --warmup-iters 5000 --start 17 --end 40000 --every 13"
    "--iters 50000 --milestones 3000,9000 --warmup-iters 5000 --format jsonl --columns lr,iteration"
    "--iters 50000 --milestones 3000,9000 --warmup-iters 5000 --format json --columns iteration,epoch,lr --iters-per-epoch 77"
    "--iters 50000 --milestones 3000,9000 --warmup-iters 5000 --format tsv --columns phase,lr"
    "--iters 50000 --milestones 3000,9000 --warmup-iters 0"
    "--iters 50000 --milestones 3000,9000 --warmup-iters 0 --step-size 1 --gamma 0.99999 --every 2"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checked=0
differ=0
for dialect in $dialects; do
    for shape in "${shapes[@]}"; do
        # shellcheck disable=SC2086
        "$old" table --dialect "$dialect" $shape > "$work/old" 2> "$work/old.err"
        echo "status $?" >> "$work/old.err"
        # shellcheck disable=SC2086
        "$new" table --dialect "$dialect" $shape > "$work/new" 2> "$work/new.err"
        echo "status $?" >> "$work/new.err"
        checked=$((checked + 1))
        if ! cmp -s "$work/old" "$work/new" || ! cmp -s "$work/old.err" "$work/new.err"; then
            differ=$((differ + 1))
            echo "DIFFERENT: table --dialect $dialect $shape"
        fi
    done
done
# Several schedules side by side: every dialect, and schedules of different lengths (cells
# go missing past the shorter one's end).
printf 'iters = 30000\nstep_size = 1\ngamma = 0.9999\n' > "$work/short.toml"
printf 'iters = 50000\nstep_size = 3\ngamma = 0.999\nwarmup_iters = 100\n' > "$work/long.toml"
for shape in "--dialect all --iters 20000 --step-size 1 --gamma 0.99999 --warmup-iters 0" \
    "--dialect all --iters 20000 --milestones 50,50,5000 --warmup-iters 0 --every 7" \
    "-c $work/short.toml -c $work/long.toml" \
    "-c $work/long.toml -c $work/short.toml --columns iteration,factor,lr --every 2" \
    "-c $work/short.toml -c $work/long.toml --start 29990 --format json"; do
    # shellcheck disable=SC2086
    "$old" table $shape > "$work/old" 2> "$work/old.err"
    # shellcheck disable=SC2086
    "$new" table $shape > "$work/new" 2> "$work/new.err"
    checked=$((checked + 1))
    if ! cmp -s "$work/old" "$work/new" || ! cmp -s "$work/old.err" "$work/new.err"; then
        differ=$((differ + 1))
        echo "DIFFERENT: table $shape"
    fi
done
echo "$checked tables compared, $differ different"
[ "$differ" -eq 0 ]
