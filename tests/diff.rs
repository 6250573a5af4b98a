//! `lrsched diff`: exit status like diff, the report's numbers, JSON, and the cost of long
//! schedules.

use std::time::Instant;

use assert_cmd::Command;
use predicates::str::contains;

fn lrsched() -> Command {
    Command::cargo_bin("lrsched").unwrap()
}

#[test]
fn identical_and_different() {
    lrsched()
        .args(["diff", "--dialect", "maskrcnn,maskrcnn"])
        .assert()
        .code(0)
        .stdout("A and B are identical to the bit over 150 iterations\n");
    lrsched()
        .args(["diff", "--dialect", "maskrcnn,mxnet"])
        .assert()
        .code(1)
        .stdout(contains("  decay 1: maskrcnn at 50, mxnet at 51\n"))
        .stdout(contains("  decay 2: maskrcnn at 100, mxnet at 101\n"))
        .stdout(contains(
            "largest relative difference: 0.9 at iteration 50: maskrcnn 0.001, mxnet 0.01\n",
        ))
        .stdout(contains("  50 … 50: differ\n  100 … 100: differ\n"));
}

#[test]
fn two_files_and_their_lengths() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.toml"),
        "milestones = [50, 100]\niters = 150\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        "milestones = [50, 110]\niters = 160\n",
    )
    .unwrap();
    lrsched()
        .current_dir(dir.path())
        .args(["diff", "a.toml", "b.toml"])
        .assert()
        .code(1)
        .stdout(contains("lengths: a runs 150 iterations, b 160\n"))
        .stdout(contains("  decay 2: a at 100, b at 110\n"))
        .stdout(contains(
            "differing iterations: 20, 0 of them in the last bits only\n",
        ));
}

#[test]
fn json_for_machines() {
    let out = lrsched()
        .args([
            "diff",
            "--dialect",
            "maskrcnn,torch-sequential",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["identical"], false);
    assert_eq!(json["a"]["dialect"], "maskrcnn");
    assert_eq!(json["b"]["dialect"], "torch-sequential");
    assert_eq!(json["differing_iterations"], 63);
    assert_eq!(json["last_bits_iterations"], 43);
    assert_eq!(json["first_difference"]["iteration"], 3);
    assert_eq!(json["largest_relative_difference"]["iteration"], 50);
    assert_eq!(json["phases"][0]["phase"], "decay 1");
    assert_eq!(json["phases"][0]["a"], 50);
    assert_eq!(json["phases"][0]["b"], 60);
    assert_eq!(json["ranges"][2]["start"], 50);
    assert_eq!(json["ranges"][2]["end"], 60);
    assert_eq!(json["ranges"][2]["kind"], "differs");
    assert_eq!(json["sampled"], false);
}

/// Two schedules of 10^9 iterations, compared exactly: the cost follows their phases.
#[test]
fn a_billion_iterations_diff_quickly_and_exactly() {
    let started = Instant::now();
    lrsched()
        .args([
            "diff",
            "--dialect",
            "maskrcnn,mxnet",
            "--iters",
            "1000000000",
            "--milestones",
            "600000000,800000000",
            "--warmup-iters",
            "1000",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .stdout(contains("\"sampled\":false"))
        .stdout(contains(
            "{\"phase\":\"decay 1\",\"a\":600000000,\"b\":600000001}",
        ));
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}

/// table and explain --format json carry the schedules; jsonl stays rows only.
#[test]
fn json_tables_describe_themselves() {
    let out = lrsched()
        .args([
            "table",
            "--format",
            "json",
            "--end",
            "2",
            "--dialect",
            "maskrcnn",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["schedules"][0]["dialect"], "maskrcnn");
    assert_eq!(json["schedules"][0]["milestones"][1], 100);
    assert_eq!(json["schedules"][0]["warmup_factor"], 0.1);
    assert_eq!(json["rows"][1]["lr"], 0.0019);
    let explain = lrsched()
        .args(["explain", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&explain.stdout).unwrap();
    assert_eq!(json["schedules"][0]["iters"], 150);
    assert_eq!(json["rows"][0]["phase"], "warmup");
    lrsched()
        .args(["table", "--format", "jsonl", "--end", "1"])
        .assert()
        .stdout("{\"iteration\":0,\"lr\":0.001}\n");
}
