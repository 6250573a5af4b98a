#!/usr/bin/env bash
# The figures of docs/performance.md#verify: `lrsched verify` on a 1 GB detectron2
# metrics.json, made on the fly in /tmp (removed at the end): MB/s and peak memory. The log is
# lrsched's own table of a 3-million-iteration schedule, each line padded with detectron2's
# other metrics to about 600 bytes, so verify must scan every line to find its lr.
# SIZE_MB=N sets the size (default 1000), ROUNDS=N the timed runs (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."

size_mb=${SIZE_MB:-1000}
rounds=${ROUNDS:-5}
lrsched=target/release/lrsched
measure=(python3 bench/measure.py)
work=$(mktemp -d /tmp/lrsched-verify.XXXXXX)
trap 'rm -rf "$work"' EXIT
log=$work/metrics.json

echo "building (release) ..." >&2
cargo build --release --quiet

# detectron2 writes its keys sorted; `lr` sits among ~20 others.
before='{"data_time": 0.0021, "eta_seconds": 35012.5, "fast_rcnn/cls_accuracy": 0.9326171875, "fast_rcnn/false_negative": 0.5694444444444444, "fast_rcnn/fg_cls_accuracy": 0.2777777777777778, "iteration": '
middle=', "loss_box_reg": 0.3047, "loss_cls": 0.4871, "loss_mask": 0.6289, "loss_rpn_cls": 0.0871, "loss_rpn_loc": 0.0512, "lr": '
after=', "mask_rcnn/accuracy": 0.6109, "mask_rcnn/false_negative": 0.4002, "mask_rcnn/false_positive": 0.3124, "roi_head/num_bg_samples": 480.25, "roi_head/num_fg_samples": 31.75, "rpn/num_neg_anchors": 250.5, "rpn/num_pos_anchors": 5.5, "time": 0.4012, "total_loss": 1.9513}'
schedule=(--base-lr 0.02 --milestones 2000000,2600000 --warmup-iters 1000 --warmup-factor 0.001 --iters 3000000)
echo "writing a ${size_mb} MB metrics.json ..." >&2
# head cuts the table short, which ends lrsched and sed with SIGPIPE: expected here.
set +o pipefail
"$lrsched" table "${schedule[@]}" --format jsonl \
    | sed -e "s|^{\"iteration\":\([0-9]*\),\"lr\":\([^}]*\)}\$|${before}\1${middle}\2${after}|" \
    | head -c $((size_mb * 1000 * 1000)) | sed '$d' > "$log"
set -o pipefail
bytes=$(stat -c %s "$log")
lines=$(wc -l < "$log")

echo "### machine"
echo
echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
echo "- $(rustc --version); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "### verify: ${bytes} bytes, ${lines} lines"
echo
"$lrsched" verify "$log" "${schedule[@]}"
echo
# Once to read the file into the page cache, then timed.
"$lrsched" verify "$log" "${schedule[@]}" > /dev/null
echo "| run | command | median ms | min ms | max ms |"
echo "|---|---|---|---|---|"
"${measure[@]}" time --rounds "$rounds" "verify metrics.json" "$lrsched verify $log ${schedule[*]}" \
    | tee "$work/times"
echo
median_ms=$(awk -F'|' 'NR==1 {gsub(/ /, "", $4); print $4}' "$work/times")
min_ms=$(awk -F'|' 'NR==1 {gsub(/ /, "", $5); print $5}' "$work/times")
echo "- throughput: $(awk -v b="$bytes" -v t="$median_ms" 'BEGIN {printf "%.0f", b / 1e6 / (t / 1e3)}') MB/s at the median, $(awk -v b="$bytes" -v t="$min_ms" 'BEGIN {printf "%.0f", b / 1e6 / (t / 1e3)}') MB/s at the best run"
echo
rss_kib=$( { /usr/bin/time -f %M "$lrsched" verify "$log" "${schedule[@]}" > /dev/null; } 2>&1 )
echo "- peak RSS (\`/usr/bin/time -f %M\`): $((rss_kib / 1024)) MiB (${rss_kib} KiB)"
small=$work/small.json
head -n 1000 "$log" > "$small"
rss_small=$( { /usr/bin/time -f %M "$lrsched" verify "$small" "${schedule[@]}" > /dev/null; } 2>&1 )
echo "- the same on its first 1,000 lines ($(stat -c %s "$small") bytes): ${rss_small} KiB"
