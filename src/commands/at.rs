//! `lrsched at`: the lr at given iterations (or at iterations read from stdin).
//!
//! Built for pipelines that feed it millions of iterations: stdin is read in large blocks into
//! one reused line buffer, a plain decimal line is parsed without going through `str`, rows go
//! through the table row writer (one buffer written out in chunks), an lr equal to the previous
//! row's is not formatted again (consecutive iterations mostly sit in one constant phase), and
//! an error's location (`<stdin>:N`) is only put into words when there is an error.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::ExitCode;

use super::options;
use crate::cli::AtArgs;
use crate::config::{ConfigError, Origin};
use crate::error::Error;
use crate::output::sink::Sink;
use crate::output::table::{FormatName, RowWriter};
use crate::schedule::NamedSchedule;
use crate::schedule::message::{QUOTED, quote_prefix};

/// Stdin is read in blocks of this size.
const READ_BYTES: usize = 1 << 16;

/// The most digits a line may have to be parsed on the fast path: 19 nines fit in a u64.
const FAST_DIGITS: usize = 19;

/// The longest line `at -` reads: an iteration is at most 20 digits, so this leaves room for
/// any spacing while a line without an end (`at - < /dev/zero`) is refused at once.
pub const MAX_LINE_BYTES: usize = 4096;

pub fn run(args: &AtArgs) -> Result<ExitCode, Error> {
    let specs = super::load(&args.schedule, &[])?;
    let format_name = args.format.unwrap_or(FormatName::Plain);
    // Plain output is the lr alone; the other formats say which iteration each row is.
    let with_iteration = format_name != FormatName::Plain;
    let mut headers = Vec::new();
    if with_iteration {
        headers.push("iteration".to_string());
    }
    headers.extend(specs.iter().map(|s| {
        if specs.len() == 1 {
            "lr".to_string()
        } else {
            format!("lr_{}", s.name)
        }
    }));
    let format = format_name.format();

    let mut sink = Sink::open(None)?;
    let mut writer = LrRows::new(
        RowWriter::new(format.as_ref(), &headers),
        &specs,
        with_iteration,
    );
    let iters = specs.iter().map(|s| s.params().iters).min().unwrap_or(0);
    // Every iteration argument is checked before anything is written: `at 5 200` with 150
    // iterations is an error, not a row and then an error.
    let iterations = args
        .iterations
        .iter()
        .map(|argument| Iteration::parse(argument, iters))
        .collect::<Result<Vec<_>, _>>()?;
    if let Err(e) = write_rows(&iterations, iters, &mut writer, &mut sink) {
        // The rows before a bad iteration still go out, as they would have unbuffered.
        let _ = writer.rows.flush(&mut sink);
        return Err(e);
    }
    writer.rows.finish(&mut sink).map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// An iteration argument: a number, or `-` for the lines of stdin.
enum Iteration {
    At(u64),
    Stdin,
}

impl Iteration {
    fn parse(argument: &str, iters: u64) -> Result<Self, ConfigError> {
        if argument == "-" {
            return Ok(Iteration::Stdin);
        }
        let at = || format!("ITER {}", quote_prefix(argument, QUOTED));
        let t = options::within_schedules(options::iteration(argument, at)?, iters, at)?;
        Ok(Iteration::At(t))
    }
}

fn write_rows(
    iterations: &[Iteration],
    iters: u64,
    writer: &mut LrRows,
    sink: &mut Sink,
) -> Result<(), Error> {
    for iteration in iterations {
        match *iteration {
            Iteration::Stdin => {
                let stdin = BufReader::with_capacity(READ_BYTES, io::stdin().lock());
                each_iteration(stdin, iters, |t| {
                    writer.row(t, sink).map_err(|e| sink.fail(e).into())
                })?;
            }
            Iteration::At(t) => writer.row(t, sink).map_err(|e| sink.fail(e))?,
        }
    }
    Ok(())
}

/// Calls `row` with every iteration of `input`, one per line; blank lines are skipped, and an
/// iteration at or past `iters` is an error.
fn each_iteration(
    mut input: impl BufRead,
    iters: u64,
    mut row: impl FnMut(u64) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut line = Vec::with_capacity(64);
    let mut number = 0usize;
    loop {
        line.clear();
        let read = read_line(&mut input, &mut line);
        number += 1;
        // Put into words on the error path only: formatting it per line would cost more than
        // the rest of the line's work.
        let at = || format!("<stdin>:{number}");
        match read {
            Ok(0) => return Ok(()),
            Ok(_) if line.len() > MAX_LINE_BYTES => {
                return Err(ConfigError::invalid(
                    Origin::Flag(at()),
                    format!(
                        "a line longer than {MAX_LINE_BYTES} bytes (an iteration is a whole \
                         number >= 0, one per line)"
                    ),
                )
                .into());
            }
            Ok(_) => {}
            Err(e) => return Err(ConfigError::invalid(Origin::Flag(at()), e.to_string()).into()),
        }
        let t = match parse_decimal(&line) {
            Some(t) => t,
            None => {
                let text = std::str::from_utf8(&line).map_err(|_| {
                    ConfigError::invalid(Origin::Flag(at()), "not valid UTF-8".to_string())
                })?;
                if text.trim().is_empty() {
                    continue;
                }
                options::iteration(text, at)?
            }
        };
        row(options::within_schedules(t, iters, at)?)?;
    }
}

/// Reads up to and including the next line break into `line`, but no more than one byte past
/// [`MAX_LINE_BYTES`]: enough to tell that the line is too long. Returns the bytes read.
fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<usize> {
    Read::take(input, MAX_LINE_BYTES as u64 + 1).read_until(b'\n', line)
}

/// A line that is nothing but 1 to 19 ASCII digits (and its line break): its value. Anything
/// else (spaces, signs, long numbers, errors) is left to the general rule.
fn parse_decimal(line: &[u8]) -> Option<u64> {
    let digits = line.strip_suffix(b"\n").unwrap_or(line);
    let digits = digits.strip_suffix(b"\r").unwrap_or(digits);
    if digits.is_empty() || digits.len() > FAST_DIGITS {
        return None;
    }
    digits.iter().try_fold(0u64, |value, &byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + u64::from(byte - b'0'))
    })
}

/// One schedule's column: its lr text is kept while the lr stays the same bits.
struct LrCell {
    bits: Option<u64>,
    text: Vec<u8>,
}

/// `at`'s rows: the iteration (unless plain) and each schedule's lr at it.
struct LrRows<'f, 's> {
    rows: RowWriter<'f>,
    specs: &'s [NamedSchedule],
    with_iteration: bool,
    cells: Vec<LrCell>,
    number: ryu::Buffer,
}

impl<'f, 's> LrRows<'f, 's> {
    fn new(rows: RowWriter<'f>, specs: &'s [NamedSchedule], with_iteration: bool) -> Self {
        LrRows {
            rows,
            specs,
            with_iteration,
            cells: specs
                .iter()
                .map(|_| LrCell {
                    bits: None,
                    text: Vec::new(),
                })
                .collect(),
            number: ryu::Buffer::new(),
        }
    }

    fn row(&mut self, t: u64, out: &mut dyn Write) -> io::Result<()> {
        self.rows.open_row();
        let mut column = 0;
        if self.with_iteration {
            self.rows.integer_cell(column, t);
            column += 1;
        }
        for (spec, cell) in self.specs.iter().zip(&mut self.cells) {
            let lr = spec.schedule.lr(t);
            if cell.bits != Some(lr.to_bits()) {
                cell.bits = Some(lr.to_bits());
                cell.text.clear();
                cell.text
                    .extend_from_slice(self.number.format(lr).as_bytes());
            }
            self.rows.cell(column, &cell.text);
            column += 1;
        }
        self.rows.close_row(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iterations(input: &[u8]) -> Result<Vec<u64>, String> {
        iterations_below(input, u64::MAX)
    }

    fn iterations_below(input: &[u8], iters: u64) -> Result<Vec<u64>, String> {
        let mut seen = Vec::new();
        each_iteration(input, iters, |t| {
            seen.push(t);
            Ok(())
        })
        .map_err(|e| e.to_string())?;
        Ok(seen)
    }

    #[test]
    fn reads_lines_fast_and_slow() {
        assert_eq!(
            iterations(b"0\n\n 7 \n12\r\n+3\n007\n18446744073709551614"),
            Ok(vec![0, 7, 12, 3, 7, u64::MAX - 1])
        );
        assert_eq!(iterations(b""), Ok(vec![]));
    }

    #[test]
    fn bad_lines_are_named_by_number() {
        let error = iterations(b"1\n\nten\n").unwrap_err();
        assert!(error.starts_with("<stdin>:3: "), "{error}");
        assert!(error.contains("'ten' is not a whole number"), "{error}");
        let error = iterations(b"1\n\xff\n").unwrap_err();
        assert!(error.starts_with("<stdin>:2: "), "{error}");
        assert!(error.contains("not valid UTF-8"), "{error}");
        let error = iterations(b"18446744073709551616\n").unwrap_err();
        assert!(error.contains("past the u64 range"), "{error}");
    }

    #[test]
    fn iterations_past_the_schedule_are_refused() {
        assert_eq!(iterations_below(b"0\n149\n", 150), Ok(vec![0, 149]));
        assert_eq!(
            iterations_below(b"0\n150\n", 150),
            Err(
                "<stdin>:2: iteration 150 is past the schedule's 150 iterations (0 … 149); \
                 raise --iters"
                    .to_string()
            )
        );
    }

    #[test]
    fn lines_are_bounded() {
        let longest = format!("{}7\n", " ".repeat(MAX_LINE_BYTES - 2));
        assert_eq!(iterations(longest.as_bytes()), Ok(vec![7]));
        let longer = format!("{}7\n", " ".repeat(MAX_LINE_BYTES - 1));
        let too_long = "<stdin>:2: a line longer than 4096 bytes (an iteration is a whole number \
                        >= 0, one per line)";
        assert_eq!(
            iterations(format!("1\n{longer}").as_bytes()),
            Err(too_long.into())
        );
        // A line without an end is refused after MAX_LINE_BYTES + 1 bytes, not read to the end.
        let endless = io::repeat(b'1');
        let error = each_iteration(BufReader::new(endless), u64::MAX, |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("<stdin>:1: a line longer than 4096 bytes"),
            "{error}"
        );
    }

    #[test]
    fn plain_decimal_lines() {
        assert_eq!(parse_decimal(b"0\n"), Some(0));
        assert_eq!(parse_decimal(b"270000"), Some(270_000));
        assert_eq!(parse_decimal(b"42\r\n"), Some(42));
        assert_eq!(
            parse_decimal(b"9999999999999999999\n"),
            Some(9_999_999_999_999_999_999)
        );
    }

    #[test]
    fn anything_else_takes_the_general_rule() {
        for line in [
            &b"\n"[..],
            b"",
            b" 5\n",
            b"5 \n",
            b"-1\n",
            b"+1\n",
            b"1e3\n",
            b"18446744073709551615\n",
            b"\xff\n",
        ] {
            assert_eq!(parse_decimal(line), None, "{line:?}");
        }
    }
}
