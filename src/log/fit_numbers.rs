//! What a sparse log leaves open, written down: a value known only to a range, the roundest
//! iteration in it, and the shortest decimal that still reproduces a logged lr (docs/verify.md,
//! "fit").

/// `what` is known to lie in `from..=to`; `None` when that is one iteration.
pub(super) fn range_note(what: &str, from: u64, to: u64, taken: u64) -> Option<String> {
    (from < to).then(|| {
        format!("{what} between iterations {from} and {to} (the log shows no point between): {taken} taken, the roundest")
    })
}

/// The roundest iteration of `from..=to`: the one with the most trailing zeros, the latest of
/// equally round ones (logs are often written one step before a round number, as detectron2's 19,
/// 39, …: the decay then sits on the round number).
pub(super) fn roundest(from: u64, to: u64) -> u64 {
    let mut best = to;
    let mut scale = 10u64;
    loop {
        let candidate = to / scale * scale;
        if candidate < from || candidate == 0 {
            return best;
        }
        best = candidate;
        match scale.checked_mul(10) {
            Some(next) => scale = next,
            None => return best,
        }
    }
}

/// `x` to 1, 2, … 17 significant digits, then itself, each once: the shortest first.
pub(super) fn decimals(x: f64) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    for digits in 1..=17 {
        let candidate: f64 = format!("{:.*e}", digits - 1, x).parse().unwrap_or(x);
        if !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    if !out.contains(&x) {
        out.push(x);
    }
    out
}

/// The shortest decimal near `x` that `accept` takes, else `x`.
pub(super) fn shortest(x: f64, accept: impl Fn(f64) -> bool) -> f64 {
    decimals(x).into_iter().find(|&c| accept(c)).unwrap_or(x)
}
