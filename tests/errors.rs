//! Every class of bad input, through the real binary: the exact message, exit status 2, and no
//! file left behind. `CASES` is the table of docs/errors.md; a test checks that the document
//! shows every message, so the two cannot drift apart.
//!
//! Also here, because they are about what happens at the edges: output safety (a full device,
//! a closed pipe, an interrupt during a long write) and the largest valid inputs.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use assert_cmd::Command;

/// One bad input and what lrsched says about it.
struct Case {
    /// The class of bad input: a row group of docs/errors.md.
    class: &'static str,
    args: &'static [&'static str],
    /// A file created in the scratch directory the command runs in: name and bytes.
    file: Option<(&'static str, &'static [u8])>,
    stdin: &'static [u8],
    /// Everything printed on stderr, less the leading `error: ` and the final newline.
    message: &'static str,
}

const fn case(class: &'static str, args: &'static [&'static str], message: &'static str) -> Case {
    Case {
        class,
        args,
        file: None,
        stdin: b"",
        message,
    }
}

const fn with_file(
    class: &'static str,
    file: &'static [u8],
    args: &'static [&'static str],
    message: &'static str,
) -> Case {
    Case {
        class,
        args,
        file: Some(("bad.toml", file)),
        stdin: b"",
        message,
    }
}

const fn with_stdin(
    class: &'static str,
    stdin: &'static [u8],
    args: &'static [&'static str],
    message: &'static str,
) -> Case {
    Case {
        class,
        args,
        file: None,
        stdin,
        message,
    }
}

const NON_NUMERIC: &str = "non-numeric";
const NEGATIVE: &str = "negative";
const ZERO: &str = "zero";
const NAN: &str = "NaN";
const INF: &str = "inf";
const OVERFLOW: &str = "overflow";
const UNSORTED: &str = "unsorted milestones";
const EMPTY: &str = "empty lists";
const UNKNOWN_KEY: &str = "unknown keys";
const WRONG_TYPE: &str = "wrong TOML types";
const SYNTAX: &str = "TOML syntax errors";
const MISSING_FILE: &str = "missing files";
const DIRECTORY: &str = "directories given as files";
const UNWRITABLE: &str = "unwritable outputs";
const EXTENSION: &str = "unknown extensions";
const CONFLICT: &str = "conflicting options";
const NON_UTF8: &str = "non-UTF-8 input";
const AT_STDIN: &str = "at with garbage lines on stdin";
const LOG: &str = "unreadable training logs (verify)";

const CLASSES: &[&str] = &[
    NON_NUMERIC,
    NEGATIVE,
    ZERO,
    NAN,
    INF,
    OVERFLOW,
    UNSORTED,
    EMPTY,
    UNKNOWN_KEY,
    WRONG_TYPE,
    SYNTAX,
    MISSING_FILE,
    DIRECTORY,
    UNWRITABLE,
    EXTENSION,
    CONFLICT,
    NON_UTF8,
    AT_STDIN,
    LOG,
];

/// A training log for `verify`, in the scratch directory under `name`.
const fn with_log(
    name: &'static str,
    bytes: &'static [u8],
    args: &'static [&'static str],
    message: &'static str,
) -> Case {
    Case {
        class: LOG,
        args,
        file: Some((name, bytes)),
        stdin: b"",
        message,
    }
}

/// An event file: the `file_version` record, then one `lr` scalar at step 19 (masked CRC32C
/// framing, written by hand; docs/verify.md#tensorboard).
const EVENT_FILE: &[u8] = b"\x18\x00\x00\x00\x00\x00\x00\x00\xa3\x7f\x4b\x22\x09\x00\x00\x00\x40\xfc\x54\xd9\x41\x1a\x0d\x62\x72\x61\x69\x6e\x2e\x45\x76\x65\x6e\x74\x3a\x32\xec\xed\x8f\x9d\x18\x00\x00\x00\x00\x00\x00\x00\xa3\x7f\x4b\x22\x09\x00\x00\xc0\x44\xfc\x54\xd9\x41\x10\x13\x2a\x0b\x0a\x09\x0a\x02\x6c\x72\x15\x6f\x12\x83\x3a\xac\xac\x80\x29";
/// The same with one bit of the lr flipped.
const EVENT_FILE_FLIPPED: &[u8] = b"\x18\x00\x00\x00\x00\x00\x00\x00\xa3\x7f\x4b\x22\x09\x00\x00\x00\x40\xfc\x54\xd9\x41\x1a\x0d\x62\x72\x61\x69\x6e\x2e\x45\x76\x65\x6e\x74\x3a\x32\xec\xed\x8f\x9d\x18\x00\x00\x00\x00\x00\x00\x00\xa3\x7f\x4b\x22\x09\x00\x00\xc0\x44\xfc\x54\xd9\x41\x10\x13\x2a\x0b\x0a\x09\x0a\x02\x6c\x72\x15\x6f\x12\x82\x3a\xac\xac\x80\x29";
/// A record header announcing 2^30 bytes, its checksum right.
const HUGE_RECORD: &[u8] = b"\x00\x00\x00\x40\x00\x00\x00\x00\xcb\x61\xcc\x52";

const CASES: &[Case] = &[
    // non-numeric
    case(
        NON_NUMERIC,
        &["table", "--base-lr", "abc"],
        "--base-lr: 'abc' is not a number",
    ),
    case(
        NON_NUMERIC,
        &["table", "--base-lr", "0x10"],
        "--base-lr: '0x10' is not a number",
    ),
    case(
        NON_NUMERIC,
        &["table", "--iters", "1e3"],
        "--iters: '1e3' is not a whole number",
    ),
    case(
        NON_NUMERIC,
        &["at", "ten"],
        "ITER 'ten': 'ten' is not a whole number (an iteration is a whole number >= 0)",
    ),
    with_file(
        NON_NUMERIC,
        b"iters = \"ten\"\n",
        &["table", "bad.toml"],
        "bad.toml:1: iters: 'ten' is not a whole number",
    ),
    // negative
    case(
        NEGATIVE,
        &["table", "--gamma", "-0.5"],
        "--gamma: must be > 0, got -0.5",
    ),
    case(
        NEGATIVE,
        &["table", "--warmup-factor", "-0.1"],
        "--warmup-factor: must be >= 0, got -0.1",
    ),
    case(
        NEGATIVE,
        &["table", "--iters", "-5"],
        "--iters: must be >= 0, got -5",
    ),
    case(
        NEGATIVE,
        &["at", "--", "-1"],
        "ITER '-1': must be >= 0, got -1 (an iteration is a whole number >= 0)",
    ),
    with_file(
        NEGATIVE,
        b"milestones = [50, -100]\n",
        &["table", "bad.toml"],
        "bad.toml:1: milestones: must be >= 0, got -100 in the list",
    ),
    // zero
    case(
        ZERO,
        &["table", "--base-lr", "0"],
        "--base-lr: must be > 0, got 0",
    ),
    case(
        ZERO,
        &["table", "--gamma", "0"],
        "--gamma: must be > 0, got 0",
    ),
    case(
        ZERO,
        &["table", "--iters", "0"],
        "--iters: must be >= 1, got 0",
    ),
    case(
        ZERO,
        &["table", "--step-size", "0"],
        "--step-size: must be >= 1, got 0",
    ),
    case(
        ZERO,
        &["table", "--iters-per-epoch", "0"],
        "--iters-per-epoch: must be >= 1, got 0",
    ),
    case(
        ZERO,
        &["table", "--every", "0"],
        "--every: must be >= 1, got 0",
    ),
    case(
        ZERO,
        &["table", "--warmup-method", "exp", "--warmup-factor", "0"],
        "--warmup-factor: must be > 0 with warmup_method = exp (exp warmup computes f ** (1 - t/W))",
    ),
    case(
        ZERO,
        &["table", "--milestones", "0"],
        "iters (default): 1.5 × the last milestone 0 is 0 iterations; set iters (--iters N)",
    ),
    // NaN
    case(
        NAN,
        &["table", "--gamma", "nan"],
        "--gamma: must be a finite number, got NaN",
    ),
    with_file(
        NAN,
        b"base_lr = nan\n",
        &["table", "bad.toml"],
        "bad.toml:1: base_lr: must be a finite number, got NaN",
    ),
    // inf
    case(
        INF,
        &["table", "--base-lr", "inf"],
        "--base-lr: must be a finite number, got inf",
    ),
    case(
        INF,
        &["table", "--warmup-factor", "-infinity"],
        "--warmup-factor: must be a finite number, got -infinity",
    ),
    with_file(
        INF,
        b"gamma = +inf\n",
        &["table", "bad.toml"],
        "bad.toml:1: gamma: must be a finite number, got +inf",
    ),
    // overflow past u64 / f64
    case(
        OVERFLOW,
        &["table", "--iters", "18446744073709551616"],
        "--iters: 18446744073709551616 is past the u64 range (at most 18446744073709551615)",
    ),
    with_file(
        OVERFLOW,
        b"milestones = [1, 99999999999999999999]\n",
        &["table", "bad.toml"],
        "bad.toml:1: milestones: 99999999999999999999 is past the u64 range \
         (at most 18446744073709551615) in the list",
    ),
    case(
        OVERFLOW,
        &["table", "--base-lr", "1e400"],
        "--base-lr: '1e400' is past the f64 range (about ±1.8e308)",
    ),
    case(
        OVERFLOW,
        &["table", "--base-lr", "1e-400"],
        "--base-lr: '1e-400' is below the f64 range (about 4.9e-324) and would read as 0",
    ),
    case(
        OVERFLOW,
        &[
            "table",
            "--gamma",
            "1e300",
            "--milestones",
            "10,20,30",
            "--iters",
            "40",
        ],
        "--gamma: 3 decays by 1e300 before iteration 40 take the lr to inf, past the f64 range \
         (an lr must stay below about 1.1e307)",
    ),
    case(
        OVERFLOW,
        &["table", "--base-lr", "1e308"],
        "--base-lr: 1e308 is too close to the f64 limit (an lr must stay below about 1.1e307)",
    ),
    case(
        OVERFLOW,
        &["table", "--milestones", "18446744073709551615"],
        "iters (default): 1.5 × the last milestone 18446744073709551615 is past the u64 range; \
         set iters (--iters N)",
    ),
    case(
        OVERFLOW,
        &[
            "table",
            "--unit",
            "epoch",
            "--iters-per-epoch",
            "10000000000",
            "--warmup-iters",
            "0",
            "--milestones",
            "3000000000",
            "--iters",
            "4000000000",
        ],
        "--milestones: 3000000000 epochs × 10000000000 iters_per_epoch is past the u64 range",
    ),
    case(
        OVERFLOW,
        &[
            "at",
            "5",
            "--dialect",
            "torch-chained",
            "--step-size",
            "1",
            "--iters",
            "1000000000000",
        ],
        "--step-size: torch-chained: PyTorch updates the lr in place, so lrsched steps through \
         each warmup iteration and decay: 10 warmup steps and 999999999989 decays before iters \
         1000000000000 are past its limit of 10000000 steps for this dialect; use a larger \
         step_size or fewer iters",
    ),
    // unsorted milestones
    case(
        UNSORTED,
        &["table", "--milestones", "100,50"],
        "--milestones: maskrcnn: must be sorted ascending (repeats allowed), got [100, 50] \
         (maskrcnn-benchmark: \"Milestones should be a list of increasing integers\")",
    ),
    // empty lists and values
    case(
        EMPTY,
        &["table", "--milestones", "50,,100"],
        "--milestones: an empty item in '50,,100' (an empty value alone means no milestones)",
    ),
    with_file(
        EMPTY,
        b"milestones = \"\"\n",
        &["table", "bad.toml"],
        "bad.toml:1: milestones: expected an array of whole numbers, e.g. [60000, 80000], \
         found a string",
    ),
    case(
        EMPTY,
        &["table", "--columns="],
        "--columns: expected a comma-separated list of columns, got nothing; any of: \
         iteration, epoch, lr, phase, factor",
    ),
    case(
        EMPTY,
        &["table", "--iters="],
        "--iters: expected a whole number, got nothing",
    ),
    // unknown keys
    with_file(
        UNKNOWN_KEY,
        b"base_lr = 0.02\nmilestone = [30, 60]\n",
        &["table", "bad.toml"],
        "bad.toml:2: unknown key 'milestone'; did you mean 'milestones'?",
    ),
    with_file(
        UNKNOWN_KEY,
        b"optimizer = \"sgd\"\n",
        &["table", "bad.toml"],
        "bad.toml:1: unknown key 'optimizer'; valid keys: base_lr, milestones, gamma, values, \
         factors, step_size, warmup_iters, warmup_factor, warmup_lr, warmup_method, iters, \
         iters_per_epoch, dataset_size, batch_size, batch_per_device, devices, grad_accum, \
         drop_last, unit, stepping, warmup_stepping, from_batch, to_batch, from_devices, \
         to_devices, rule, keep_warmup, dialect, name",
    ),
    with_file(
        UNKNOWN_KEY,
        b"[schedule]\nbase_lr = 0.02\n",
        &["table", "bad.toml"],
        "bad.toml:1: [schedule]: schedule files have no tables: write the keys at the top level \
         (base_lr = 0.01, milestones = [50, 100], ...)",
    ),
    case(
        UNKNOWN_KEY,
        &["table", "--milestone", "50"],
        "unexpected argument '--milestone' found\n  tip: a similar argument exists: \
         '--milestones'\nFor more information, try '--help'.",
    ),
    case(
        UNKNOWN_KEY,
        &["table", "--warmup-method", "cosine"],
        "--warmup-method: unknown warmup method 'cosine'; expected one of: linear, constant, exp",
    ),
    case(
        UNKNOWN_KEY,
        &["table", "--columns", "iteration,rate"],
        "--columns: unknown column 'rate'; expected any of: iteration, epoch, lr, phase, factor",
    ),
    // wrong TOML types
    with_file(
        WRONG_TYPE,
        b"gamma = \"0.1\"\n",
        &["table", "bad.toml"],
        "bad.toml:1: gamma: expected a number, found a string",
    ),
    with_file(
        WRONG_TYPE,
        b"milestones = 50\n",
        &["table", "bad.toml"],
        "bad.toml:1: milestones: expected an array of whole numbers, e.g. [60000, 80000], \
         found an integer",
    ),
    with_file(
        WRONG_TYPE,
        b"milestones = [50, \"100\"]\n",
        &["table", "bad.toml"],
        "bad.toml:1: milestones: the string \"100\" has no unit: write 100 as a number, or \"100it\" or \"100ep\" in the list",
    ),
    with_file(
        WRONG_TYPE,
        b"iters = 1500.5\n",
        &["table", "bad.toml"],
        "bad.toml:1: iters: must be a whole number, got 1500.5",
    ),
    with_file(
        WRONG_TYPE,
        b"warmup_method = true\n",
        &["table", "bad.toml"],
        "bad.toml:1: warmup_method: expected a string, found a boolean",
    ),
    // TOML syntax errors
    with_file(
        SYNTAX,
        b"base_lr = 0.02\ngamma = \n",
        &["table", "bad.toml"],
        "bad.toml:2:9: invalid TOML: string values must be quoted, expected literal string\n  \
         2 | gamma = ",
    ),
    with_file(
        SYNTAX,
        b"gamma = 0.1\ngamma = 0.2\n",
        &["table", "bad.toml"],
        "bad.toml:2:1: invalid TOML: duplicate key\n  2 | gamma = 0.2",
    ),
    // missing files
    case(
        MISSING_FILE,
        &["table", "missing.toml"],
        "missing.toml: cannot read schedule file: no such file",
    ),
    case(
        MISSING_FILE,
        &["at", "5", "-c", "missing.toml"],
        "missing.toml: cannot read schedule file: no such file",
    ),
    // directories given as files
    case(
        DIRECTORY,
        &["table", "."],
        ".: cannot read schedule file: is a directory, not a file",
    ),
    case(
        DIRECTORY,
        &["table", "-o", "."],
        "cannot write .: is a directory",
    ),
    // unwritable outputs
    case(
        UNWRITABLE,
        &["table", "-o", "no-such-dir/out.csv"],
        "cannot write no-such-dir/out.csv: directory no-such-dir does not exist",
    ),
    Case {
        class: UNWRITABLE,
        args: &["table", "-o", "notes.txt/out.csv"],
        file: Some(("notes.txt", b"a file, not a directory\n")),
        stdin: b"",
        message: "cannot write notes.txt/out.csv: a parent in the path is not a directory",
    },
    case(
        UNWRITABLE,
        &["table", "-o", "/proc/out.csv"],
        "cannot write /proc/out.csv: cannot create a file in /proc: no such file or directory",
    ),
    case(
        UNWRITABLE,
        &["init", "-o", "/no-such-dir/schedule.toml"],
        "cannot write /no-such-dir/schedule.toml: directory /no-such-dir does not exist",
    ),
    // unknown extensions
    case(
        EXTENSION,
        &["table", "-o", "out.xls"],
        "--output: cannot tell the format from the extension '.xls'; use .csv, .tsv, .json, \
         .jsonl or .txt, or give --format",
    ),
    case(
        EXTENSION,
        &["table", "--format", "xml"],
        "invalid value 'xml' for '--format <FORMAT>'\n  [possible values: csv, tsv, json, jsonl, \
         plain]\nFor more information, try '--help'.",
    ),
    // conflicting options
    case(
        CONFLICT,
        &["table", "--milestones", "50", "--step-size", "30"],
        "--step-size conflicts with --milestones: give milestones or step_size, not both",
    ),
    with_file(
        CONFLICT,
        b"milestones = [30, 60]\n",
        &["table", "bad.toml", "--step-size", "30"],
        "--step-size conflicts with bad.toml:1: milestones: give milestones or step_size, not both",
    ),
    case(
        CONFLICT,
        &["table", "--start", "20", "--end", "10"],
        "--start: 20 is after --end 10",
    ),
    case(
        CONFLICT,
        &["table", "--end", "151"],
        "--end: 151 is past the schedule's 150 iterations; raise --iters to see more",
    ),
    case(
        CONFLICT,
        &["table", "--unit", "epoch"],
        "--unit: unit = epoch needs an epoch length: iters_per_epoch, or dataset_size and a batch",
    ),
    case(
        CONFLICT,
        &["table", "--columns", "iteration,epoch"],
        "--columns: the epoch column needs iters_per_epoch (--iters-per-epoch N)",
    ),
    Case {
        class: CONFLICT,
        args: &[
            "table",
            "a.toml",
            concat!(env!("CARGO_MANIFEST_DIR"), "/schedules/detectron2-1x.toml"),
            "--columns",
            "epoch,lr",
        ],
        file: Some((
            "a.toml",
            b"iters_per_epoch = 7393\nmilestones = [60000, 80000]\niters = 90000\n",
        )),
        stdin: b"",
        message: "--columns: the epoch column needs every schedule's iters_per_epoch, and \
                  'detectron2-1x' has none (--iters-per-epoch N sets it for all, or \
                  iters_per_epoch in a schedule file)",
    },
    Case {
        class: CONFLICT,
        args: &["init", "-o", "mine.toml"],
        file: Some(("mine.toml", b"gamma = 0.5\n")),
        stdin: b"",
        message: "--output: mine.toml already exists; add --force to overwrite it",
    },
    case(
        CONFLICT,
        &["table", "--format", "csv", "--format", "json"],
        "the argument '--format <FORMAT>' cannot be used multiple times\n\
         For more information, try '--help'.",
    ),
    // non-UTF-8 input (arguments that are not UTF-8: see non_utf8_arguments below)
    with_file(
        NON_UTF8,
        b"base_lr = 0.02\nname = \"caf\xe9\"\n",
        &["table", "bad.toml"],
        "bad.toml: cannot read schedule file: line 2: not valid UTF-8 (TOML files are UTF-8 text)",
    ),
    with_stdin(
        NON_UTF8,
        b"10\n\xff\xfe\n",
        &["at", "-"],
        "<stdin>:2: not valid UTF-8",
    ),
    // `at -` with garbage lines
    with_stdin(
        AT_STDIN,
        b"10\n20\nabc\n",
        &["at", "-"],
        "<stdin>:3: 'abc' is not a whole number (an iteration is a whole number >= 0)",
    ),
    with_stdin(
        AT_STDIN,
        b"1.5\n",
        &["at", "-"],
        "<stdin>:1: '1.5' is not a whole number (an iteration is a whole number >= 0)",
    ),
    with_stdin(
        AT_STDIN,
        b"10 20\n",
        &["at", "-"],
        "<stdin>:1: '10 20' is not a whole number (an iteration is a whole number >= 0)",
    ),
    with_stdin(
        AT_STDIN,
        b"5\n-5\n",
        &["at", "-"],
        "<stdin>:2: must be >= 0, got -5 (an iteration is a whole number >= 0)",
    ),
    with_stdin(
        AT_STDIN,
        b"99999999999999999999\n",
        &["at", "-"],
        "<stdin>:1: 99999999999999999999 is past the u64 range (at most 18446744073709551615) \
         (an iteration is a whole number >= 0)",
    ),
    with_stdin(
        AT_STDIN,
        b"10\n150\n",
        &["at", "-"],
        "<stdin>:2: iteration 150 is past the schedule's 150 iterations (0 … 149); raise --iters",
    ),
    // training logs that `verify` cannot read
    with_log(
        "events.out.tfevents.1.host",
        EVENT_FILE.split_at(EVENT_FILE.len() - 3).0,
        &["verify", "events.out.tfevents.1.host"],
        "events.out.tfevents.1.host:record 2 at byte 40: truncated: the file ends 25 bytes into \
         a record of 28 bytes",
    ),
    with_log(
        "events.out.tfevents.1.host",
        EVENT_FILE.split_at(45).0,
        &["verify", "events.out.tfevents.1.host"],
        "events.out.tfevents.1.host:record 2 at byte 40: truncated: the file ends 5 bytes into \
         a 12-byte record header",
    ),
    with_log(
        "events.out.tfevents.1.host",
        EVENT_FILE_FLIPPED,
        &["verify", "events.out.tfevents.1.host"],
        "events.out.tfevents.1.host:record 2 at byte 40: corrupted: the data's CRC does not match",
    ),
    with_log(
        "events.out.tfevents.1.host",
        EVENT_FILE.split_at(12).1,
        &["verify", "events.out.tfevents.1.host"],
        "events.out.tfevents.1.host:record 1 at byte 0: corrupted: the length's CRC does not \
         match (not an event file, or damaged)",
    ),
    with_log(
        "events.out.tfevents.1.host",
        HUGE_RECORD,
        &["verify", "events.out.tfevents.1.host"],
        "events.out.tfevents.1.host:record 1 at byte 0: a record of 1073741824 bytes, over the \
         limit of 67108864 bytes for one record",
    ),
    with_log(
        "metrics.json",
        b"{\"iteration\": 19, \"lr\": 0.001, \"loss\": 1}\n{\"iteration\": 39, \"lr\": 0.002\n",
        &["verify", "metrics.json"],
        "metrics.json:2: not a JSON line: expected ',' or '}' at column 30, found the end of the \
         line",
    ),
    with_log(
        "metrics.json",
        b"{\"iteration\": 19, \"lr\": NaN, \"loss\": 1}\n",
        &["verify", "metrics.json"],
        "metrics.json:1: lr is NaN",
    ),
    with_log(
        "metrics.json",
        b"{\"iteration\": 19, \"lr\": -0.001, \"loss\": 1}\n",
        &["verify", "metrics.json"],
        "metrics.json:1: lr is negative (-0.001)",
    ),
    with_log(
        "metrics.csv",
        b"epoch,step,lr-SGD\n0,0,0.001\n0,1,inf\n",
        &["verify", "metrics.csv"],
        "metrics.csv:3: lr is inf: not finite",
    ),
    case(
        LOG,
        &["verify", "--log-format", "detectron2", "/dev/zero"],
        "/dev/zero:1: line longer than 1048576 bytes (the limit for a log line)",
    ),
    with_log(
        "metrics.json",
        b"{\"iteration\": 19, \"lr\": 0.001, \"loss\": 1}\n{\"iteration\": 19, \"lr\": 0.002, \"loss\": 1}\n",
        &["verify", "metrics.json"],
        "metrics.json:2: iteration 19 is logged twice with different lr: 0.001 at line 1, then \
         0.002",
    ),
    with_log(
        "metrics.json",
        b"{\"iteration\": 19, \"total_loss\": 1.5, \"data_time\": 0.1}\n",
        &["verify", "metrics.json"],
        "metrics.json: no 'lr' logged; keys found: iteration, total_loss, data_time (name the lr \
         with --lr-key, or --tag)",
    ),
    with_log(
        "events.out.tfevents.1.host",
        EVENT_FILE,
        &["verify", "events.out.tfevents.1.host", "--tag", "train/lr"],
        "events.out.tfevents.1.host: no scalar tagged 'train/lr'; tags found: lr (name the lr \
         with --tag)",
    ),
    with_log(
        "metrics.csv",
        b"lr-SGD/pg1,lr-SGD/pg2,step\n0.1,0.2,0\n",
        &["verify", "metrics.csv"],
        "metrics.csv:1: several lr series: lr-SGD/pg1, lr-SGD/pg2; pick one with --tag",
    ),
    with_log(
        "training.csv",
        b"epoch,learning_rate,loss\n0,0.001,1\n",
        &["verify", "training.csv"],
        "training.csv: a Keras log has one row per epoch: give the schedule's iters_per_epoch \
         (--iters-per-epoch N)",
    ),
    with_log(
        "notes.txt",
        b"hello\n",
        &["verify", "notes.txt"],
        "notes.txt: unknown log format; name one with --log-format: tensorboard, detectron2, mmengine, \
         mmengine-log, lightning, tensorboard-csv, keras, csv, jsonl",
    ),
    with_log(
        "metrics.json",
        b"",
        &["verify", "metrics.json"],
        "metrics.json: is empty: no lr logged",
    ),
    case(
        LOG,
        &["verify", "missing.json"],
        "missing.json: cannot read log: no such file",
    ),
    with_log(
        "metrics.json",
        b"{\"iteration\": 19, \"lr\": 0.001, \"loss\": 1}\n",
        &["verify", "metrics.json", "--rtol", "-1"],
        "--rtol: must be a finite number >= 0, got -1",
    ),
    with_log(
        "metrics.json",
        b"{\"iteration\": 19, \"lr\": 0.001, \"loss\": 1}\n",
        &["verify", "metrics.json", "--dialect", "all"],
        "--dialect: verify compares logs with one dialect and tries every other one itself; name \
         one, or leave --dialect out for maskrcnn",
    ),
    with_log(
        "metrics.json",
        b"{\"iteration\": 19, \"lr\": 0.001, \"loss\": 1}\n",
        &["fit", "metrics.json"],
        "metrics.json: 1 lr point logged; fit needs at least 2: a level and where it holds",
    ),
    with_log(
        "metrics.json",
        b"{\"iteration\": 19, \"lr\": 0.001, \"loss\": 1}\n",
        &["fit", "metrics.json", "--iters-per-epoch", "0"],
        "--iters-per-epoch: must be >= 1, got 0",
    ),
    with_log(
        "metrics.json",
        b"{\"iteration\": 19, \"lr\": 0.001, \"loss\": 1}\n",
        &["plot", "--log", "metrics.json", "--layout", "grid", "--terminal"],
        "--log: draws over one chart, not a grid; use --layout overlay",
    ),
];

/// The binary, with colour off whatever the environment says.
fn lrsched() -> Command {
    let mut command = Command::cargo_bin("lrsched").expect("the binary builds");
    command.env_remove("CLICOLOR_FORCE").env("NO_COLOR", "1");
    command
}

fn names_in(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .expect("readable scratch directory")
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// Runs every case of `class` in a scratch directory of its own and checks the message, the
/// status, and that the directory holds exactly the files the case put there, unchanged.
fn check_class(class: &str) {
    let cases: Vec<&Case> = CASES.iter().filter(|c| c.class == class).collect();
    assert!(!cases.is_empty(), "no case for {class}");
    check_cases(&cases);
}

#[test]
fn non_numeric() {
    check_class(NON_NUMERIC);
}

#[test]
fn negative() {
    check_class(NEGATIVE);
}

#[test]
fn zero() {
    check_class(ZERO);
}

#[test]
fn nan() {
    check_class(NAN);
}

#[test]
fn inf() {
    check_class(INF);
}

#[test]
fn overflow_past_u64_or_f64() {
    check_class(OVERFLOW);
}

#[test]
fn unsorted_milestones() {
    check_class(UNSORTED);
}

#[test]
fn empty_lists() {
    check_class(EMPTY);
}

#[test]
fn unknown_keys() {
    check_class(UNKNOWN_KEY);
}

#[test]
fn wrong_toml_types() {
    check_class(WRONG_TYPE);
}

#[test]
fn toml_syntax_errors() {
    check_class(SYNTAX);
}

#[test]
fn missing_files() {
    check_class(MISSING_FILE);
}

#[test]
fn directories_given_as_files() {
    check_class(DIRECTORY);
}

#[test]
fn unwritable_outputs() {
    check_class(UNWRITABLE);
}

#[test]
fn unknown_extensions() {
    check_class(EXTENSION);
}

#[test]
fn conflicting_options() {
    check_class(CONFLICT);
}

#[test]
fn non_utf8_input() {
    check_class(NON_UTF8);
}

#[test]
fn at_with_garbage_lines_on_stdin() {
    check_class(AT_STDIN);
}

#[test]
fn unreadable_training_logs() {
    check_class(LOG);
}

/// docs/errors.md shows every message of `CASES` (its first line, in a table cell, where `|`
/// is written `\|`), under a heading per class.
#[test]
fn docs_show_every_message() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md");
    let doc = fs::read_to_string(&doc_path).expect("docs/errors.md");
    let mut missing = Vec::new();
    for class in CLASSES {
        if !doc.contains(&format!("| {class} |")) {
            missing.push(format!("class row '| {class} |'"));
        }
    }
    for case in CASES {
        let first_line = case.message.lines().next().expect("a message");
        let cell = format!("`error: {}`", first_line.replace('|', "\\|"));
        if !doc.contains(&cell) {
            missing.push(cell);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/errors.md lacks:\n{}",
        missing.join("\n")
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_arguments() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = tempfile::tempdir().expect("scratch directory");
    let bad = |prefix: &[u8], suffix: &[u8]| {
        let mut bytes = prefix.to_vec();
        bytes.extend_from_slice(b"\xff");
        bytes.extend_from_slice(suffix);
        OsStr::from_bytes(&bytes).to_os_string()
    };
    let cases = [
        // A path is any bytes: the message shows it with U+FFFD for what is not UTF-8.
        (
            vec!["table".into(), "-c".into(), bad(b"", b".toml")],
            "error: \u{fffd}.toml: cannot read schedule file: no such file\n",
        ),
        (
            vec!["table".into(), "-o".into(), bad(b"", b"/out.csv")],
            "error: cannot write \u{fffd}/out.csv: directory \u{fffd} does not exist\n",
        ),
        // Values are text: clap refuses them before lrsched sees them.
        (
            vec!["table".into(), "--gamma".into(), bad(b"0.", b"")],
            "error: invalid UTF-8 was detected in one or more arguments\n\
             For more information, try '--help'.\n",
        ),
        (
            vec!["at".into(), bad(b"1", b"")],
            "error: invalid UTF-8 was detected in one or more arguments\n\
             For more information, try '--help'.\n",
        ),
    ];
    for (args, expected) in cases {
        let output = lrsched()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .expect("lrsched runs");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            expected,
            "{args:?}"
        );
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(names_in(dir.path()).is_empty(), "{args:?} wrote a file");
    }
}

/// A write that fails midway (here: a device that is always full) is reported, and a
/// device is written in place, never replaced by a regular file.
#[cfg(target_os = "linux")]
#[test]
fn full_device() {
    for args in [
        &["table", "-o", "/dev/full"][..],
        &["table", "--iters", "1000000", "-o", "/dev/full"][..],
        &["init", "-o", "/dev/full"][..],
    ] {
        let output = lrsched().args(args).output().expect("lrsched runs");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "error: cannot write /dev/full: no space left on device\n",
            "{args:?}"
        );
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    use std::os::unix::fs::FileTypeExt;
    let kind = fs::metadata("/dev/full").expect("/dev/full").file_type();
    assert!(kind.is_char_device(), "/dev/full must stay a device");
}

/// `-o /dev/null` writes nothing anywhere and leaves /dev/null a device.
#[cfg(unix)]
#[test]
fn device_outputs_are_written_in_place() {
    lrsched()
        .args(["table", "-o", "/dev/null"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    use std::os::unix::fs::FileTypeExt;
    let kind = fs::metadata("/dev/null").expect("/dev/null").file_type();
    assert!(kind.is_char_device(), "/dev/null must stay a device");
}

/// `lrsched table | head -3`: three lines, then a quiet exit 0 when the reader goes away.
#[test]
fn closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    for args in [
        &["table", "--iters", "100000000"][..],
        &["table", "--iters", "100000000", "--format", "jsonl"][..],
        &["table", "--iters", "100000000", "-o", "-"][..],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lrsched"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lrsched starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut lines = Vec::new();
        for _ in 0..3 {
            let mut line = String::new();
            stdout.read_line(&mut line).expect("a line");
            lines.push(line);
        }
        drop(stdout);
        let output = child.wait_with_output().expect("lrsched ends");
        assert!(output.status.success(), "{args:?}: {:?}", output.status);
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{args:?}");
        assert_eq!(lines.len(), 3);
    }
}

/// Ctrl-C during a long `table -o FILE` leaves neither the file nor its temporary file, and
/// lrsched ends by the signal as an uncaught Ctrl-C would (a shell shows status 130).
#[cfg(unix)]
#[test]
fn interrupt_leaves_no_partial_file() {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    for signal in [libc::SIGINT, libc::SIGTERM] {
        let dir = tempfile::tempdir().expect("scratch directory");
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("lrsched"));
        command
            .current_dir(dir.path())
            .args(["table", "--iters", "1000000000", "-o", "out.csv"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // lrsched keeps a signal its parent ignores ignored (as under nohup); the tests may run
        // as such a background job, so give the child the default disposition, as a terminal
        // would.
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                libc::signal(signal, libc::SIG_DFL);
                Ok(())
            });
        }
        let mut child = command.spawn().expect("lrsched starts");
        // Not a timing assertion: a bound so that a broken build cannot hang the suite.
        let give_up = Instant::now() + Duration::from_secs(60);
        let temp_file_exists = || {
            names_in(dir.path())
                .iter()
                .any(|name| name.starts_with(".lrsched-") && name.ends_with(".tmp"))
        };
        while !temp_file_exists() {
            assert!(Instant::now() < give_up, "no temporary file appeared");
            assert!(
                child.try_wait().expect("waits").is_none(),
                "lrsched ended early"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let pid = i32::try_from(child.id()).expect("a pid fits i32");
        // SAFETY: signals a child of this test, still running (try_wait said so).
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
        let status = loop {
            if let Some(status) = child.try_wait().expect("waits") {
                break status;
            }
            if Instant::now() > give_up {
                let _ = child.kill();
                panic!("lrsched ignored signal {signal}");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        assert!(
            names_in(dir.path()).is_empty(),
            "left behind: {:?}",
            names_in(dir.path())
        );
    }
}

// The largest valid inputs: handled exactly, or refused with a clear message (docs/errors.md,
// "Limits").

fn stdout_of(args: &[&str]) -> String {
    let output = lrsched().args(args).output().expect("lrsched runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Iterations up to 2^53 are exact: the warmup ramp's alpha = t / W is exact in f64 there.
/// The values are Python's, `0.01 * (0.1 * (1 - a) + a)` for a = t / 2^53.
#[test]
fn iterations_up_to_2_pow_53() {
    let ramp = [
        "--warmup-iters",
        "9007199254740992",
        "--iters",
        "9007199254740992",
        "--milestones=",
    ];
    let mut at = vec!["at", "0", "9007199254740990", "9007199254740991"];
    at.extend(ramp);
    assert_eq!(
        stdout_of(&at),
        "0.001\n0.009999999999999998\n0.009999999999999998\n"
    );
    let mut table = vec![
        "table",
        "--start",
        "9007199254740990",
        "--columns",
        "iteration,lr,phase",
    ];
    table.extend(ramp);
    assert_eq!(
        stdout_of(&table),
        "iteration,lr,phase\n9007199254740990,0.009999999999999998,warmup\n\
         9007199254740991,0.009999999999999998,warmup\n"
    );
    // A milestone at 2^53 - 1: the decay falls on exactly that iteration.
    assert_eq!(
        stdout_of(&[
            "at",
            "9007199254740990",
            "9007199254740991",
            "--milestones",
            "9007199254740991",
            "--iters",
            "9007199254740992",
        ]),
        "0.01\n0.001\n"
    );
}

/// Milestones up to u64::MAX are compared exactly as integers; only the derived default
/// `iters` can overflow, and that is refused (see the overflow cases).
#[test]
fn milestones_near_u64_max() {
    assert_eq!(
        stdout_of(&[
            "at",
            "18446744073709551612",
            "18446744073709551613",
            "18446744073709551614",
            "--milestones",
            "18446744073709551613,18446744073709551614",
            "--iters",
            "18446744073709551615",
        ]),
        "0.01\n0.001\n0.00010000000000000002\n"
    );
    // The last iteration is iters - 1: u64::MAX itself is past any schedule.
    lrsched()
        .args(["at", "18446744073709551615", "--iters", "18446744073709551615"])
        .assert()
        .code(2)
        .stderr(
            "error: ITER '18446744073709551615': iteration 18446744073709551615 is past the \
             schedule's 18446744073709551615 iterations (0 … 18446744073709551614); raise --iters\n",
        );
    assert_eq!(
        stdout_of(&[
            "table",
            "--milestones",
            "18446744073709551614",
            "--iters",
            "18446744073709551615",
            "--start",
            "18446744073709551612",
        ]),
        "iteration,lr\n18446744073709551612,0.01\n18446744073709551613,0.01\n\
         18446744073709551614,0.001\n"
    );
    let explained = stdout_of(&[
        "explain",
        "--format",
        "csv",
        "--step-size",
        "9223372036854775807",
        "--iters",
        "18446744073709551615",
    ]);
    assert_eq!(
        explained
            .lines()
            .skip(1)
            .map(|l| l.split(',').take(3).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>(),
        vec![
            "warmup,0,9",
            "base,10,9223372036854775816",
            "decay1,9223372036854775817,18446744073709551614",
        ]
    );
}

/// 10,000 milestones, as a flag and as a TOML array, parse and evaluate.
#[test]
fn ten_thousand_milestones() {
    let milestones: Vec<String> = (1..=10_000u64).map(|i| (i * 10).to_string()).collect();
    let flag = milestones.join(",");
    let dir = tempfile::tempdir().expect("scratch directory");
    let file = dir.path().join("many.toml");
    fs::write(
        &file,
        format!("milestones = [{}]\ngamma = 0.999\n", milestones.join(", ")),
    )
    .expect("file written");
    let file = file.to_str().expect("UTF-8 temp path");

    let from_flag = stdout_of(&["table", "--milestones", &flag, "--gamma", "0.999"]);
    let from_file = stdout_of(&["table", file]);
    assert_eq!(from_flag, from_file);
    // Default iters: 1.5 × 100,000.
    assert_eq!(from_flag.lines().count(), 1 + 150_000);
    let decays_at = |t: u64| {
        from_flag
            .lines()
            .nth(1 + t as usize)
            .expect("a row")
            .to_string()
    };
    // 0.01 * 0.999 ** k in Python: k = 1, 9999 and 10000.
    assert_eq!(decays_at(10), "10,0.00999");
    assert_eq!(decays_at(99_990), "99990,4.521856454158983e-7");
    assert_eq!(decays_at(100_000), "100000,4.5173345977048243e-7");
    assert_eq!(decays_at(149_999), "149999,4.5173345977048243e-7");

    let phases = stdout_of(&["explain", file, "--format", "csv"]);
    // The header, the warmup [0, 10), then one phase per milestone (the first is at 10).
    assert_eq!(phases.lines().count(), 1 + 1 + 10_000);
}

/// A run with more phases than anyone reads: `explain` shows the first 20,000 of them and says
/// where it stopped, instead of filling memory with 10^12 rows.
#[test]
fn explain_stops_at_twenty_thousand_phases() {
    let output = lrsched()
        .args([
            "explain",
            "--step-size",
            "1",
            "--iters",
            "1000000000000",
            "--format",
            "csv",
        ])
        .output()
        .expect("lrsched runs");
    assert!(output.status.success());
    let phases = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(phases.lines().count(), 1 + 20_000);
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "warning: schedule: explain shows the first 20000 phases; those from iteration 20009 on \
         are left out (lrsched table lists every iteration)\n"
    );
}

// Hardening of outputs (docs/errors.md, "Output safety"): an output over an input, failed
// writes of help and version, every terminating signal, and the file size limit.

/// docs/errors.md shows `message` as lrsched prints it, in a table cell.
fn assert_documented(message: &str) {
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .expect("docs/errors.md");
    assert!(
        doc.contains(&format!("`{message}`")),
        "docs/errors.md lacks `{message}`"
    );
}

/// `-o` onto an input schedule file (by its name, a symbolic link or a hard link) is refused
/// before anything is written, by every command that takes `-o`.
#[cfg(unix)]
#[test]
fn output_over_an_input_is_refused() {
    let dir = tempfile::tempdir().expect("scratch directory");
    let input = dir.path().join("self.toml");
    fs::write(&input, "gamma = 0.5\n").expect("schedule written");
    std::os::unix::fs::symlink("self.toml", dir.path().join("link.toml")).expect("symlink");
    fs::hard_link(&input, dir.path().join("hard.png")).expect("hard link");
    fs::hard_link(&input, dir.path().join("hard.toml")).expect("hard link");
    let before = names_in(dir.path());
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "table",
                "-c",
                "self.toml",
                "-o",
                "self.toml",
                "--format",
                "csv",
            ],
            "self.toml",
        ),
        (
            &["table", "self.toml", "-o", "link.toml", "--format", "csv"],
            "link.toml",
        ),
        (&["plot", "self.toml", "-o", "hard.png"], "hard.png"),
        (
            &["init", "-c", "self.toml", "-o", "hard.toml", "--force"],
            "hard.toml",
        ),
    ];
    for (args, output_name) in cases {
        let output = lrsched()
            .current_dir(dir.path())
            .args(args)
            .output()
            .expect("lrsched runs");
        let message = format!(
            "error: --output: {output_name} is the input file self.toml; write the output to \
             another file"
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!("{message}\n"),
            "{args:?}"
        );
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(names_in(dir.path()), before, "{args:?}");
        assert_eq!(
            fs::read_to_string(&input).unwrap(),
            "gamma = 0.5\n",
            "{args:?}"
        );
    }
    assert_documented(
        "error: --output: self.toml is the input file self.toml; write the output to another file",
    );
}

/// Help and version are output like any other: a failed write is reported (exit 2), a closed
/// stdout too, and only a reader that went away is quiet.
#[cfg(target_os = "linux")]
#[test]
fn help_and_version_report_failed_writes() {
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;

    let run = |args: &[&str], stdout: Stdio, close_stdout: bool| {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("lrsched"));
        command.args(args).stdout(stdout).env("NO_COLOR", "1");
        if close_stdout {
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                command.pre_exec(|| {
                    libc::close(1);
                    Ok(())
                });
            }
        }
        command.output().expect("lrsched runs")
    };
    let full = || Stdio::from(fs::File::options().write(true).open("/dev/full").unwrap());
    let no_space = "error: cannot write to stdout: no space left on device\n";
    let closed = "error: cannot write to stdout: it is closed\n";
    for args in [
        &["--help"][..],
        &["--version"],
        &["table", "--help"],
        &["table"],
    ] {
        let output = run(args, full(), false);
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            no_space,
            "{args:?}"
        );
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let output = run(args, Stdio::null(), true);
        assert_eq!(String::from_utf8_lossy(&output.stderr), closed, "{args:?}");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let output = run(args, Stdio::from(writer), false);
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{args:?}");
        assert!(output.status.success(), "{args:?}: {:?}", output.status);
    }
    assert_documented(no_space.trim_end());
    assert_documented(closed.trim_end());
}

/// `table -o out.csv` ended by `signal` while writing: lrsched ends by that signal and leaves
/// nothing behind.
#[cfg(unix)]
fn assert_signal_leaves_no_file(signal: libc::c_int) {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().expect("scratch directory");
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("lrsched"));
    command
        .current_dir(dir.path())
        .args(["table", "--iters", "1000000000", "-o", "out.csv"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // The default disposition, as a terminal gives it (the tests may run as a background job,
    // whose ignored signals lrsched keeps ignored), and no core file from SIGQUIT and the like.
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            libc::signal(signal, libc::SIG_DFL);
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            Ok(())
        });
    }
    let mut child = command.spawn().expect("lrsched starts");
    // Not a timing assertion: a bound so that a broken build cannot hang the suite.
    let give_up = Instant::now() + Duration::from_secs(60);
    let temp_file_exists = || {
        names_in(dir.path())
            .iter()
            .any(|name| name.starts_with(".lrsched-") && name.ends_with(".tmp"))
    };
    while !temp_file_exists() {
        assert!(Instant::now() < give_up, "no temporary file appeared");
        assert!(child.try_wait().expect("waits").is_none(), "ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = i32::try_from(child.id()).expect("a pid fits i32");
    // SAFETY: signals a child of this test, still running (try_wait said so).
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if Instant::now() > give_up {
            let _ = child.kill();
            panic!("lrsched ignored signal {signal}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(status.signal(), Some(signal), "{status:?}");
    assert!(
        names_in(dir.path()).is_empty(),
        "signal {signal} left behind: {:?}",
        names_in(dir.path())
    );
}

/// Not only SIGINT and SIGTERM: every signal that would end lrsched deletes the temporary file.
#[cfg(target_os = "linux")]
#[test]
fn every_terminating_signal_removes_the_temporary_file() {
    for signal in [
        libc::SIGQUIT,
        libc::SIGUSR1,
        libc::SIGUSR2,
        libc::SIGALRM,
        libc::SIGHUP,
        libc::SIGXCPU,
        libc::SIGPWR,
        libc::SIGRTMIN(),
    ] {
        assert_signal_leaves_no_file(signal);
    }
}

/// Past the file size limit (`ulimit -f`), a write fails like on a full disk: one line naming
/// the file, exit 2, no temporary file left; SIGXFSZ does not end lrsched silently.
#[cfg(target_os = "linux")]
#[test]
fn file_size_limit_is_reported_like_a_full_disk() {
    use std::os::unix::process::CommandExt;

    let limited = |dir: &Path| {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("lrsched"));
        command.current_dir(dir).env("NO_COLOR", "1");
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                libc::signal(libc::SIGXFSZ, libc::SIG_DFL);
                let limit = libc::rlimit {
                    rlim_cur: 100_000,
                    rlim_max: 100_000,
                };
                libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
                Ok(())
            });
        }
        command
    };
    let dir = tempfile::tempdir().expect("scratch directory");
    let output = limited(dir.path())
        .args(["table", "--iters", "30000000", "-o", "out.csv"])
        .output()
        .expect("lrsched runs");
    let message = "error: cannot write out.csv: file too large";
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!("{message}\n")
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        names_in(dir.path()).is_empty(),
        "{:?}",
        names_in(dir.path())
    );
    assert_documented(message);

    let stdout = fs::File::create(dir.path().join("stdout.csv")).expect("stdout file");
    let output = limited(dir.path())
        .args(["table", "--iters", "30000000"])
        .stdout(stdout)
        .output()
        .expect("lrsched runs");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: cannot write to stdout: file too large\n"
    );
    assert_eq!(output.status.code(), Some(2));
}

/// Runs each case in a scratch directory of its own and checks the message, the status, and
/// that the directory holds exactly the files the case put there, unchanged.
fn check_cases(cases: &[&Case]) {
    for case in cases {
        let dir = tempfile::tempdir().expect("scratch directory");
        if let Some((name, bytes)) = case.file {
            fs::write(dir.path().join(name), bytes).expect("case file written");
        }
        let before = names_in(dir.path());
        let output = lrsched()
            .current_dir(dir.path())
            .args(case.args)
            .write_stdin(case.stdin)
            .output()
            .expect("lrsched runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr,
            format!("error: {}\n", case.message),
            "stderr of {:?}",
            case.args
        );
        assert_eq!(output.status.code(), Some(2), "status of {:?}", case.args);
        assert_eq!(
            names_in(dir.path()),
            before,
            "{:?} left a file behind",
            case.args
        );
        if let Some((name, bytes)) = case.file {
            let now = fs::read(dir.path().join(name)).expect("case file still there");
            assert_eq!(&now, bytes, "{:?} changed {name}", case.args);
        }
    }
}

const UNITS: &str = "units";
const EPOCH_LENGTH: &str = "epoch lengths";
const FRACTIONS: &str = "fractions";
const SCALING: &str = "scaling";

/// Counts with units, epoch lengths, fractions and scaling: the rows of docs/errors.md under
/// those classes.
const UNIT_CASES: &[Case] = &[
    case(
        UNITS,
        &["table", "--milestones", "8,11weeks"],
        "--milestones: unknown unit 'weeks' in '11weeks'; expected a number with it, iter, \
         iters, ep, epoch or epochs (500it, 8ep), or a bare number in the list",
    ),
    with_file(
        UNITS,
        b"milestones = [\"8 weeks\"]\n",
        &["table", "bad.toml"],
        "bad.toml:1: milestones: unknown unit 'weeks' in '8 weeks'; expected a number with it, \
         iter, iters, ep, epoch or epochs (500it, 8ep), or a bare number in the list",
    ),
    case(
        UNITS,
        &["table", "--milestones", "8ep"],
        "--milestones: 8ep needs an epoch length: --iters-per-epoch N, or --dataset-size N with \
         --batch-size B",
    ),
    case(
        UNITS,
        &["table", "--warmup-iters", "2.5it"],
        "--warmup-iters: '2.5it' is not a whole number of iterations (fractions are for \
         epochs: 2.4ep)",
    ),
    case(
        UNITS,
        &["table", "--iters", "2.5"],
        "--iters: must be a whole number, got 2.5",
    ),
    with_file(
        UNITS,
        b"warmup_iters = \"500\"\n",
        &["table", "bad.toml"],
        "bad.toml:1: warmup_iters: the string \"500\" has no unit: write 500 as a number, or \
         \"500it\" or \"500ep\"",
    ),
    case(
        UNITS,
        &["table", "--step-size", "2.4ep", "--iters-per-epoch", "7393"],
        "--step-size: 2.4ep is 17743.2 iterations at 7393 per epoch, not a whole number",
    ),
    case(
        EPOCH_LENGTH,
        &["table", "--iters-per-epoch", "7392.9375"],
        "--iters-per-epoch: '7392.9375' is not a whole number",
    ),
    case(
        EPOCH_LENGTH,
        &["table", "--dataset-size", "coco"],
        "--dataset-size: unknown dataset 'coco'; expected a number of samples or one of: \
         coco2017, coco2017-nonempty, imagenet1k, cityscapes, cifar10, cifar100",
    ),
    case(
        EPOCH_LENGTH,
        &["table", "--dataset-size", "coco2017"],
        "--dataset-size: needs a batch to count the epoch: batch_size, or batch_per_device \
         (× devices)",
    ),
    case(
        EPOCH_LENGTH,
        &["table", "--batch-size", "16"],
        "--batch-size: counts the epoch only with dataset_size (--dataset-size N, or a \
         dataset's name)",
    ),
    case(
        EPOCH_LENGTH,
        &[
            "table",
            "--iters-per-epoch",
            "7393",
            "--dataset-size",
            "coco2017",
            "--batch-size",
            "16",
        ],
        "--dataset-size conflicts with --iters-per-epoch: iters_per_epoch is the epoch length \
         itself: give it, or dataset_size and a batch, not both",
    ),
    case(
        EPOCH_LENGTH,
        &[
            "table",
            "--dataset-size",
            "coco2017",
            "--batch-size",
            "16",
            "--devices",
            "8",
        ],
        "--devices conflicts with --batch-size: batch_size is the global batch: give it, or \
         batch_per_device × devices, not both",
    ),
    case(
        EPOCH_LENGTH,
        &[
            "table",
            "--dataset-size",
            "10",
            "--batch-size",
            "16",
            "--drop-last",
        ],
        "--drop-last: 10 samples in batches of 16 leave no full batch to keep",
    ),
    case(
        EPOCH_LENGTH,
        &["table", "--drop-last=maybe"],
        "--drop-last: expected true or false, got 'maybe'",
    ),
    case(
        FRACTIONS,
        &["table", "--warmup-factor", "1/0"],
        "--warmup-factor: '1/0' divides by zero",
    ),
    with_file(
        FRACTIONS,
        b"warmup_factor = \"1/x\"\n",
        &["table", "bad.toml"],
        "bad.toml:1: warmup_factor: 'x' is not a number",
    ),
    case(
        SCALING,
        &["table", "--from-batch", "16"],
        "--from-batch: needs --to-batch too",
    ),
    case(
        SCALING,
        &[
            "table",
            "--from-batch",
            "16",
            "--to-batch",
            "4",
            "--from-devices",
            "8",
            "--to-devices",
            "2",
        ],
        "--from-devices conflicts with --from-batch: scale by batch or by devices, not both",
    ),
    case(
        SCALING,
        &["table", "--rule", "sqrt"],
        "--rule: applies only when scaling: give --from-batch and --to-batch, or \
         --from-devices and --to-devices",
    ),
    case(
        SCALING,
        &[
            "table",
            "--rule",
            "cube",
            "--from-batch",
            "1",
            "--to-batch",
            "2",
        ],
        "--rule: unknown rule 'cube'; expected linear, sqrt or none",
    ),
    case(
        SCALING,
        &[
            "table",
            "--from-batch",
            "16",
            "--to-batch",
            "4",
            "--iters-per-epoch",
            "7393",
        ],
        "--to-batch conflicts with --iters-per-epoch: an epoch's length changes with the \
         batch: give dataset_size and a batch instead of iters_per_epoch, and lrsched counts \
         both",
    ),
    case(
        SCALING,
        &[
            "table",
            "--from-batch",
            "16",
            "--to-batch",
            "4",
            "--batch-size",
            "8",
            "--dataset-size",
            "coco2017",
        ],
        "--from-batch conflicts with --batch-size: the schedule's batch_size 8 is not the one \
         scaled from",
    ),
    case(
        SCALING,
        &[
            "table",
            "--from-devices",
            "8",
            "--to-devices",
            "1",
            "--batch-size",
            "12",
            "--dataset-size",
            "coco2017",
        ],
        "--batch-size: 12 × 1 / 8 is not a whole batch_size after scaling",
    ),
    case(
        SCALING,
        &["scale"],
        "--to-batch: scale needs --from-batch and --to-batch, or --from-devices and \
         --to-devices",
    ),
    Case {
        class: SCALING,
        args: &[
            "scale",
            "--from-batch",
            "16",
            "--to-batch",
            "8",
            "-o",
            "mine.toml",
        ],
        file: Some(("mine.toml", b"gamma = 0.5\n")),
        stdin: b"",
        message: "--output: mine.toml already exists; add --force to overwrite it",
    },
];

#[test]
fn units_epoch_lengths_fractions_and_scaling() {
    let cases: Vec<&Case> = UNIT_CASES.iter().collect();
    check_cases(&cases);
    // docs/errors.md shows each, under its class.
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .expect("docs/errors.md");
    for class in [UNITS, EPOCH_LENGTH, FRACTIONS, SCALING] {
        assert!(doc.contains(&format!("| {class} |")), "no row for {class}");
    }
    for case in UNIT_CASES {
        let cell = format!("`error: {}`", case.message.replace('|', "\\|"));
        assert!(doc.contains(&cell), "docs/errors.md lacks {cell}");
    }
}

/// The timm-train, mmcv1 and gluoncv dialects refuse what their frameworks refuse, through the
/// binary: the whole message, status 2, nothing on stdout, and no output file.
#[test]
fn timm_train_mmcv1_gluoncv_refusals() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["--dialect", "timm-train", "--warmup-method", "constant"],
            "--warmup-method: timm-train: timm warms up linearly only: MultiStepLRScheduler \
             ramps from warmup_lr (warmup_factor × base_lr) to base_lr and has no constant \
             warmup; set warmup_method = \"linear\"",
        ),
        (
            &["--dialect", "mmcv1", "--warmup-iters", "0"],
            "--warmup-iters: mmcv1: must be >= 1: the hook is built with a warmup method (mmcv \
             1.x: AssertionError: \"warmup_iters\" must be a positive integer); for no warmup an \
             mmcv config sets warmup=None, which gives the maskrcnn curve",
        ),
        (
            &["--dialect", "gluoncv", "--warmup-iters", "1"],
            "--warmup-iters: gluoncv: must not be 1 with a linear warmup: \
             LRScheduler('linear', niters=1) divides by niters - 1 = 0 on its first call \
             (GluonCV: \"ZeroDivisionError: division by zero\"); use 0, 2 or more, or a \
             constant warmup",
        ),
    ];
    for (flags, message) in cases {
        let dir = tempfile::tempdir().expect("scratch directory");
        let output = lrsched()
            .current_dir(dir.path())
            .args(["table", "-o", "out.csv"])
            .args(flags)
            .output()
            .expect("lrsched runs");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!("error: {message}\n"),
            "{flags:?}"
        );
        assert_eq!(output.status.code(), Some(2), "{flags:?}");
        assert!(output.stdout.is_empty(), "{flags:?}");
        assert!(names_in(dir.path()).is_empty(), "{flags:?} wrote a file");
    }
}

/// One framework refusal per dialect of paddledet, paddle and detectron-caffe2, through the
/// binary: the framework's own words, exit status 2, nothing on stdout.
#[test]
fn paddle_and_detectron_caffe2_refusals() {
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "table",
                "--dialect",
                "paddledet",
                "--warmup-method",
                "constant",
            ],
            "--warmup-method: paddledet: PaddleDetection's warmups are LinearWarmup and \
             ExpWarmup; there is no constant warmup (use warmup_method = linear)",
        ),
        (
            &["table", "--dialect", "paddle", "--warmup-iters", "0"],
            "--warmup-iters: paddle: must be >= 1 (LinearWarmup: \"'warmup_steps' must be a \
             positive integer.\"); without warmup, paddle's decay scheduler alone gives \
             maskrcnn's curve (--dialect maskrcnn)",
        ),
        (
            &[
                "table",
                "--dialect",
                "detectron-caffe2",
                "--warmup-method",
                "exp",
            ],
            "--warmup-method: detectron-caffe2: Detectron's get_lr_at_iter takes linear or \
             constant (\"KeyError: 'Unknown SOLVER.WARM_UP_METHOD: exp'\")",
        ),
    ];
    for (args, message) in cases {
        let output = lrsched().args(args).output().expect("lrsched runs");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!("error: {message}\n"),
            "{args:?}"
        );
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

/// The float32 dialects refuse what their framework cannot express or raises on, each in its
/// own words, naming the key at fault.
#[test]
fn float32_dialects_refuse_in_their_frameworks_words() {
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "at",
                "5",
                "--dialect",
                "tf-model-garden",
                "--warmup-method",
                "constant",
            ],
            "error: --warmup-method: tf-model-garden: Model Garden's warmup types are 'linear' \
             (LinearWarmup) and 'polynomial' (PolynomialWarmUp); neither holds a constant warmup: \
             use warmup_method = linear\n",
        ),
        (
            &["table", "--dialect", "keras", "--warmup-iters", "3"],
            "error: --warmup-iters: keras: keras.optimizers.schedules.PiecewiseConstantDecay has \
             no warmup; set warmup_iters = 0\n",
        ),
        (
            &[
                "table",
                "--dialect",
                "optax",
                "--milestones",
                "5,50",
                "--warmup-iters",
                "10",
            ],
            "error: --milestones: optax: [5] are below warmup_iters 10: a milestone before the \
             end of warmup has no place in join_schedules (its key m - W would be negative)\n",
        ),
    ];
    for (args, stderr) in cases {
        lrsched()
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(stderr);
    }
}

// Oversized inputs (docs/errors.md, "Oversized inputs"): bounded reads, short quotes, and
// iterations checked before anything is written.

/// Runs `args` in a scratch directory holding `files`, with `stdin`; returns stdout and stderr
/// after checking status 2.
fn refused(args: &[&str], files: &[(&str, &[u8])], stdin: &[u8]) -> (String, String) {
    let dir = tempfile::tempdir().expect("scratch directory");
    for (name, bytes) in files {
        fs::write(dir.path().join(name), bytes).expect("file written");
    }
    let output = lrsched()
        .current_dir(dir.path())
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("lrsched runs");
    assert_eq!(output.status.code(), Some(2), "status of {args:?}");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn oversized_values_are_quoted_by_their_start() {
    let nines = "9".repeat(100_000);
    let (_, stderr) = refused(&["table", "--gamma", &nines], &[], b"");
    let message = format!(
        "error: --gamma: '{}…' (100000 characters) is past the f64 range (about ±1.8e308)",
        &nines[..40]
    );
    assert_eq!(stderr, format!("{message}\n"));
    assert_documented(&message);

    let key = "k".repeat(100_000);
    let file = format!("{key} = 1\n");
    let (_, stderr) = refused(
        &["table", "bad.toml"],
        &[("bad.toml", file.as_bytes())],
        b"",
    );
    let message = stderr.trim_end();
    assert!(message.starts_with(&format!(
        "error: bad.toml:1: unknown key '{}…' (100000 characters); valid keys: base_lr, ",
        &key[..40]
    )));
    assert_documented(message);

    // clap's errors quote a value whole: cut the same way.
    let (_, stderr) = refused(&["plot", "--layout", &nines[..1000]], &[], b"");
    let message = format!(
        "error: invalid value '{}…' (1000 characters) for '--layout <LAYOUT>'",
        &nines[..40]
    );
    assert!(stderr.starts_with(&format!("{message}\n")), "{stderr}");
    assert_documented(&message);

    // A syntax error on a 200 KB line shows 80 characters of it, around the column.
    let file = format!("gamma = 0.1\nname = \"{} = 3\n", "a".repeat(200_000));
    let (_, stderr) = refused(
        &["check", "bad.toml"],
        &[("bad.toml", file.as_bytes())],
        b"",
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(lines[0].starts_with("error: bad.toml:2:200013: invalid TOML: "));
    assert_eq!(lines[1], format!("  2 | …{} = 3", "a".repeat(76)));
}

#[test]
fn oversized_files_are_refused_without_reading_them_whole() {
    let limit = 8 * 1024 * 1024;
    let too_big = vec![b'#'; limit + 1];
    let message = "error: big.toml: cannot read schedule file: larger than 8 MiB, the most a \
                   schedule or config file may have\n";
    for args in [
        &["table", "big.toml"][..],
        &["at", "5", "-c", "big.toml"],
        &["check", "big.toml"],
        &["explain", "-c", "big.toml"],
        &["plot", "big.toml", "-o", "out.svg"],
    ] {
        let (stdout, stderr) = refused(args, &[("big.toml", &too_big)], b"");
        assert_eq!(
            (stdout.as_str(), stderr.as_str()),
            ("", message),
            "{args:?}"
        );
    }
    // Exactly at the limit is read (and is a valid, if odd, schedule file of comments).
    let at_limit = vec![b'#'; limit];
    let dir = tempfile::tempdir().expect("scratch directory");
    fs::write(dir.path().join("big.toml"), at_limit).expect("file written");
    lrsched()
        .current_dir(dir.path())
        .args(["at", "5", "-c", "big.toml"])
        .assert()
        .success()
        .stdout("0.0055000000000000005\n");
    // A device that never ends.
    let (_, stderr) = refused(&["check", "/dev/zero"], &[], b"");
    let message = "error: /dev/zero: cannot read schedule file: larger than 8 MiB, the most a \
                   schedule or config file may have";
    assert_eq!(stderr, format!("{message}\n"));
    assert_documented(message);
}

#[test]
fn at_stdin_lines_are_bounded() {
    let message = "error: <stdin>:1: a line longer than 4096 bytes (an iteration is a whole \
                   number >= 0, one per line)";
    let (stdout, stderr) = refused(&["at", "-"], &[], &vec![b'1'; 10_000_000]);
    assert_eq!((stdout.as_str(), stderr), ("", format!("{message}\n")));
    assert_documented(message);
    // A bad line of up to 4096 bytes is quoted by its start.
    let line = format!("{}x\n", "1".repeat(4000));
    let (stdout, stderr) = refused(&["at", "-"], &[], format!("7\n{line}").as_bytes());
    assert_eq!(stdout, "0.0073\n");
    assert_eq!(
        stderr,
        format!(
            "error: <stdin>:2: '{}…' (4001 characters) is not a whole number (an iteration is \
             a whole number >= 0)\n",
            &line[..40]
        )
    );
}

#[test]
fn at_checks_every_iteration_before_writing() {
    let message = "error: ITER '200': iteration 200 is past the schedule's 150 iterations (0 … 149); raise --iters";
    for args in [
        &["at", "5", "200"][..],
        &["at", "5", "200", "-"],
        &["at", "5", "-", "x"],
    ] {
        let (stdout, stderr) = refused(args, &[], b"7\n");
        assert_eq!(stdout, "", "{args:?} wrote before its error");
        assert!(stderr.starts_with("error: ITER '"), "{stderr}");
    }
    let (_, stderr) = refused(&["at", "5", "200"], &[], b"");
    assert_eq!(stderr, format!("{message}\n"));
    assert_documented(message);
}

#[test]
fn names_with_tabs_and_line_breaks_keep_rows_whole() {
    let files: &[(&str, &[u8])] = &[
        ("a.toml", b"name = \"a\\tb\"\n"),
        ("b.toml", b"name = \"c\\nd\\\\e\"\n"),
    ];
    let dir = tempfile::tempdir().expect("scratch directory");
    for (name, bytes) in files {
        fs::write(dir.path().join(name), bytes).expect("file written");
    }
    let run = |args: &[&str]| {
        let output = lrsched()
            .current_dir(dir.path())
            .args(args)
            .output()
            .expect("lrsched runs");
        assert!(output.status.success(), "{args:?}");
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    assert_eq!(
        run(&["table", "a.toml", "b.toml", "--format", "tsv", "--end", "2"]),
        "iteration\tlr_a\\tb\tlr_c\\nd\\\\e\n0\t0.001\t0.001\n1\t0.0019\t0.0019\n"
    );
    let report = run(&["check", "a.toml", "b.toml"]);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 2, "{report}");
    assert!(lines[0].starts_with("ok: a\\tb (maskrcnn): "), "{report}");
    assert!(
        lines[1].starts_with("ok: c\\nd\\e (maskrcnn): "),
        "{report}"
    );
}

#[test]
fn far_table_rows_come_at_once() {
    // A phase per iteration: walking to these rows would take centuries.
    let output = lrsched()
        .args([
            "table",
            "--step-size",
            "1",
            "--iters",
            "18446744073709551615",
            "--start",
            "18446744073709551610",
            "--dialect",
            "all",
            "--columns",
            "iteration,phase",
        ])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("lrsched runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 5, "{text}");
    assert!(rows[0].starts_with("18446744073709551610,decay"), "{text}");
    let every = stdout_of(&[
        "table",
        "--step-size",
        "1",
        "--iters",
        "1000000000000",
        "--every",
        "300000000000",
        "--columns",
        "iteration,phase",
    ]);
    assert_eq!(
        every,
        "iteration,phase\n0,warmup\n300000000000,decay299999999990\n\
         600000000000,decay599999999990\n900000000000,decay899999999990\n"
    );
}

const DIFF_EXPORT: &str = "diff and export";

/// `diff` and `export`: an unknown target, a schedule the target cannot express at all, and
/// dialect lists that do not name two schedules (diff) or one (export).
const DIFF_EXPORT_CASES: &[Case] = &[
    case(
        DIFF_EXPORT,
        &["export", "--to", "caffe"],
        "--to: unknown target 'caffe'; expected one of: detectron2, maskrcnn, mmengine, mmcv1, \
         torch, timm, paddle, paddledet, optax, keras, tf-model-garden, lrsched",
    ),
    case(
        DIFF_EXPORT,
        &["export", "--to", "optax", "--milestones", "5,50"],
        "--to optax: milestones: [5] are below warmup_iters 10: a milestone before the end of \
         warmup has no place in join_schedules (its key m - W would be negative)",
    ),
    case(
        DIFF_EXPORT,
        &["export", "--to", "timm"],
        "--to timm: timm counts milestones in whole epochs: give the epoch length \
         (--iters-per-epoch N, or iters_per_epoch in the schedule file)",
    ),
    case(
        DIFF_EXPORT,
        &["export", "--to", "lrsched", "--dialect", "maskrcnn,mxnet"],
        "--dialect: export takes one source schedule, and 'maskrcnn,mxnet' names several \
         dialects; give the one whose curve to export",
    ),
    case(
        DIFF_EXPORT,
        &["export", "--to", "lrsched", "--dialect", "all"],
        "--dialect: export takes one source schedule, and 'all' names several dialects; give \
         the one whose curve to export",
    ),
    case(
        DIFF_EXPORT,
        &["diff", "--dialect", "maskrcnn,mxnet,timm"],
        "--dialect: diff compares two schedules, and 'maskrcnn,mxnet,timm' names 3 dialects; \
         give two (--dialect A,B)",
    ),
    case(
        DIFF_EXPORT,
        &["diff", "--dialect", "all"],
        "--dialect: diff compares two schedules, and 'all' names every dialect; give two \
         (--dialect A,B)",
    ),
    case(
        DIFF_EXPORT,
        &["diff", "--dialect", "mxnet"],
        "--dialect: diff needs two schedules: two schedule files, or one schedule under two \
         dialects (--dialect A,B)",
    ),
    case(
        DIFF_EXPORT,
        &["diff", "--dialect", "maskrcnn,lasagne"],
        "--dialect: unknown dialect 'lasagne'; expected one of: maskrcnn, torch-chained, \
         torch-sequential, detectron2, mxnet, timm, mmengine, timm-train, mmcv1, gluoncv, \
         paddledet, paddle, detectron-caffe2, tf-model-garden, keras, optax, warmup-multistep, \
         ppdet, paddlepaddle, detectron, all",
    ),
    with_file(
        DIFF_EXPORT,
        b"milestones = [50, 100]\n",
        &["diff", "bad.toml", "bad.toml", "bad.toml"],
        "--config: diff compares two schedules, and 3 schedule files are given",
    ),
];

const PYTHON: &str = "Python configs";

/// Python configs (mmdetection 3.x and 2.x) lrsched cannot read or that are outside the
/// warmup + multi-step family: the rows of docs/errors.md under "Python configs".
const PYTHON_CASES: &[Case] = &[
    with_file(
        PYTHON,
        b"x = 1\ndef f():\n    return 2\n",
        &["table", "bad.toml", "--from", "mmdet"],
        "bad.toml:2: def: a 'def' statement is outside the Python subset lrsched reads (configs are read, never run): only assignments and imports",
    ),
    with_file(
        PYTHON,
        b"train_cfg = dict(type='IterBasedTrainLoop', max_iters=90)\noptim_wrapper = dict(optimizer=dict(lr=0.1))\nparam_scheduler = dict(type='PolyLR', by_epoch=False)\n",
        &["table", "bad.toml", "--from", "mmdet"],
        "bad.toml:3: param_scheduler[0]: PolyLR: lrsched covers the warmup + multi-step family (LinearLR or ConstantLR warmup, MultiStepLR decay), not PolyLR",
    ),
    with_file(
        PYTHON,
        b"train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12)\noptim_wrapper = dict(optimizer=dict(lr=0.1))\nparam_scheduler = [dict(type='LinearLR', end=1), dict(type='MultiStepLR', milestones=[8])]\n",
        &["table", "bad.toml", "--from", "mmdet"],
        "bad.toml:3: param_scheduler[0]: a LinearLR stepped per epoch (by_epoch=True without convert_to_iter_based=True) changes the lr once an epoch; lrsched's warmup is per iteration (per-epoch stepping is not a key yet)",
    ),
    with_file(
        PYTHON,
        b"_base_ = './base.py'\n",
        &["table", "bad.toml", "--from", "mmdet"],
        "bad.toml:1: _base_: cannot read ./base.py: no such file",
    ),
    with_file(
        PYTHON,
        b"_base_ = 'bad.toml'\n",
        &["table", "bad.toml", "--from", "mmdet"],
        "bad.toml:1: _base_: 'bad.toml' is not a Python config; lrsched follows .py bases of .py configs",
    ),
    with_file(
        PYTHON,
        b"optimizer = dict(lr=0.1)\nrunner = dict(type='IterBasedRunner', max_iters=100)\nlr_config = dict(policy='CosineAnnealing', min_lr=0)\n",
        &["table", "bad.toml", "--from", "mmdet2"],
        "bad.toml:3: lr_config.policy: 'CosineAnnealing': lrsched covers the warmup + multi-step family (policy='step'), not CosineAnnealing",
    ),
    with_file(
        PYTHON,
        b"optimizer = dict(lr=0.1)\nrunner = dict(type='IterBasedRunner', max_iters=100)\nlr_config = dict(policy='step', by_epoch=False, step=[s for s in (50, 80) if s])\n",
        &["table", "bad.toml", "--from", "mmdet2"],
        "bad.toml:3: lr_config.step: a comprehension with 'if' is outside the Python subset lrsched reads (configs are read, never run)",
    ),
    with_file(
        PYTHON,
        b"optimizer = dict(lr=0.1)\nlr_config = dict(policy='step', step=[8, 11])\n",
        &["table", "bad.toml", "--from", "mmdet2"],
        "bad.toml: runner is not set, here or in a _base_ file; lrsched needs it",
    ),
    with_file(
        PYTHON,
        b"a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
        &["table", "bad.toml", "--from", "mmdet"],
        "bad.toml:1: nesting: brackets and operators nest deeper than 64 levels",
    ),
    with_file(
        PYTHON,
        b"a = [1]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\na = [a, a]\n",
        &["table", "bad.toml", "--from", "mmdet"],
        "bad.toml:18: size: the config builds more than 1048576 values; lrsched stops reading",
    ),
    with_file(
        PYTHON,
        b"optimizer = dict(lr=0.1)\nrunner = dict(type='EpochBasedRunner', max_epochs=12)\nlr_config = dict(policy='step', step=[8, 11])\n",
        &["table", "bad.toml", "--from", "mmdet2"],
        "bad.toml:3: lr_config.step: 8ep needs an epoch length: --iters-per-epoch N, or --dataset-size N with --batch-size B",
    ),
];

const STEPPING: &str = "stepping";
const EXPLICIT: &str = "explicit values";

/// Per-epoch stepping, explicit values and an absolute warmup start: the rows of
/// docs/errors.md under those classes.
const STEPPING_CASES: &[Case] = &[
    case(
        STEPPING,
        &["table", "--stepping", "epoch"],
        "--stepping: stepping = epoch needs an epoch length: iters_per_epoch, or dataset_size and a batch",
    ),
    case(
        STEPPING,
        &["table", "--stepping", "weekly"],
        "--stepping: unknown stepping 'weekly'; expected iter or epoch",
    ),
    case(
        STEPPING,
        &["table", "--warmup-stepping", "epoch"],
        "--warmup-stepping: warmup_stepping = epoch needs stepping = epoch (no framework steps its warmup less often than its decays)",
    ),
    case(
        STEPPING,
        &[
            "table",
            "--stepping",
            "epoch",
            "--iters-per-epoch",
            "7",
            "--milestones",
            "14,20",
            "--warmup-iters",
            "0",
        ],
        "--milestones: maskrcnn: milestone 20 is not a whole number of epochs at 7 iterations per epoch; with stepping = \"epoch\" the lr changes only at epoch boundaries (write it as whole epochs, e.g. \"3ep\")",
    ),
    case(
        STEPPING,
        &[
            "table",
            "--stepping",
            "epoch",
            "--iters-per-epoch",
            "10",
            "--dialect",
            "optax",
            "--milestones",
            "2ep",
            "--warmup-iters",
            "1ep",
        ],
        "--stepping: optax: cannot step per epoch: an optax schedule is a function of the optimizer's update count; give the milestones in epochs instead (\"8ep\"): they land on epoch boundaries",
    ),
    case(
        STEPPING,
        &[
            "table",
            "--stepping",
            "epoch",
            "--iters-per-epoch",
            "10",
            "--step-size",
            "2.4ep",
            "--warmup-iters",
            "5",
        ],
        "--warmup-iters: 5 is not a whole number of epochs at 10 iterations per epoch, and step_size 2.4ep counts its decays from the end of the warmup",
    ),
    case(
        EXPLICIT,
        &[
            "table",
            "--values",
            "0.1,0.01",
            "--milestones",
            "5,6",
            "--dialect",
            "keras",
        ],
        "--values: has 2 values for 2 milestones; give one more value than milestones: the lr before the first milestone and after each",
    ),
    case(
        EXPLICIT,
        &["table", "--values", "0.1,0.01", "--gamma", "0.5"],
        "--gamma conflicts with --values: values give every lr: give values, or base_lr and gamma, not both",
    ),
    case(
        EXPLICIT,
        &["table", "--values", "0.1,0.01", "--step-size", "5"],
        "--step-size conflicts with --values: values go with milestones (one more value than milestones), not step_size",
    ),
    case(
        EXPLICIT,
        &[
            "table",
            "--values",
            "0.1,-0.01",
            "--milestones",
            "5",
            "--dialect",
            "keras",
        ],
        "--values: every value must be > 0, got -0.01",
    ),
    case(
        EXPLICIT,
        &["table", "--values", "0.1,0.01", "--milestones", "5"],
        "--values: maskrcnn: takes no explicit values: WarmupMultiStepLR takes SOLVER.GAMMA; give base_lr and gamma instead",
    ),
    case(
        EXPLICIT,
        &[
            "table",
            "--values",
            "0.1,0.01",
            "--milestones",
            "5",
            "--dialect",
            "detectron2",
        ],
        "--values: detectron2: takes no explicit values: MultiStepParamScheduler's values are multipliers of base_lr (LRMultiplier computes base_lr × values[k]: give them as factors); give base_lr and gamma instead",
    ),
    case(
        EXPLICIT,
        &["table", "--warmup-lr", "1e-6", "--warmup-factor", "0.1"],
        "--warmup-factor conflicts with --warmup-lr: give warmup_lr or warmup_factor, not both",
    ),
    case(
        EXPLICIT,
        &["table", "--warmup-lr", "1e-6"],
        "--warmup-lr: maskrcnn: takes no absolute warmup start: WarmupMultiStepLR takes SOLVER.WARMUP_FACTOR; give warmup_factor instead",
    ),
];

#[test]
fn python_configs() {
    let cases: Vec<&Case> = PYTHON_CASES.iter().collect();
    check_cases(&cases);
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .expect("docs/errors.md");
    for case in PYTHON_CASES {
        let cell = format!("`error: {}`", case.message.replace('|', "\\|"));
        assert!(doc.contains(&cell), "docs/errors.md lacks {cell}");
    }
}

#[test]
fn stepping_and_explicit_values() {
    let cases: Vec<&Case> = STEPPING_CASES.iter().collect();
    check_cases(&cases);
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .expect("docs/errors.md");
    for case in STEPPING_CASES {
        let cell = format!("`error: {}`", case.message.replace('|', "\\|"));
        assert!(doc.contains(&cell), "docs/errors.md lacks {cell}");
    }
}

const IMPORT: &str = "framework configs";

const fn with_yaml(
    file: &'static [u8],
    args: &'static [&'static str],
    message: &'static str,
) -> Case {
    Case {
        class: IMPORT,
        args,
        file: Some(("bad.yaml", file)),
        stdin: b"",
        message,
    }
}

/// Framework configs (docs/import.md): formats, inheritance, and what the frameworks refuse.
const IMPORT_CASES: &[Case] = &[
    Case {
        class: IMPORT,
        args: &["table", "notes.txt"],
        file: Some(("notes.txt", b"hello\n")),
        stdin: b"",
        message: "notes.txt: cannot tell which format this is; give --from FORMAT, one of: \
                  lrsched, detectron2, detectron2-lazy, maskrcnn, mmdet, mmdet2, paddledet, tf-model-garden, timm",
    },
    with_yaml(
        b"SOLVER:\n  BASE_LR: 0.02\n",
        &["table", "bad.yaml"],
        "bad.yaml: could be any of detectron2, maskrcnn; give --from FORMAT to say which",
    ),
    with_yaml(
        b"SOLVER:\n  BASE_LR: 0.02\n",
        &["table", "bad.yaml", "--from", "keras"],
        "--from: unknown format 'keras'; expected one of: lrsched, detectron2, detectron2-lazy, \
         maskrcnn, mmdet, mmdet2, paddledet, tf-model-garden, timm",
    ),
    case(
        IMPORT,
        &["table", "--from", "detectron2"],
        "--from: gives the format of a config file, and no file was given",
    ),
    with_yaml(
        b"_BASE_: \"Base.yaml\"\nSOLVER:\n  BASE_LR: 0.02\n",
        &["table", "bad.yaml"],
        "bad.yaml:1: _BASE_: cannot read Base.yaml: no such file",
    ),
    with_yaml(
        b"_BASE_: \"bad.yaml\"\nSOLVER: {}\n",
        &["table", "bad.yaml"],
        "bad.yaml:1: _BASE_: inheritance cycle: bad.yaml -> bad.yaml",
    ),
    with_yaml(
        b"VERSION: 2\nSOLVER:\n  MAX_ITER: 90000.0\n",
        &["table", "bad.yaml"],
        "bad.yaml:3: SOLVER.MAX_ITER: detectron2 refuses it: 90000.0 is a float where the \
         default 40000 is an int (yacs: \"Type mismatch\")",
    ),
    with_yaml(
        b"VERSION: 2\nSOLVER:\n  BASE_LRR: 0.02\n",
        &["table", "bad.yaml"],
        "bad.yaml:3: SOLVER.BASE_LRR: not a key of detectron2's config, which refuses it \
         (yacs: \"Non-existent config key\")",
    ),
    with_yaml(
        b"VERSION: 2\nSOLVER:\n  LR_SCHEDULER_NAME: WarmupCosineLR\n",
        &["table", "bad.yaml"],
        "bad.yaml:3: SOLVER.LR_SCHEDULER_NAME: the scheduler 'WarmupCosineLR' is not one \
         lrsched models: it covers the warmup + multi-step family",
    ),
    with_yaml(
        b"VERSION: 2\nSOLVER:\n  WARMUP_METHOD: exp\n",
        &["table", "bad.yaml"],
        "bad.yaml:3: SOLVER.WARMUP_METHOD: detectron2 refuses warmup method 'exp' (\"Unknown \
         warmup method\"); it has linear and constant",
    ),
    with_yaml(
        b"VERSION: 2\nSOLVER:\n  IMS_PER_BATCH: 16\n  REFERENCE_WORLD_SIZE: 3\n",
        &["table", "bad.yaml", "--devices", "4"],
        "bad.yaml:4: SOLVER.REFERENCE_WORLD_SIZE: IMS_PER_BATCH 16 is not a multiple of it, \
         which detectron2 refuses (\"Invalid REFERENCE_WORLD_SIZE in config!\")",
    ),
    with_yaml(
        b"VERSION: 2\nSOLVER:\n  BASE_LR: -0.02\n",
        &["table", "bad.yaml"],
        "bad.yaml:3: SOLVER.BASE_LR: must be > 0, got -0.02",
    ),
    with_yaml(
        b"VERSION: 2\nSOLVER:\n  STEPS: (60000, \"x\")\n",
        &["table", "bad.yaml"],
        "bad.yaml:3: SOLVER.STEPS: expected a tuple of integers, found 'x'",
    ),
    with_yaml(
        b"MODEL:\n  WEIGHT: \"catalog://R-50\"\n_BASE_: \"x.yaml\"\n",
        &["table", "bad.yaml", "--from", "maskrcnn"],
        "bad.yaml:3: _BASE_: maskrcnn-benchmark's yacs has no _BASE_ (\"Non-existent config \
         key\"); is this a detectron2 config? (--from detectron2)",
    ),
    with_yaml(
        b"epoch: 12\nLearningRate:\n  schedulers:\n  - !CosineDecay\n    max_epochs: 12\n",
        &["table", "bad.yaml"],
        "bad.yaml:4: LearningRate.schedulers[0]: the scheduler 'CosineDecay' is not one lrsched \
         models: it covers the warmup + multi-step family",
    ),
    with_yaml(
        b"epoch: 12\nLearningRate:\n  schedulers:\n  - !PiecewiseDecay\n    gamma: 0.1\n    milestones: [8]\n",
        &["table", "bad.yaml"],
        "bad.yaml:4: LearningRate.schedulers: has no warmup after the PiecewiseDecay, whose \
         use_warmup is true: PaddleDetection fails (schedulers[1]: IndexError); add a \
         !LinearWarmup or set use_warmup: false",
    ),
    with_yaml(
        b"epoch: 12\nLearningRate:\n  schedulers:\n  - !PiecewiseDecay\n    gamma: 0.1\n    milestones: [8]\n  - !LinearWarmup\n    step: 500\n",
        &["table", "bad.yaml"],
        "bad.yaml:8: LearningRate.schedulers[1].step: LinearWarmup takes steps, start_factor, \
         epochs, epochs_first; PaddleDetection refuses it (\"unexpected keyword argument\")",
    ),
    with_yaml(
        b"_BASE_: [\n  'gone.yml',\n]\nepoch: 12\n",
        &["table", "bad.yaml"],
        "bad.yaml:2: _BASE_: cannot read gone.yml: no such file",
    ),
    with_yaml(
        b"LearningRate:\n  base_lr: 0.01\n",
        &["table", "bad.yaml"],
        "bad.yaml: epoch is not set, here or in a _BASE_ file; PaddleDetection's trainer needs it",
    ),
    with_yaml(
        b"trainer:\n  train_steps: 100\n  optimizer_config:\n    learning_rate:\n      type: cosine\n",
        &["table", "bad.yaml"],
        "bad.yaml:5: trainer.optimizer_config.learning_rate.type: the scheduler 'cosine' is not \
         one lrsched models: it covers the warmup + multi-step family",
    ),
    with_yaml(
        b"trainer:\n  train_steps: 100\n  optimizer_config:\n    warmup:\n      type: linear\n",
        &["table", "bad.yaml"],
        "bad.yaml: trainer.optimizer_config.learning_rate is not set: the experiment's own \
         defaults are registered in Python (--experiment), which lrsched does not read; write it \
         in the YAML",
    ),
    with_yaml(
        b"sched: cosine\nwarmup_epochs: 5\n",
        &["table", "bad.yaml"],
        "bad.yaml:1: sched: the scheduler 'cosine' is not one lrsched models: it covers the \
         warmup + multi-step family",
    ),
    with_yaml(
        b"sched: multistep\nwarmup_epochs: five\n",
        &["table", "bad.yaml"],
        "bad.yaml:2: warmup_epochs: expected a whole number, found 'five'",
    ),
    with_yaml(
        b"sched: multistep\nwarmup_epochs: 5\nlr_noise: [0.4, 0.9]\n",
        &["table", "bad.yaml", "--dataset-size", "imagenet1k"],
        "bad.yaml:3: lr_noise: [0.4, 0.9] adds random noise to the lr, which lrsched does not \
         model (it reproduces lr_noise: null)",
    ),
    with_yaml(
        b"sched: step\nwarmup_epochs: 0\nsched_on_updates: true\n",
        &["table", "bad.yaml", "--dataset-size", "imagenet1k"],
        "bad.yaml:3: sched_on_updates: with sched 'step', StepLRScheduler decays every \
         decay_epochs × updates_per_epoch updates, a count lrsched cannot write in epochs; \
         lrsched reads sched 'step' stepped per epoch (sched_on_updates: false)",
    ),
    with_yaml(
        b"sched: multistep\nwarmup_epochs: 5\n",
        &["table", "bad.yaml"],
        "--dataset-size: timm counts its schedule in epochs: give the training set's size or \
         name (its batches of batch_size 128 × --devices make the epoch), or --iters-per-epoch N",
    ),
    with_yaml(
        b"VERSION: 2\nSOLVER:\n  BASE_LR: [0.02\n",
        &["table", "bad.yaml"],
        "bad.yaml:4:1: invalid YAML: while parsing a flow sequence, expected ',' or ']'\n  4 | ",
    ),    with_yaml(
        b"VERSION: 2\na0: &a0 [1]\na1: &a1 [*a0, *a0]\na2: &a2 [*a1, *a1]\na3: &a3 [*a2, *a2]\na4: &a4 [*a3, *a3]\na5: &a5 [*a4, *a4]\na6: &a6 [*a5, *a5]\na7: &a7 [*a6, *a6]\na8: &a8 [*a7, *a7]\na9: &a9 [*a8, *a8]\na10: &a10 [*a9, *a9]\na11: &a11 [*a10, *a10]\na12: &a12 [*a11, *a11]\na13: &a13 [*a12, *a12]\na14: &a14 [*a13, *a13]\na15: &a15 [*a14, *a14]\na16: &a16 [*a15, *a15]\na17: &a17 [*a16, *a16]\na18: &a18 [*a17, *a17]\na19: &a19 [*a18, *a18]\na20: &a20 [*a19, *a19]\na21: &a21 [*a20, *a20]\na22: &a22 [*a21, *a21]\na23: &a23 [*a22, *a22]\na24: &a24 [*a23, *a23]\n",
        &["table", "bad.yaml", "--from", "detectron2"],
        "bad.yaml:20: YAML: more than 1000000 YAML nodes (aliases expanded), the most lrsched reads",
    ),
    with_yaml(
        b"VERSION: 2\nSOLVER:\n  STEPS: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
        &["table", "bad.yaml"],
        "bad.yaml:3: YAML: nested more than 128 levels deep, the most lrsched reads",
    ),
];

#[test]
fn diff_and_export_errors() {
    let cases: Vec<&Case> = DIFF_EXPORT_CASES.iter().collect();
    check_cases(&cases);
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .expect("docs/errors.md");
    for case in DIFF_EXPORT_CASES {
        let cell = format!("`error: {}`", case.message.replace('|', "\\|"));
        assert!(doc.contains(&cell), "docs/errors.md lacks {cell}");
    }
}

#[test]
fn framework_configs() {
    let cases: Vec<&Case> = IMPORT_CASES.iter().collect();
    check_cases(&cases);
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .expect("docs/errors.md");
    for case in IMPORT_CASES {
        let first = case.message.lines().next().unwrap_or_default();
        let cell = format!("`error: {}`", first.replace('|', "\\|"));
        assert!(doc.contains(&cell), "docs/errors.md lacks {cell}");
    }
}

/// Training-script command lines and LazyConfig files (docs/import.md, "Command lines",
/// "detectron2 LazyConfig"), and the `factors` key (docs/guide.md, "Explicit values").
const COMMAND_LINE_CASES: &[Case] = &[
    case(
        IMPORT,
        &["import", "--", "--epochs", "26"],
        "--: a command line needs --from to say whose it is: one of timm, \
         torchvision-detection, torchvision-classification",
    ),
    case(
        IMPORT,
        &["import", "--from", "keras", "--", "--epochs", "3"],
        "--from: 'keras' has no command line lrsched reads; after -- it reads those of: timm, \
         torchvision-detection, torchvision-classification",
    ),
    case(
        IMPORT,
        &[
            "import",
            "--from",
            "torchvision-detection",
            "--",
            "--epochs",
            "26",
        ],
        "--dataset-size: torchvision detection train.py counts its run in epochs: give the \
         training set's size with --dataset-size N (or a dataset's name, e.g. \
         coco2017-nonempty, imagenet1k), or --iters-per-epoch",
    ),
    case(
        IMPORT,
        &[
            "import",
            "--from",
            "torchvision-detection",
            "--dataset-size",
            "coco2017-nonempty",
            "--",
            "--lr-scheduler",
            "cosineannealinglr",
        ],
        "torchvision detection train.py --lr-scheduler: the scheduler 'cosineannealinglr' is \
         not one lrsched models: it covers the warmup + multi-step family",
    ),
    case(
        IMPORT,
        &[
            "import",
            "--from",
            "torchvision-classification",
            "--dataset-size",
            "imagenet1k",
            "--",
            "--lr-warm",
            "5",
        ],
        "torchvision classification train.py --lr-warm: argparse would read it as \
         --lr-warmup-epochs, an abbreviation lrsched does not expand; write --lr-warmup-epochs \
         out",
    ),
    case(
        IMPORT,
        &[
            "import",
            "--from",
            "torchvision-detection",
            "--dataset-size",
            "100",
            "--batch-size",
            "4",
            "--",
            "--epochs",
            "2",
        ],
        "--batch-size: torchvision detection train.py takes its batch from its own command line \
         (after --): give it there, as the script does",
    ),
    case(
        IMPORT,
        &[
            "import",
            "--from",
            "torchvision-detection",
            "--dataset-size",
            "coco2017",
            "--",
            "--world-size",
            "8",
        ],
        "torchvision detection train.py --world-size: the world size comes from the launcher \
         (torchrun sets WORLD_SIZE over it): give it as lrsched's --devices N, before --",
    ),
    case(
        IMPORT,
        &[
            "import",
            "--from",
            "timm",
            "--dataset-size",
            "imagenet1k",
            "--",
            "--epochs",
            "90",
        ],
        "timm train.py default --sched: the scheduler 'cosine' is not one lrsched models: it \
         covers the warmup + multi-step family",
    ),
    Case {
        class: IMPORT,
        args: &["table", "lazy.py"],
        file: Some((
            "lazy.py",
            b"from detectron2.config import LazyCall as L\n\
              from fvcore.common.param_scheduler import CosineParamScheduler\n\
              train = dict(max_iter=1000)\noptimizer = dict(lr=0.1)\n\
              lr_multiplier = L(CosineParamScheduler)(start_value=1, end_value=0)\n",
        )),
        stdin: b"",
        message: "lazy.py:5: lr_multiplier: the scheduler 'CosineParamScheduler' is not one \
                  lrsched models: it covers the warmup + multi-step family",
    },
    Case {
        class: IMPORT,
        args: &["table", "lazy.py"],
        file: Some((
            "lazy.py",
            b"from detectron2.config import LazyCall as L\n\
              from detectron2.solver import WarmupParamScheduler\n\
              from fvcore.common.param_scheduler import MultiStepParamScheduler\n\
              train = dict(max_iter=1000)\noptimizer = dict(lr=0.1)\n\
              lr_multiplier = L(WarmupParamScheduler)(\n\
              scheduler=L(MultiStepParamScheduler)(values=[1.0, 0.1], milestones=[800], \
              num_updates=1000),\n\
              warmup_length=0.0125, warmup_factor=0.001)\n",
        )),
        stdin: b"",
        message: "lazy.py:8: lr_multiplier.warmup_length: 0.0125 is not a whole number of \
                  iterations of train.max_iter 1000 (W / max_iter); lrsched counts the warmup \
                  in iterations",
    },
    Case {
        class: IMPORT,
        args: &["table", "lazy.py"],
        file: Some((
            "lazy.py",
            b"from ..common.train import train\nlr_multiplier = 1\n",
        )),
        stdin: b"",
        message: "lazy.py:1: import from common/train.py: cannot read it: no such file",
    },
    case(
        EXPLICIT,
        &["table", "--factors", "1,0.1"],
        "--factors: has 2 factors for 2 milestones; give one more factor than milestones: the \
         multiplier of base_lr before the first milestone and after each",
    ),
    case(
        EXPLICIT,
        &[
            "table",
            "--factors",
            "1,0.1,0.01",
            "--dialect",
            "torch-chained",
        ],
        "--factors: torch-chained: takes no factors: PyTorch multiplies base_lr by gamma ** k \
         (or takes the lrs themselves as values); factors, multipliers of base_lr, are \
         detectron2's MultiStepParamScheduler values",
    ),
    case(
        EXPLICIT,
        &["table", "--factors", "1,0.1,0.01", "--gamma", "0.5"],
        "--gamma conflicts with --factors: factors give every multiplier of base_lr: give \
         factors or gamma, not both",
    ),
    case(
        EXPLICIT,
        &[
            "table",
            "--warmup-lr",
            "1e-6",
            "--from-devices",
            "8",
            "--to-devices",
            "4",
            "--dialect",
            "timm",
        ],
        "--from-devices conflicts with --warmup-lr: scaling rescales base_lr, not warmup_lr: \
         give warmup_factor",
    ),
];

#[test]
fn command_lines_lazyconfigs_and_factors() {
    let cases: Vec<&Case> = COMMAND_LINE_CASES.iter().collect();
    check_cases(&cases);
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .expect("docs/errors.md");
    for case in COMMAND_LINE_CASES {
        let cell = format!("`error: {}`", case.message.replace('|', "\\|"));
        assert!(doc.contains(&cell), "docs/errors.md lacks {cell}");
    }
}
