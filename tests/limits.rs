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
    /// The statuses it may end with.
    statuses: &'static [i32],
}

const fn case(why: &'static str, args: &'static [&'static str], statuses: &'static [i32]) -> Case {
    Case {
        why,
        args,
        stdin: Stdin::Empty,
        file: None,
        statuses,
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
];

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
    let stderr: String = stderr.chars().take(300).collect();
    let Some(status) = status else {
        return Err(format!("still running after {DEADLINE:?}: killed"));
    };
    match status.code() {
        Some(code) if case.statuses.contains(&code) => Ok(elapsed),
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
