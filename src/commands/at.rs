//! `lrsched at`: the lr at given iterations (or at iterations read from stdin).

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use crate::cli::AtArgs;
use crate::config::{ConfigError, Origin, ScheduleSpec, options};
use crate::error::Error;
use crate::output::sink::Sink;
use crate::output::{FormatName, Layout};

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
    let layout = format_name.format().layout(&headers);

    let mut sink = Sink::open(None)?;
    let mut writer = RowWriter {
        layout: &layout,
        specs: &specs,
        with_iteration,
        first: true,
        number: ryu::Buffer::new(),
        integer: itoa::Buffer::new(),
    };
    sink.write_all(layout.header.as_bytes())
        .map_err(|e| sink.fail(e))?;
    for argument in &args.iterations {
        if argument == "-" {
            for (index, line) in io::stdin().lock().lines().enumerate() {
                let at = format!("<stdin>:{}", index + 1);
                let line = line.map_err(|e| {
                    let problem = match e.kind() {
                        io::ErrorKind::InvalidData => "not valid UTF-8".to_string(),
                        _ => e.to_string(),
                    };
                    ConfigError::invalid(Origin::Flag(at.clone()), problem)
                })?;
                if line.trim().is_empty() {
                    continue;
                }
                let t = options::iteration(&line, &at)?;
                writer.row(&mut sink, t).map_err(|e| sink.fail(e))?;
            }
        } else {
            let t = options::iteration(argument, &format!("ITER '{argument}'"))?;
            writer.row(&mut sink, t).map_err(|e| sink.fail(e))?;
        }
    }
    sink.write_all(layout.footer.as_bytes())
        .map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(ExitCode::SUCCESS)
}

struct RowWriter<'a> {
    layout: &'a Layout,
    specs: &'a [ScheduleSpec],
    with_iteration: bool,
    first: bool,
    number: ryu::Buffer,
    integer: itoa::Buffer,
}

impl RowWriter<'_> {
    fn row(&mut self, out: &mut dyn Write, t: u64) -> io::Result<()> {
        let layout = self.layout;
        let open = if self.first {
            &layout.first_row_open
        } else {
            &layout.row_open
        };
        out.write_all(open.as_bytes())?;
        self.first = false;
        let mut cells = Vec::with_capacity(self.specs.len() + 1);
        if self.with_iteration {
            cells.push(self.integer.format(t).to_string());
        }
        for spec in self.specs {
            cells.push(self.number.format(spec.schedule.lr(t)).to_string());
        }
        for (index, cell) in cells.iter().enumerate() {
            out.write_all(layout.cell_open[index].as_bytes())?;
            out.write_all(cell.as_bytes())?;
            out.write_all(layout.cell_close[index].as_bytes())?;
        }
        out.write_all(layout.row_close.as_bytes())
    }
}
