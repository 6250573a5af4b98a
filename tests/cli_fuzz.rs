//! A random command-line fuzzer: commands with a mix of valid and invalid flags, values, files
//! and stdin, run through the real binary. Every run must end by itself, with status 0, 1 or 2,
//! without a panic, a signal or a stderr line longer than a message should be, and must leave
//! no temporary file behind (docs/errors.md, "How this is tested").
//!
//! `cargo test` runs a short, seeded session (`RUNS` invocations). `LRSCHED_FUZZ_RUNS=N` runs
//! N, `LRSCHED_FUZZ_SEED=S` starts from another seed; a failure prints the seed and the
//! command line of each finding, to replay it by hand.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Invocations in a plain `cargo test`: a few seconds in a debug build.
const RUNS: usize = 300;
const SEED: u64 = 0x6c72_7363_6865_6421;

/// How long one run may take (a debug build on a shared machine is slow; none needs more than
/// a few seconds).
const DEADLINE: Duration = Duration::from_secs(if cfg!(debug_assertions) { 30 } else { 10 });
/// stdout read before the pipe is closed: a table of 2^64 rows ends by its closed pipe.
const STDOUT_READ: usize = 1 << 20;
/// The longest stderr line a run may print (a message quotes at most a prefix of any input).
const LONGEST_LINE: usize = 2000;

/// xorshift64*: small, seeded, the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const COMMANDS: &[&str] = &[
    "table",
    "table",
    "table",
    "at",
    "at",
    "plot",
    "explain",
    "check",
    "init",
    "scale",
    "completions",
    "man",
    "help",
    "nope",
    "diff",
    "export",
    "import",
    "verify",
];

/// Values any flag may get: valid, at the edges, and wrong.
const ANY: &[&str] = &[
    "0",
    "1",
    "-1",
    "-0",
    "7",
    "150",
    "1e3",
    "0.5",
    "1/3",
    "1/0",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "1e-400",
    "1e308",
    "18446744073709551615",
    "18446744073709551616",
    "9007199254740993",
    "",
    " 7 ",
    "abc",
    "0x10",
    "2.5ep",
    "8ep",
    "500it",
    "3weeks",
    "1_000",
    "é",
    "\t",
    "a\nb",
    "50,100",
    "--",
    "-",
    "true",
    "false",
];
/// Each list of values starts with valid ones: a tame invocation draws from its first half.
const COUNTS: &[&str] = &[
    "1",
    "2",
    "10",
    "30",
    "150",
    "1000",
    "100000",
    "0",
    "10000000",
    "1000000000000",
    "18446744073709551615",
    "4ep",
    "2.4ep",
    "-3",
    "x",
];
const MILESTONES: &[&str] = &[
    "50,100",
    "10,10,10",
    " 50 , 100 ",
    "5",
    "",
    "1000000000000",
    "0",
    "18446744073709551614,18446744073709551615",
    "100,50",
    "50,,100",
    "8ep,11ep",
    "1e3",
    "-5",
];
const GAMMAS: &[&str] = &[
    "0.1", "0.5", "1", "2", "1e-200", "1e300", "0", "-0.1", "nan",
];
const DIALECTS: &[&str] = &[
    "maskrcnn",
    "torch-chained",
    "torch-sequential",
    "detectron2",
    "mxnet",
    "timm",
    "mmengine",
    "timm-train",
    "mmcv1",
    "gluoncv",
    "paddledet",
    "paddle",
    "detectron-caffe2",
    "tf-model-garden",
    "keras",
    "optax",
    "all",
    "all",
    "nope",
    "",
];
const METHODS: &[&str] = &["linear", "constant", "exp", "cosine", ""];
const FORMATS: &[&str] = &["csv", "tsv", "json", "jsonl", "plain", "xml", "text", ""];
const COLUMNS: &[&str] = &[
    "iteration,lr",
    "lr",
    "phase",
    "iteration,lr,phase,factor",
    "iteration,epoch,lr,phase,factor",
    "",
    "rate",
    "iter,,lr",
    "epoch",
];
const DATASETS: &[&str] = &["coco2017", "imagenet1k", "118287", "coco", "0", "10"];
/// Iterations within the default schedules' 90 or 150 iterations, then past them.
const ITERATIONS: &[&str] = &[
    "0",
    "3",
    "10",
    "49",
    "60",
    "89",
    "1000",
    "18446744073709551615",
    "x",
    "-1",
];
/// Outputs, relative to the run's scratch directory (valid ones first).
const OUTPUTS: &[&str] = &[
    "out.csv",
    "out.tsv",
    "out.json",
    "out.jsonl",
    "out.txt",
    "out.svg",
    "out.png",
    "out.xls",
    "out",
    ".",
    "no-such-dir/out.csv",
    "good.toml",
    "/dev/null",
    "/dev/full",
    "sub/out.csv",
];
/// Schedule files, in the run's scratch directory (see [`write_files`]) or devices.
const FILES: &[&str] = &[
    "good.toml",
    "epochs.toml",
    "names.toml",
    "/dev/null",
    "syntax.toml",
    "types.toml",
    "latin1.toml",
    "table.toml",
    "nested.toml",
    "missing.toml",
    ".",
    "/dev/zero",
    "BIG",
];

/// A schedule flag and the values it draws from (besides [`ANY`]).
const SCHEDULE_FLAGS: &[(&str, &[&str])] = &[
    ("--base-lr", &["0.01", "0.02", "1e-320", "1e307"]),
    ("--milestones", MILESTONES),
    ("--gamma", GAMMAS),
    ("--step-size", COUNTS),
    ("--warmup-iters", COUNTS),
    ("--warmup-factor", &["0.1", "1/3", "0", "1", "2", "0.001"]),
    ("--warmup-method", METHODS),
    ("--iters", COUNTS),
    ("--iters-per-epoch", &["1", "7393", "0", "10000000000"]),
    ("--dataset-size", DATASETS),
    ("--batch-size", &["16", "1", "0", "1000000"]),
    ("--batch-per-device", &["2", "0"]),
    ("--devices", &["8", "1", "0"]),
    ("--grad-accum", &["2", "0"]),
    ("--unit", &["iter", "epoch", "week"]),
    ("--from-batch", &["16", "0"]),
    ("--to-batch", &["8", "64"]),
    ("--from-devices", &["8"]),
    ("--to-devices", &["2"]),
    ("--rule", &["linear", "sqrt", "none", "cube"]),
    ("--dialect", DIALECTS),
    ("--name", &["a\tb", "line\nbreak", "x", "", "名前"]),
];

/// One invocation: arguments and stdin.
struct Invocation {
    args: Vec<String>,
    stdin: Vec<u8>,
}

impl Rng {
    /// A value from `own`: its valid first half in a tame invocation; else any of it, or of
    /// [`ANY`], or a number of 10,000 digits or more.
    fn value(&mut self, own: &[&str], wild: bool) -> String {
        if !wild {
            return self.pick(&own[..own.len().div_ceil(2)]).to_string();
        }
        if self.chance(15) {
            return self.pick(ANY).to_string();
        }
        if self.chance(2) {
            return "9".repeat(10_000 + self.below(100_000));
        }
        self.pick(own).to_string()
    }
}

/// An invocation, tame (valid values, valid files: mostly a success) or wild, half and half.
fn invocation(rng: &mut Rng) -> Invocation {
    let wild = rng.chance(50);
    let value = |rng: &mut Rng, own: &[&str]| rng.value(own, wild);
    let command = rng.pick(COMMANDS);
    let mut args = vec![command.to_string()];
    let mut stdin = Vec::new();
    let mut to_file = false;
    if rng.chance(10) {
        args.insert(
            0,
            format!("--color={}", rng.pick(&["never", "always", "auto", "x"])),
        );
    }
    for _ in 0..rng.below(3) {
        let file = rng.pick(if wild { FILES } else { &FILES[..4] });
        if rng.chance(50) {
            args.push("-c".into());
        }
        args.push(file.to_string());
    }
    // Tame invocations leave out the flags that need one another (epochs, scaling).
    let flags = if wild {
        SCHEDULE_FLAGS
    } else {
        &SCHEDULE_FLAGS[..9]
    };
    for _ in 0..rng.below(if wild { 6 } else { 3 }) {
        let (flag, own) = flags[rng.below(flags.len())];
        let value = value(rng, own);
        if rng.chance(50) {
            args.push(format!("{flag}={value}"));
        } else {
            args.push(flag.to_string());
            args.push(value);
        }
    }
    if rng.chance(5) {
        args.push(
            rng.pick(&["--drop-last", "--keep-warmup", "--drop-last=maybe"])
                .into(),
        );
    }
    match command {
        "table" => {
            for (flag, own) in [
                ("--format", FORMATS),
                ("--columns", COLUMNS),
                ("--start", ITERATIONS),
                ("--end", ITERATIONS),
                ("--every", COUNTS),
            ] {
                if rng.chance(30) {
                    args.push(flag.into());
                    args.push(value(rng, own));
                }
            }
            if rng.chance(25) {
                args.push("-o".into());
                args.push(value(rng, OUTPUTS));
                to_file = true;
            }
        }
        "at" => {
            for _ in 0..rng.below(4) {
                args.push(value(rng, ITERATIONS));
            }
            if rng.chance(40) {
                args.push("-".into());
                stdin = stdin_lines(rng);
            }
            if rng.chance(20) {
                args.push("--format".into());
                args.push(value(rng, FORMATS));
            }
        }
        "plot" => {
            if rng.chance(60) {
                args.push("-o".into());
                args.push(value(rng, OUTPUTS));
            } else {
                args.push("--terminal".into());
            }
            for (flag, own) in [
                ("--x", &["iter", "epoch", "week"][..]),
                ("--size", &["1200x700", "12x700", "big", "10000x10000"]),
                ("--title", &["t", "…", "a\nb"]),
                ("--layout", &["overlay", "grid", "x"]),
            ] {
                if rng.chance(20) {
                    args.push(flag.into());
                    args.push(value(rng, own));
                }
            }
            if rng.chance(20) {
                args.push("--log-y".into());
            }
        }
        "explain" if rng.chance(30) => {
            args.push("--format".into());
            args.push(value(rng, &["text", "csv", "tsv", "json", "jsonl", "x"]));
        }
        "check" if rng.chance(30) => args.push("--strict".into()),
        "init" | "scale" => {
            if rng.chance(70) {
                args.push("-o".into());
                args.push(value(rng, OUTPUTS));
            }
            if rng.chance(30) {
                args.push("--force".into());
            }
        }
        "export" => {
            args.push("--to".into());
            args.push(value(
                rng,
                &["lrsched", "torch", "optax", "timm", "detectron2", "caffe"],
            ));
            if rng.chance(30) {
                args.push("--check".into());
            }
        }
        "diff" if rng.chance(60) => {
            args.push("--dialect".into());
            args.push(value(
                rng,
                &["maskrcnn,mxnet", "timm,detectron2", "all", "x,y"],
            ));
        }
        "import" | "verify" => {
            if rng.chance(50) {
                args.push("--from".into());
                args.push(value(rng, &["lrsched", "detectron2", "mmdet", "keras"]));
            }
            if command == "verify" && rng.chance(50) {
                args.push("--log-format".into());
                args.push(value(rng, &["csv", "detectron2", "tensorboard", "x"]));
            }
            if rng.chance(50) {
                args.push(
                    rng.pick(&["log.csv", "good.toml", "/dev/zero", "missing.json"])
                        .into(),
                );
            }
        }
        "completions" => args.push(
            rng.pick(&["bash", "zsh", "fish", "powershell", "elvish", "x"])
                .into(),
        ),
        "man" if rng.chance(70) => args.push(rng.pick(&["table", "at", "plot", "x"]).into()),
        _ => {}
    }
    // A table of up to 2^64 rows into a file would never end: bound it.
    if to_file && !args.iter().any(|a| a.starts_with("--end")) {
        args.push("--end".into());
        args.push(rng.pick(&["10", "60", "89"]).into());
    }
    // Shuffle a little: flags may come in any order.
    if rng.chance(30) && args.len() > 2 {
        let (i, j) = (1 + rng.below(args.len() - 1), 1 + rng.below(args.len() - 1));
        args.swap(i, j);
    }
    Invocation { args, stdin }
}

fn stdin_lines(rng: &mut Rng) -> Vec<u8> {
    let mut text = Vec::new();
    for _ in 0..rng.below(50) {
        let line = match rng.below(10) {
            0 => "abc".to_string(),
            1 => String::new(),
            2 => " 12 ".into(),
            3 => "1".repeat(rng.below(6000)),
            4 => "\u{ff}".into(),
            _ => rng.below(200).to_string(),
        };
        text.extend_from_slice(line.as_bytes());
        text.push(if rng.chance(5) { b'\r' } else { b'\n' });
    }
    if rng.chance(5) {
        text.extend_from_slice(b"\xff\xfe");
    }
    text
}

/// The schedule files every run finds in its directory.
fn write_files(dir: &Path) {
    let files: &[(&str, &[u8])] = &[
        (
            "good.toml",
            b"base_lr = 0.02\nmilestones = [60, 80]\niters = 90\n",
        ),
        (
            "epochs.toml",
            b"unit = \"epoch\"\niters_per_epoch = 10\nmilestones = [8, 11]\niters = 12\n",
        ),
        ("syntax.toml", b"gamma =\n"),
        ("types.toml", b"milestones = [50, \"100\"]\n"),
        ("names.toml", b"name = \"a\\tb\\nc\\\\d\"\n"),
        ("latin1.toml", b"name = \"caf\xe9\"\n"),
        ("table.toml", b"[schedule]\ngamma = 0.1\n"),
        (
            "nested.toml",
            b"milestones = [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]\n",
        ),
        (
            "log.csv",
            b"iteration,lr\n0,0.001\n1,0.0019\n2,0.0028000000000000004\n",
        ),
    ];
    for (name, bytes) in files {
        fs::write(dir.join(name), bytes).expect("fuzz file");
    }
    fs::create_dir(dir.join("sub")).expect("sub directory");
}

/// What went wrong in a run, if anything.
fn check_run(dir: &Path, big: &Path, invocation: &Invocation) -> Result<i32, String> {
    let args: Vec<String> = invocation
        .args
        .iter()
        .map(|a| {
            if a == "BIG" {
                big.display().to_string()
            } else {
                a.clone()
            }
        })
        .collect();
    let stderr_path = dir.join(".stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_lrsched"))
        .args(&args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .expect("lrsched starts");
    let started = Instant::now();
    let mut pipe = child.stdin.take().expect("stdin pipe");
    let stdin = invocation.stdin.clone();
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&stdin);
    });
    let mut stdout = child.stdout.take().expect("stdout pipe");
    let reader = std::thread::spawn(move || {
        let mut buffer = vec![0; 1 << 16];
        let mut read = 0;
        while read < STDOUT_READ {
            match stdout.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => read += n,
            }
        }
        // Dropping the pipe closes it: lrsched's next write fails and it ends quietly.
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = feeder.join();
    let _ = reader.join();
    let stderr = fs::read(&stderr_path).unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr);
    let Some(status) = status else {
        return Err(format!("hang: still running after {DEADLINE:?}"));
    };
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        return Err(format!("panic: {}", head(&stderr)));
    }
    let code = status
        .code()
        .ok_or_else(|| format!("signal: {status}; stderr: {}", head(&stderr)))?;
    if !matches!(code, 0..=2) {
        return Err(format!("status {code}; stderr: {}", head(&stderr)));
    }
    if let Some(line) = stderr.lines().find(|l| l.chars().count() > LONGEST_LINE) {
        return Err(format!(
            "a stderr line of {} characters: {}",
            line.chars().count(),
            head(line)
        ));
    }
    let leftovers = temporary_files(dir);
    if !leftovers.is_empty() {
        return Err(format!("left temporary files: {leftovers:?}"));
    }
    Ok(code)
}

/// The start of a long text, for a report.
fn head(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}… ({} characters)", &text[..end], text.chars().count()),
        None => text.to_string(),
    }
}

/// lrsched's temporary output files (`.lrsched-XXXXXX.tmp`) anywhere under `dir`.
fn temporary_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if entry.file_name().to_string_lossy().starts_with(".lrsched-") {
                found.push(path);
            }
        }
    }
    found
}

fn runs() -> usize {
    std::env::var("LRSCHED_FUZZ_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(RUNS)
}

fn seed() -> u64 {
    std::env::var("LRSCHED_FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(SEED)
}

#[test]
fn random_command_lines_end_cleanly() {
    let seed = seed();
    let mut rng = Rng(seed | 1);
    let shared = tempfile::tempdir().expect("shared directory");
    let big = shared.path().join("big.toml");
    fs::write(&big, vec![b'#'; 8 * 1024 * 1024 + 1]).expect("big file");
    let runs = runs();
    let mut statuses = [0usize; 3];
    let mut findings = Vec::new();
    let started = Instant::now();
    for run in 0..runs {
        let invocation = invocation(&mut rng);
        let dir = tempfile::tempdir().expect("scratch directory");
        write_files(dir.path());
        match check_run(dir.path(), &big, &invocation) {
            Ok(code) => statuses[code as usize] += 1,
            Err(what) => {
                let args: Vec<String> = invocation.args.iter().map(|a| head(a)).collect();
                findings.push(format!("run {run}: {what}\n  args: {args:?}"));
            }
        }
    }
    println!(
        "cli fuzz: seed {seed}, {runs} runs in {:.1?}: status 0: {}, 1: {}, 2: {}; {} findings",
        started.elapsed(),
        statuses[0],
        statuses[1],
        statuses[2],
        findings.len()
    );
    assert!(findings.is_empty(), "seed {seed}:\n{}", findings.join("\n"));
    // The mix reaches both outcomes: a fuzzer whose every run fails to parse tests little.
    assert!(
        statuses[0] > runs / 10 && statuses[2] > runs / 10,
        "{statuses:?}"
    );
}
