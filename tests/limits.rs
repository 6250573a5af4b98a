//! The worst inputs found so far, through the real binary under a 1 GB address-space limit
//! (`prlimit --as`, else `ulimit -v` through `sh`) and a deadline: each must end by itself with
//! status 0, 1 or 2 — never abort (an allocation that fails under the limit is SIGABRT, status
//! 134), never be killed by a signal, never run past the deadline (docs/errors.md, "Limits").
//!
//! To add a case (a new parser's worst input, a fuzzer's find): one row in [`CASES`].

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The address space each run may use: 1 GB.
const ADDRESS_SPACE: u64 = 1_000_000_000;

/// How long a run may take: 10 s for an optimised build; a debug build (what `cargo test`
/// runs) does the same work several times slower, on a machine shared with other builds.
const DEADLINE: Duration = Duration::from_secs(if cfg!(debug_assertions) { 30 } else { 10 });

/// What a case's stdin is.
enum Stdin {
    Empty,
    /// `count` copies of `byte`, written by a thread (the run may stop reading at any point).
    Repeated {
        byte: u8,
        count: usize,
    },
    /// A file: `/dev/zero` is endless.
    File(&'static str),
}

/// A file the case finds in its scratch directory: name, and `size` bytes of `byte`.
struct Scratch {
    name: &'static str,
    byte: u8,
    size: usize,
}

struct Case {
    /// What it reproduces: the hardening issue's row, or where the case came from.
    why: &'static str,
    args: &'static [&'static str],
    stdin: Stdin,
    file: Option<Scratch>,
    /// Writes the files the case needs into its scratch directory, for inputs a repeated
    /// byte cannot make (an inheritance chain, a cut event file).
    make: Option<fn(&Path)>,
    /// What its stderr must say, when the case is meant to reach one error (not another one
    /// on the way, such as a format it cannot detect).
    says: Option<&'static str>,
    /// The statuses it may end with.
    statuses: &'static [i32],
}

const fn case(why: &'static str, args: &'static [&'static str], statuses: &'static [i32]) -> Case {
    Case {
        why,
        args,
        stdin: Stdin::Empty,
        file: None,
        make: None,
        says: None,
        statuses,
    }
}

/// A case whose files `make` writes, refused with an error that says `says`.
const fn made(
    why: &'static str,
    make: fn(&Path),
    args: &'static [&'static str],
    says: &'static str,
) -> Case {
    Case {
        make: Some(make),
        says: Some(says),
        ..case(why, args, &[2])
    }
}

/// A case refused with an error that says `says`.
const fn refused(why: &'static str, args: &'static [&'static str], says: &'static str) -> Case {
    Case {
        says: Some(says),
        ..case(why, args, &[2])
    }
}

/// `{NINES}` in an argument stands for 100,000 nines.
const NINES: &str = "{NINES}";

const CASES: &[Case] = &[
    // 1: a table that used to walk every phase before --start, or between --every rows.
    case(
        "row 1: --start far into 10^9 one-iteration phases",
        &[
            "table",
            "--step-size",
            "1",
            "--iters",
            "1000000000",
            "--start",
            "999999998",
        ],
        &[0],
    ),
    case(
        "row 1: --start near u64::MAX, every dialect",
        &[
            "table",
            "--step-size",
            "1",
            "--iters",
            "18446744073709551615",
            "--start",
            "18446744073709551610",
            "--dialect",
            "all",
        ],
        &[0],
    ),
    case(
        "row 1: a huge --every",
        &[
            "table",
            "--step-size",
            "1",
            "--iters",
            "18446744073709551615",
            "--every",
            "1000000000000000000",
            "--columns",
            "iteration,phase,lr",
        ],
        &[0],
    ),
    case(
        "row 1: a schedule at 0.0 that goes on decaying at every step, first rows",
        &[
            "table",
            "--step-size",
            "1",
            "--gamma",
            "1e-200",
            "--iters",
            "18446744073709551615",
            "--end",
            "100000",
            "--columns",
            "lr",
        ],
        &[0],
    ),
    case(
        "row 1 (cli fuzz): a huge --every over a warmup of 10^18 iterations",
        &[
            "table",
            "--warmup-iters",
            "1000000000000000000",
            "--iters",
            "1000000000000000000",
            "--milestones=",
            "--every",
            "100000000000000000",
        ],
        &[0],
    ),
    // 2: reads without a size cap.
    case("row 2: check /dev/zero", &["check", "/dev/zero"], &[2]),
    case("row 2: -c /dev/zero", &["at", "5", "-c", "/dev/zero"], &[2]),
    case(
        "row 2: plot /dev/zero",
        &["plot", "/dev/zero", "-o", "out.svg"],
        &[2],
    ),
    Case {
        file: Some(Scratch {
            name: "big.toml",
            byte: b'#',
            size: 50_000_000,
        }),
        ..case("row 2: a 50 MB schedule file", &["table", "big.toml"], &[2])
    },
    // 3: stdin lines without a length cap.
    Case {
        stdin: Stdin::Repeated {
            byte: b'1',
            count: 200_000_000,
        },
        ..case(
            "row 3: a 200 MB line of digits on stdin",
            &["at", "-"],
            &[2],
        )
    },
    Case {
        stdin: Stdin::File("/dev/zero"),
        ..case("row 3: at - < /dev/zero", &["at", "-"], &[2])
    },
    Case {
        stdin: Stdin::Repeated {
            byte: b'\n',
            count: 1_000_000,
        },
        ..case("row 3: a million blank lines", &["at", "-"], &[0])
    },
    // 9: explain over 10^7 phases, every dialect.
    case(
        "row 9: explain --dialect all over 10^7 phases",
        &[
            "explain",
            "--step-size",
            "1",
            "--iters",
            "10000000",
            "--dialect",
            "all",
        ],
        &[0],
    ),
    case(
        "row 9: check --dialect all over 10^12 phases",
        &[
            "check",
            "--step-size",
            "1",
            "--iters",
            "1000000000000",
            "--dialect",
            "all",
        ],
        &[0],
    ),
    // 10: huge tokens quoted whole.
    case(
        "row 10: a 100,000-digit --gamma",
        &["table", "--gamma", NINES],
        &[2],
    ),
    case("row 10: a 100,000-digit ITER", &["at", NINES], &[2]),
    case(
        "row 10: a 100,000-digit milestone",
        &["table", "--milestones", NINES],
        &[2],
    ),
    Case {
        file: Some(Scratch {
            name: "line.toml",
            byte: b'[',
            size: 3_000_000,
        }),
        ..case(
            "row 10: a 3 MB line of nested arrays",
            &["check", "line.toml"],
            &[2],
        )
    },
    Case {
        file: Some(Scratch {
            name: "key.toml",
            byte: b'k',
            size: 4_000_000,
        }),
        ..case("row 10: a 4 MB key", &["check", "key.toml"], &[2])
    },
    // The parsers of framework configs and training logs (item 2 of the hardening issue).
    Case {
        file: Some(Scratch {
            name: "big.yaml",
            byte: b'#',
            size: 10_000_000,
        }),
        ..refused(
            "configs: a 10 MB config",
            &["check", "--from", "detectron2", "big.yaml"],
            "larger than 8 MiB",
        )
    },
    made(
        "configs: a 1,000-deep _BASE_ chain",
        base_chain,
        &["check", "--from", "detectron2", "0.yaml"],
        "more than 64 files of inheritance",
    ),
    made(
        "configs: a _BASE_ cycle of two files",
        base_cycle,
        &["check", "--from", "detectron2", "a.yaml"],
        "inheritance cycle",
    ),
    made(
        "configs: a _base_ cycle of two Python configs",
        python_base_cycle,
        &["check", "--from", "mmdet", "a.py"],
        "inheritance cycle",
    ),
    made(
        "configs: a Python literal nested 10,000 deep",
        python_nested,
        &["check", "--from", "mmdet", "nested.py"],
        "nest deeper than 64 levels",
    ),
    made(
        "configs: 10,000 unary minus signs in a Python config",
        python_unary,
        &["check", "--from", "mmdet", "unary.py"],
        "nest deeper than 64 levels",
    ),
    made(
        "configs: a = [a, a] doubled 64 times in a Python config",
        doubling,
        &["check", "--from", "mmdet", "double.py"],
        "more than 1048576 values",
    ),
    made(
        "configs: a = [a, a] doubled 64 times in a detectron2 LazyConfig",
        lazy_doubling,
        &["check", "--from", "detectron2-lazy", "double.py"],
        "more than 1048576 values",
    ),
    made(
        "configs: YAML aliases doubling 64 times",
        yaml_doubling,
        &["check", "--from", "detectron2", "double.yaml"],
        "more than 1000000 YAML nodes",
    ),
    made(
        "configs: a YAML flow sequence nested 10,000 deep",
        yaml_nested,
        &["check", "--from", "tf-model-garden", "nested.yaml"],
        "recursion limit exceeded",
    ),
    made(
        "logs: an event file cut short",
        truncated_event_file,
        &["verify", EVENTS],
        "truncated: the file ends",
    ),
    made(
        "logs: an event file with a corrupted byte",
        corrupted_event_file,
        &["verify", EVENTS],
        "corrupted: the data's CRC does not match",
    ),
    refused(
        "logs: an endless event file (/dev/zero)",
        &["verify", "--log-format", "tensorboard", "/dev/zero"],
        "the length's CRC does not match",
    ),
    refused(
        "logs: an endless JSON-lines log (/dev/zero)",
        &["verify", "--log-format", "detectron2", "/dev/zero"],
        "line longer than 1048576 bytes",
    ),
    refused(
        "logs: an endless CSV log (/dev/zero)",
        &["verify", "--log-format", "lightning", "/dev/zero"],
        "line longer than 1048576 bytes",
    ),
    made(
        "logs: a 100 MB JSON line in a metrics.json",
        huge_json_line,
        &["verify", "metrics.json"],
        "line longer than 1048576 bytes",
    ),
    made(
        "logs: NaN, inf and -inf lr values",
        non_finite_lr,
        &["verify", "nan.json"],
        "lr is NaN",
    ),
    made(
        "logs: an inf lr in a metrics.csv",
        non_finite_lr,
        &["verify", "inf.csv"],
        "lr is inf: not finite",
    ),
];

/// `0.yaml` inherits `1.yaml`, … `999.yaml`, each a detectron2 config.
fn base_chain(dir: &Path) {
    for n in 0..1000 {
        let text = format!("_BASE_: \"{}.yaml\"\nVERSION: 2\n", n + 1);
        std::fs::write(dir.join(format!("{n}.yaml")), text).expect("chain file");
    }
    std::fs::write(dir.join("1000.yaml"), "VERSION: 2\n").expect("chain end");
}

fn base_cycle(dir: &Path) {
    std::fs::write(dir.join("a.yaml"), "_BASE_: \"b.yaml\"\nVERSION: 2\n").expect("a.yaml");
    std::fs::write(dir.join("b.yaml"), "_BASE_: \"a.yaml\"\nVERSION: 2\n").expect("b.yaml");
}

fn python_base_cycle(dir: &Path) {
    std::fs::write(dir.join("a.py"), "_base_ = ['b.py']\n").expect("a.py");
    std::fs::write(dir.join("b.py"), "_base_ = './a.py'\n").expect("b.py");
}

fn python_nested(dir: &Path) {
    let text = format!("a = {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    std::fs::write(dir.join("nested.py"), text).expect("nested.py");
}

fn python_unary(dir: &Path) {
    let text = format!(
        "optim_wrapper = dict(optimizer=dict(lr={}1))\n",
        "-".repeat(10_000)
    );
    std::fs::write(dir.join("unary.py"), text).expect("unary.py");
}

/// `a = [1]`, then `a = [a, a]` 64 times: 2^64 elements if expanded.
fn doubling(dir: &Path) {
    let mut text = String::from("a = [1]\n");
    for _ in 0..64 {
        text.push_str("a = [a, a]\n");
    }
    std::fs::write(dir.join("double.py"), text).expect("double.py");
}

fn lazy_doubling(dir: &Path) {
    doubling(dir);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("double.py"))
        .expect("double.py");
    file.write_all(b"train = dict(max_iter=a)\n")
        .expect("double.py");
}

/// The "billion laughs": each anchor a list of the one before, twice.
fn yaml_doubling(dir: &Path) {
    let mut text = String::from("a0: &a0 [1]\n");
    for n in 1..=64 {
        text.push_str(&format!("a{n}: &a{n} [*a{m}, *a{m}]\n", m = n - 1));
    }
    text.push_str("VERSION: 2\nSOLVER:\n  STEPS: *a64\n");
    std::fs::write(dir.join("double.yaml"), text).expect("double.yaml");
}

fn yaml_nested(dir: &Path) {
    let text = format!("x: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    std::fs::write(dir.join("nested.yaml"), text).expect("nested.yaml");
}

/// The event file the cases cut and corrupt: docs/verify's TensorBoard run.
const EVENTS: &str = "events.out.tfevents.1700000000.host.1.0";

fn event_file() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/verify/tensorboard")
        .join(EVENTS);
    std::fs::read(path).expect("docs/verify's event file")
}

fn truncated_event_file(dir: &Path) {
    let bytes = event_file();
    std::fs::write(dir.join(EVENTS), &bytes[..bytes.len() - 3]).expect("event file");
}

fn corrupted_event_file(dir: &Path) {
    let mut bytes = event_file();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    std::fs::write(dir.join(EVENTS), bytes).expect("event file");
}

/// One detectron2 line, then one of 100 MB (a string value), written in blocks.
fn huge_json_line(dir: &Path) {
    let mut file = File::create(dir.join("metrics.json")).expect("metrics.json");
    file.write_all(
        b"{\"iteration\": 0, \"lr\": 0.001}\n{\"iteration\": 1, \"lr\": 0.001, \"x\": \"",
    )
    .expect("metrics.json");
    let block = vec![b'a'; 1 << 20];
    for _ in 0..100 {
        file.write_all(&block).expect("metrics.json");
    }
    file.write_all(b"\"}\n").expect("metrics.json");
}

fn non_finite_lr(dir: &Path) {
    std::fs::write(
        dir.join("nan.json"),
        "{\"iteration\": 0, \"lr\": 0.001}\n{\"iteration\": 1, \"lr\": NaN}\n\
         {\"iteration\": 2, \"lr\": Infinity}\n{\"iteration\": 3, \"lr\": -Infinity}\n",
    )
    .expect("nan.json");
    std::fs::write(
        dir.join("inf.csv"),
        "epoch,step,lr-SGD\n0,0,0.001\n0,1,inf\n0,2,nan\n",
    )
    .expect("inf.csv");
}

/// How to run the binary under the address-space limit here, or why it cannot be.
enum Limiter {
    Prlimit,
    Ulimit,
}

fn limiter() -> Result<Limiter, String> {
    let works = |command: &mut Command| {
        command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if works(
        Command::new("prlimit")
            .arg(format!("--as={ADDRESS_SPACE}"))
            .args(["--", "true"]),
    ) {
        return Ok(Limiter::Prlimit);
    }
    let kib = ADDRESS_SPACE / 1000;
    if works(Command::new("sh").args(["-c", &format!("ulimit -v {kib} && true")])) {
        return Ok(Limiter::Ulimit);
    }
    Err("neither prlimit nor sh's ulimit -v can limit the address space here".into())
}

fn limited(limiter: &Limiter, binary: &Path, args: &[String]) -> Command {
    match limiter {
        Limiter::Prlimit => {
            let mut command = Command::new("prlimit");
            command
                .arg(format!("--as={ADDRESS_SPACE}"))
                .arg("--")
                .arg(binary)
                .args(args);
            command
        }
        Limiter::Ulimit => {
            let mut command = Command::new("sh");
            command
                .arg("-c")
                .arg(format!(
                    "ulimit -v {} && exec \"$0\" \"$@\"",
                    ADDRESS_SPACE / 1000
                ))
                .arg(binary)
                .args(args);
            command
        }
    }
}

/// Waits for `child` until the deadline; kills it past that. `None`: it was killed.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<std::process::ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().expect("wait for lrsched") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs one case; `Err` says what went wrong.
fn run(limiter: &Limiter, case: &Case) -> Result<Duration, String> {
    let dir = tempfile::tempdir().expect("scratch directory");
    if let Some(scratch) = &case.file {
        std::fs::write(
            dir.path().join(scratch.name),
            vec![scratch.byte; scratch.size],
        )
        .expect("scratch file");
    }
    if let Some(make) = case.make {
        make(dir.path());
    }
    let nines = "9".repeat(100_000);
    let args: Vec<String> = case
        .args
        .iter()
        .map(|arg| {
            if *arg == NINES {
                nines.clone()
            } else {
                arg.to_string()
            }
        })
        .collect();
    let stderr_path = dir.path().join(".stderr");
    let mut command = limited(limiter, Path::new(env!("CARGO_BIN_EXE_lrsched")), &args);
    command
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(File::create(&stderr_path).expect("stderr file"));
    command.stdin(match &case.stdin {
        Stdin::Empty => Stdio::null(),
        Stdin::Repeated { .. } => Stdio::piped(),
        Stdin::File(path) => File::open(path).expect("stdin file").into(),
    });
    let started = Instant::now();
    let mut child = command.spawn().expect("lrsched starts");
    let feeder = match (&case.stdin, child.stdin.take()) {
        (Stdin::Repeated { byte, count }, Some(mut pipe)) => {
            let (byte, count) = (*byte, *count);
            Some(std::thread::spawn(move || {
                let block = vec![byte; 1 << 16];
                let mut left = count;
                while left > 0 {
                    let n = left.min(block.len());
                    // lrsched may stop reading (its error comes after 4 KB): that ends the feed.
                    if pipe.write_all(&block[..n]).is_err() {
                        return;
                    }
                    left -= n;
                }
            }))
        }
        _ => None,
    };
    let status = wait_until(&mut child, started + DEADLINE);
    let elapsed = started.elapsed();
    if let Some(feeder) = feeder {
        feeder.join().expect("stdin feeder");
    }
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let said = case.says.is_none_or(|says| stderr.contains(says));
    let stderr: String = stderr.chars().take(300).collect();
    let Some(status) = status else {
        return Err(format!("still running after {DEADLINE:?}: killed"));
    };
    match status.code() {
        Some(code) if case.statuses.contains(&code) && said => Ok(elapsed),
        Some(code) if case.statuses.contains(&code) => Err(format!(
            "status {code}, but stderr does not say {:?}: {stderr}",
            case.says.unwrap_or_default()
        )),
        Some(code) => Err(format!(
            "status {code}, expected one of {:?}; stderr: {stderr}",
            case.statuses
        )),
        None => Err(format!("ended by a signal ({status}); stderr: {stderr}")),
    }
}

#[test]
fn worst_inputs_stay_within_memory_and_time() {
    let limiter = match limiter() {
        Ok(limiter) => limiter,
        Err(why) => {
            println!("SKIPPED worst_inputs_stay_within_memory_and_time: {why}");
            eprintln!("SKIPPED worst_inputs_stay_within_memory_and_time: {why}");
            return;
        }
    };
    let mut failures = Vec::new();
    for case in CASES {
        match run(&limiter, case) {
            Ok(took) => println!("ok {took:>10.2?}  {}", case.why),
            Err(what) => failures.push(format!("{}: {what}", case.why)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The limit is real: a run that needs more than the address space is stopped by it (the
/// test above would pass vacuously if the limiter did nothing).
#[test]
fn the_limit_is_enforced() {
    let Ok(limiter) = limiter() else {
        println!("SKIPPED the_limit_is_enforced: no way to limit the address space here");
        return;
    };
    // `sh -c` with a 2 GB allocation: `head -c` of /dev/zero into a shell variable.
    let mut command = match limiter {
        Limiter::Prlimit => {
            let mut command = Command::new("prlimit");
            command.arg(format!("--as={ADDRESS_SPACE}")).arg("--");
            command
        }
        Limiter::Ulimit => {
            let mut command = Command::new("sh");
            command.arg("-c").arg(format!(
                "ulimit -v {} && exec \"$0\" \"$@\"",
                ADDRESS_SPACE / 1000
            ));
            command
        }
    };
    let status = command
        .args(["python3", "-c", "b = bytearray(2_000_000_000)"])
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(status) => assert!(
            !status.success(),
            "a 2 GB allocation succeeded under the limit"
        ),
        Err(_) => println!("SKIPPED the_limit_is_enforced: no python3 to allocate with"),
    }
}
