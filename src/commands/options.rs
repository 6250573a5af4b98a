//! Command options that are not schedule parameters (columns, ranges, sizes), checked with the
//! same kind of one-line errors as the schedule itself.

use std::path::Path;

use crate::config::{ConfigError, Origin, parse_whole};
use crate::output::FormatName;
use crate::output::table::schedule_rows::{Column, Rows};
use crate::schedule::NamedSchedule;
use crate::schedule::message::{QUOTED, quote_prefix};

/// A column name as `--columns` takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnName {
    Iteration,
    Epoch,
    Lr,
    Phase,
    Factor,
}

pub const COLUMN_NAMES: &[&str] = &["iteration", "epoch", "lr", "phase", "factor"];

fn flag_error(flag: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError::invalid(Origin::Flag(flag.to_string()), problem)
}

/// Parses `--columns` into concrete columns and their headers. With several schedules, each
/// per-schedule column (`epoch`, `lr`, `phase`, `factor`) becomes one column per schedule,
/// suffixed with the schedule's name: schedules may count epochs differently.
pub fn columns(
    list: &str,
    specs: &[NamedSchedule],
) -> Result<(Vec<String>, Vec<Column>), ConfigError> {
    let mut headers = Vec::new();
    let mut columns = Vec::new();
    if list.trim().is_empty() {
        return Err(flag_error(
            "--columns",
            format!(
                "expected a comma-separated list of columns, got nothing; any of: {}",
                COLUMN_NAMES.join(", ")
            ),
        ));
    }
    for item in list.split(',').map(str::trim) {
        let name = match item {
            "" => {
                return Err(flag_error(
                    "--columns",
                    format!("an empty column name in {}", quote_prefix(list, QUOTED)),
                ));
            }
            "iteration" | "iter" => ColumnName::Iteration,
            "epoch" => ColumnName::Epoch,
            "lr" => ColumnName::Lr,
            "phase" => ColumnName::Phase,
            "factor" => ColumnName::Factor,
            other => {
                return Err(flag_error(
                    "--columns",
                    format!(
                        "unknown column {}; expected any of: {}",
                        quote_prefix(other, QUOTED),
                        COLUMN_NAMES.join(", ")
                    ),
                ));
            }
        };
        match name {
            ColumnName::Iteration => {
                headers.push("iteration".to_string());
                columns.push(Column::Iteration);
            }
            ColumnName::Epoch | ColumnName::Lr | ColumnName::Phase | ColumnName::Factor => {
                for (index, spec) in specs.iter().enumerate() {
                    let (label, column) = match name {
                        ColumnName::Epoch => ("epoch", epoch_column(spec, specs.len())?),
                        ColumnName::Lr => ("lr", Column::Lr(index)),
                        ColumnName::Phase => ("phase", Column::Phase(index)),
                        _ => ("factor", Column::Factor(index)),
                    };
                    headers.push(if specs.len() == 1 {
                        label.to_string()
                    } else {
                        format!("{label}_{}", spec.name)
                    });
                    columns.push(column);
                }
            }
        }
    }
    Ok((headers, columns))
}

/// A schedule's epoch column, in its own epochs.
fn epoch_column(spec: &NamedSchedule, schedules: usize) -> Result<Column, ConfigError> {
    let iters_per_epoch = spec.iters_per_epoch.ok_or_else(|| {
        let problem = if schedules == 1 {
            "the epoch column needs iters_per_epoch (--iters-per-epoch N)".to_string()
        } else {
            format!(
                "the epoch column needs every schedule's iters_per_epoch, and '{}' has none \
                 (--iters-per-epoch N sets it for all, or iters_per_epoch in a schedule file)",
                spec.name
            )
        };
        flag_error("--columns", problem)
    })?;
    Ok(Column::Epoch { iters_per_epoch })
}

/// The rows `table` writes: `--start`, `--end` (default: the longest schedule) and `--every`.
pub fn rows(
    start: Option<&str>,
    end: Option<&str>,
    every: &str,
    specs: &[NamedSchedule],
) -> Result<Rows, ConfigError> {
    let iters = specs.iter().map(|s| s.params().iters).max().unwrap_or(0);
    let whole = |flag: &str, text: &str| parse_whole(text.trim()).map_err(|p| flag_error(flag, p));
    let start = start.map(|t| whole("--start", t)).transpose()?.unwrap_or(0);
    let end = end.map(|t| whole("--end", t)).transpose()?.unwrap_or(iters);
    let every = whole("--every", every)?;
    if every == 0 {
        return Err(flag_error("--every", "must be >= 1, got 0"));
    }
    if end > iters {
        return Err(flag_error(
            "--end",
            format!("{end} is past the schedule's {iters} iterations; raise --iters to see more"),
        ));
    }
    if start > end {
        return Err(flag_error(
            "--start",
            format!("{start} is after --end {end}"),
        ));
    }
    Ok(Rows {
        range: start..end,
        every,
    })
}

/// `--format`, else the `-o` file's extension, else `default` (no `-o`, or a name without an
/// extension such as `/dev/stdout`). An extension that names no format is an error rather than
/// a guess: `-o out.xls` writing CSV would surprise.
pub fn format(
    explicit: Option<FormatName>,
    output: Option<&Path>,
    default: FormatName,
) -> Result<FormatName, ConfigError> {
    if let Some(name) = explicit {
        return Ok(name);
    }
    let Some(extension) = output.and_then(Path::extension) else {
        return Ok(default);
    };
    output.and_then(FormatName::from_extension).ok_or_else(|| {
        flag_error(
            "--output",
            format!(
                "cannot tell the format from the extension '.{}'; use .csv, .tsv, .json, \
                     .jsonl or .txt, or give --format",
                extension.to_string_lossy()
            ),
        )
    })
}

/// An iteration given to `lrsched at`; `at` names where it came from (`ITER` or
/// `<stdin>:LINE`), put into words only for an error.
pub fn iteration(text: &str, at: impl FnOnce() -> String) -> Result<u64, ConfigError> {
    parse_whole(text.trim()).map_err(|problem| {
        ConfigError::invalid(
            Origin::Flag(at()),
            format!("{problem} (an iteration is a whole number >= 0)"),
        )
    })
}

/// Refuses an iteration past the shortest schedule: each framework's curve is defined for
/// t = 0 … iters − 1 only (detectron2's, for one, raises past its max_iter). `at` names where
/// the iteration came from, put into words only for an error.
pub fn within_schedules(
    t: u64,
    iters: u64,
    at: impl FnOnce() -> String,
) -> Result<u64, ConfigError> {
    if t < iters {
        return Ok(t);
    }
    Err(ConfigError::invalid(
        Origin::Flag(at()),
        format!(
            "iteration {t} is past the schedule's {iters} iterations (0 … {}); raise --iters",
            iters.saturating_sub(1)
        ),
    ))
}

/// `--size WxH`: width and height in pixels, each 100..=10000.
pub fn size(text: &str) -> Result<(u32, u32), ConfigError> {
    let invalid = |problem: String| flag_error("--size", problem);
    let malformed = || {
        invalid(format!(
            "expected WIDTHxHEIGHT like 1200x700, got {}",
            quote_prefix(text, QUOTED)
        ))
    };
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(malformed)?;
    let pixels = |part: &str| -> Result<u32, ConfigError> {
        let value: u32 = part.trim().parse().map_err(|_| malformed())?;
        if !(100..=10_000).contains(&value) {
            return Err(invalid(format!("{value} pixels is outside 100..=10000")));
        }
        Ok(value)
    };
    Ok((pixels(w)?, pixels(h)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Input, load};

    fn reference() -> Vec<NamedSchedule> {
        load(&Input::default()).unwrap().schedules
    }

    #[test]
    fn column_lists() {
        let (headers, columns) = columns("iteration,lr,phase", &reference()).unwrap();
        assert_eq!(headers, vec!["iteration", "lr", "phase"]);
        assert_eq!(
            columns,
            vec![Column::Iteration, Column::Lr(0), Column::Phase(0)]
        );
        assert_eq!(
            super::columns("iteration,rate", &reference())
                .unwrap_err()
                .to_string(),
            "--columns: unknown column 'rate'; expected any of: iteration, epoch, lr, phase, factor"
        );
        assert_eq!(
            super::columns("", &reference()).unwrap_err().to_string(),
            "--columns: expected a comma-separated list of columns, got nothing; any of: \
             iteration, epoch, lr, phase, factor"
        );
        assert_eq!(
            super::columns("iteration,,lr", &reference())
                .unwrap_err()
                .to_string(),
            "--columns: an empty column name in 'iteration,,lr'"
        );
        assert_eq!(
            super::columns("epoch", &reference())
                .unwrap_err()
                .to_string(),
            "--columns: the epoch column needs iters_per_epoch (--iters-per-epoch N)"
        );
    }

    /// The reference schedule, named `name`, with `iters_per_epoch`.
    fn named(name: &str, iters_per_epoch: Option<u64>) -> NamedSchedule {
        NamedSchedule {
            name: name.to_string(),
            iters_per_epoch,
            ..reference().remove(0)
        }
    }

    #[test]
    fn every_schedule_has_its_own_epoch_column() {
        let one = [named("a", Some(7393))];
        assert_eq!(
            columns("epoch", &one).unwrap(),
            (
                vec!["epoch".to_string()],
                vec![Column::Epoch {
                    iters_per_epoch: 7393
                }]
            )
        );
        let two = [named("a", Some(7393)), named("b", Some(14786))];
        let (headers, columns) = super::columns("iteration,epoch,lr", &two).unwrap();
        assert_eq!(headers, ["iteration", "epoch_a", "epoch_b", "lr_a", "lr_b"]);
        assert_eq!(
            columns,
            [
                Column::Iteration,
                Column::Epoch {
                    iters_per_epoch: 7393
                },
                Column::Epoch {
                    iters_per_epoch: 14786
                },
                Column::Lr(0),
                Column::Lr(1)
            ]
        );
        let without = [named("a", Some(7393)), named("b", None)];
        assert_eq!(
            super::columns("epoch", &without).unwrap_err().to_string(),
            "--columns: the epoch column needs every schedule's iters_per_epoch, and 'b' has \
             none (--iters-per-epoch N sets it for all, or iters_per_epoch in a schedule file)"
        );
    }

    #[test]
    fn row_ranges() {
        let specs = reference();
        assert_eq!(
            rows(None, None, "1", &specs).unwrap(),
            Rows {
                range: 0..150,
                every: 1
            }
        );
        assert_eq!(
            rows(Some("5"), Some("10"), "2", &specs).unwrap(),
            Rows {
                range: 5..10,
                every: 2
            }
        );
        assert_eq!(
            rows(None, None, "0", &specs).unwrap_err().to_string(),
            "--every: must be >= 1, got 0"
        );
        assert_eq!(
            rows(None, Some("151"), "1", &specs)
                .unwrap_err()
                .to_string(),
            "--end: 151 is past the schedule's 150 iterations; raise --iters to see more"
        );
        assert_eq!(
            rows(Some("20"), Some("10"), "1", &specs)
                .unwrap_err()
                .to_string(),
            "--start: 20 is after --end 10"
        );
    }

    #[test]
    fn format_from_extension() {
        let csv = FormatName::Csv;
        assert_eq!(format(None, None, csv).unwrap(), csv);
        assert_eq!(
            format(None, Some(Path::new("a.JSONL")), csv).unwrap(),
            FormatName::Jsonl
        );
        assert_eq!(
            format(None, Some(Path::new("/dev/stdout")), csv).unwrap(),
            csv
        );
        assert_eq!(
            format(Some(FormatName::Tsv), Some(Path::new("a.xls")), csv).unwrap(),
            FormatName::Tsv
        );
        assert_eq!(
            format(None, Some(Path::new("a.xls")), csv)
                .unwrap_err()
                .to_string(),
            "--output: cannot tell the format from the extension '.xls'; use .csv, .tsv, .json, \
             .jsonl or .txt, or give --format"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(size("1200x700").unwrap(), (1200, 700));
        assert_eq!(size("800X600").unwrap(), (800, 600));
        assert_eq!(
            size("12x700").unwrap_err().to_string(),
            "--size: 12 pixels is outside 100..=10000"
        );
        assert_eq!(
            size("big").unwrap_err().to_string(),
            "--size: expected WIDTHxHEIGHT like 1200x700, got 'big'"
        );
    }
}
