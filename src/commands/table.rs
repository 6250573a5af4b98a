//! `lrsched table`: every iteration as rows.

use std::process::ExitCode;

use super::options;
use crate::cli::TableArgs;
use crate::error::Error;
use crate::output::sink::Sink;
use crate::output::table::JsonDocument;
use crate::output::table::schedule_rows::write_rows;
use crate::output::{Format, FormatName};
use crate::schedule::Schedule;

pub fn run(args: &TableArgs) -> Result<ExitCode, Error> {
    let specs = super::load(&args.schedule, &args.files)?;
    let (headers, columns) = options::columns(&args.columns, &specs)?;
    let rows = options::rows(
        args.start.as_deref(),
        args.end.as_deref(),
        &args.every,
        &specs,
    )?;
    let format: Box<dyn Format> =
        match options::format(args.format, args.output.as_deref(), FormatName::Csv)? {
            // A JSON table says which schedules its columns are (docs/guide.md, table).
            FormatName::Json => Box::new(JsonDocument::new(&specs)),
            name => name.format(),
        };
    let schedules: Vec<&dyn Schedule> = specs.iter().map(|s| s.schedule.as_ref()).collect();

    let mut sink = Sink::open_unless_input(
        args.output.as_deref(),
        &args.schedule.input(&args.files).files,
    )?;
    write_rows(
        &mut sink,
        format.as_ref(),
        &headers,
        &columns,
        &schedules,
        &rows,
    )
    .map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(ExitCode::SUCCESS)
}
