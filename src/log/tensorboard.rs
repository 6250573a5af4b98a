//! TensorBoard event files (`events.out.tfevents.*`), read directly: TFRecords (`tfrecord`)
//! of `Event` protobufs (`event`). A run directory is read as TensorBoard reads one: its event
//! files in name order (the name starts with the creation time), a later file's points
//! replacing an earlier one's from the step it restarts at (`compare` does the replacing).
//!
//! The step is whatever the run passed (`add_scalar("lr", lr, global_step)`), taken as the
//! 0-based iteration; Keras 3 logs `epoch_learning_rate` once per epoch, at its end, with the
//! epoch as the step: epoch e is iteration (e + 1)·iters_per_epoch (`keras`). Values are
//! float32 unless a DT_DOUBLE tensor.

use std::fs;
use std::path::{Path, PathBuf};

use super::keras::{epochs, per_epoch};
use super::keyed::{Steps, listed};
use super::tfrecord::{Records, starts_with_record};
use super::{
    Description, Format, LogError, Point, Points, ReadOptions, Sniff, event, looks_like_lr,
};
use crate::schedule::message;

pub const FORMAT: Format = Format {
    name: "tensorboard",
    about: "TensorBoard event files: events.out.tfevents.*, or a run directory of them",
    sniff,
    open,
};

/// Up to this many tags are remembered, to say which ones a log without lr has.
const TAGS_KEPT: usize = 32;

fn sniff(file: &Sniff) -> bool {
    starts_with_record(file.head) || file.name.contains("tfevents")
}

fn open(path: &Path, options: &ReadOptions) -> Result<Box<dyn Points>, LogError> {
    Ok(Box::new(EventFiles::new(
        vec![path.to_path_buf()],
        path,
        options,
    )?))
}

/// The `events.out.tfevents.*` files directly in `dir`, sorted by name.
pub fn event_files(dir: &Path) -> Result<Vec<PathBuf>, LogError> {
    let entries = fs::read_dir(dir).map_err(|e| LogError::io(dir, &e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| LogError::io(dir, &e))?;
        let name = entry.file_name();
        if name.to_string_lossy().contains("tfevents") && entry.path().is_file() {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

pub fn open_dir(dir: &Path, options: &ReadOptions) -> Result<Box<dyn Points>, LogError> {
    let files = event_files(dir)?;
    if files.is_empty() {
        return Err(LogError::file(
            dir,
            "no event files (events.out.tfevents.*) in this directory; TensorBoard reads a run's \
             event files, and each subdirectory is a run of its own",
        ));
    }
    Ok(Box::new(EventFiles::new(files, dir, options)?))
}

struct EventFiles {
    files: std::vec::IntoIter<PathBuf>,
    records: Records,
    count: usize,
    options: ReadOptions,
    tag: Option<(String, Steps)>,
    tags_seen: Vec<String>,
    /// Points of the event being read, for events with several lr values (rare).
    pending: Vec<Point>,
    shown: PathBuf,
}

impl EventFiles {
    fn new(files: Vec<PathBuf>, shown: &Path, options: &ReadOptions) -> Result<Self, LogError> {
        let count = files.len();
        let mut files = files.into_iter();
        let first = files.next().expect("at least one file");
        Ok(EventFiles {
            records: Records::open(&first)?,
            files,
            count,
            options: options.clone(),
            tag: None,
            tags_seen: Vec::new(),
            pending: Vec::new(),
            shown: shown.to_path_buf(),
        })
    }

    /// How `tag`'s steps count, once it is the lr's tag.
    fn steps_of(&self, tag: &str) -> Result<Steps, String> {
        if tag.starts_with("epoch_") {
            let per = self.options.iters_per_epoch.ok_or(
                "an epoch_ tag (Keras) has one point per epoch: give the schedule's \
                 iters_per_epoch (--iters-per-epoch N)",
            )?;
            return Ok(epochs(per, 1, &self.options));
        }
        Ok(Steps::ZERO_BASED.with_options(&self.options))
    }

    /// Whether `tag` is the lr's; picks it when no tag was named and it is the first lr-like.
    fn is_lr(&mut self, tag: &str) -> Result<Option<Steps>, String> {
        if let Some((chosen, steps)) = &self.tag {
            if chosen == tag {
                return Ok(Some(*steps));
            }
            let named = self.options.tag.is_some() || self.options.lr_key.is_some();
            if !named && looks_like_lr(tag) {
                return Err(format!(
                    "several lr series: {}; pick one with --tag",
                    listed(&[chosen.as_str(), tag])
                ));
            }
            return Ok(None);
        }
        if self.tags_seen.len() < TAGS_KEPT && !self.tags_seen.iter().any(|t| t == tag) {
            self.tags_seen.push(tag.to_string());
        }
        let wanted = match self.options.tag.as_ref().or(self.options.lr_key.as_ref()) {
            Some(name) => name == tag,
            None => looks_like_lr(tag),
        };
        if !wanted {
            return Ok(None);
        }
        let steps = self.steps_of(tag)?;
        self.tag = Some((tag.to_string(), steps));
        Ok(Some(steps))
    }

    fn read_event(&mut self) -> Result<bool, LogError> {
        let Some(data) = self.records.next_record()? else {
            return Ok(false);
        };
        let mut found = Vec::new();
        event::decode(data, |step, scalar| {
            found.push((
                step,
                String::from_utf8_lossy(scalar.tag).into_owned(),
                scalar.value,
                scalar.precision,
            ))
        })
        .map_err(|p| self.records.error(p))?;
        for (step, tag, value, precision) in found {
            let steps = match self.is_lr(&tag) {
                Ok(Some(steps)) => steps,
                Ok(None) => continue,
                Err(problem) => return Err(self.records.error(problem)),
            };
            let step = u64::try_from(step)
                .map_err(|_| self.records.error(format!("step {step} is negative")))?;
            let iteration = steps
                .iteration(step, "step")
                .map_err(|p| self.records.error(p))?;
            let lr = super::lines::valid_lr(value).map_err(|p| self.records.error(p))?;
            self.pending.push(Point {
                iteration,
                lr,
                precision,
                place: self.records.place(),
            });
        }
        Ok(true)
    }
}

impl Points for EventFiles {
    fn describe(&self) -> Description {
        let files = match self.count {
            1 => String::new(),
            n => format!(" ({n} event files, merged)"),
        };
        match &self.tag {
            Some((tag, steps)) if steps.per > 1 => {
                let mut description =
                    per_epoch(FORMAT.name, &format!("tag '{tag}', step e"), *steps);
                description.convention.push_str(&files);
                description
            }
            Some((tag, steps)) => Description {
                format: FORMAT.name,
                convention: format!(
                    "tag '{tag}', {}, lr stored as float32{files}",
                    super::detectron2::convention("step", *steps)
                ),
                caveat: None,
            },
            None => Description {
                format: FORMAT.name,
                convention: files,
                caveat: None,
            },
        }
    }

    fn file(&self) -> &Path {
        self.records.path()
    }

    fn place_words(&self, place: super::Place) -> String {
        match self.count {
            1 => place.to_string(),
            _ => {
                let name = self.records.path().file_name().unwrap_or_default();
                format!("{}: {place}", name.to_string_lossy())
            }
        }
    }

    fn next_point(&mut self) -> Result<Option<Point>, LogError> {
        loop {
            if !self.pending.is_empty() {
                return Ok(Some(self.pending.remove(0)));
            }
            if self.read_event()? {
                continue;
            }
            match self.files.next() {
                Some(next) => self.records = Records::open(&next)?,
                None if self.tag.is_some() => return Ok(None),
                None => {
                    let what = match self.options.tag.as_ref().or(self.options.lr_key.as_ref()) {
                        Some(tag) => format!("no scalar tagged '{}'", message::prefix(tag, 64)),
                        None => "no lr logged".to_string(),
                    };
                    let found = if self.tags_seen.is_empty() {
                        "no scalar tags at all".to_string()
                    } else {
                        format!("tags found: {}", listed(&self.tags_seen))
                    };
                    return Err(LogError::file(
                        &self.shown,
                        format!("{what}; {found} (name the lr with --tag)"),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::event::encode;
    use crate::log::tests_support::{read_all, written_bytes};
    use crate::log::tfrecord::frame;
    use crate::log::{Place, Precision};

    fn event_file(events: &[Vec<u8>]) -> Vec<u8> {
        let mut bytes = frame(&encode::file_version());
        for event in events {
            bytes.extend(frame(event));
        }
        bytes
    }

    #[test]
    fn reads_simple_values_of_the_lr_tag() {
        let events = [
            encode::event(0, &encode::simple("loss", 2.5)),
            encode::event(0, &encode::simple("lr", 0.001)),
            encode::event(20, &encode::simple("lr", 0.002)),
        ];
        let offset = frame(&encode::file_version()).len()
            + frame(&events[0]).len()
            + frame(&events[1]).len();
        let bytes = event_file(&events);
        let file = written_bytes("events.out.tfevents.1700000000.host.1.0", &bytes);
        let points = read_all(file.path(), &ReadOptions::default()).unwrap();
        let got: Vec<(u64, f64)> = points.iter().map(|p| (p.iteration, p.lr)).collect();
        assert_eq!(got, [(0, 0.001f32 as f64), (20, 0.002f32 as f64)]);
        assert_eq!(
            points[1].place,
            Place::Record {
                index: 4,
                offset: offset as u64
            }
        );
        assert_eq!(points[0].precision, Precision::Float32);
    }

    #[test]
    fn keras_epoch_tags_count_epochs() {
        let bytes = event_file(&[encode::event(
            0,
            &encode::tensor("epoch_learning_rate", 0.01),
        )]);
        let file = written_bytes("events.out.tfevents.1.host.2.v2", &bytes);
        let options = ReadOptions {
            iters_per_epoch: Some(50),
            ..ReadOptions::default()
        };
        let points = read_all(file.path(), &options).unwrap();
        assert_eq!((points[0].iteration, points[0].lr), (50, 0.01f32 as f64));
    }

    #[test]
    fn damage_is_found_by_the_checksums() {
        let good = event_file(&[encode::event(0, &encode::simple("lr", 0.001))]);
        let mut flipped = good.clone();
        let last = flipped.len() - 6;
        flipped[last] ^= 1;
        let file = written_bytes("events.out.tfevents.x", &flipped);
        let error = read_all(file.path(), &ReadOptions::default()).unwrap_err();
        assert_eq!(
            error.place,
            Some(Place::Record {
                index: 2,
                offset: 40
            })
        );
        assert_eq!(error.problem, "corrupted: the data's CRC does not match");

        let file = written_bytes("events.out.tfevents.x", &good[..good.len() - 3]);
        let error = read_all(file.path(), &ReadOptions::default()).unwrap_err();
        assert!(
            error.problem.starts_with("truncated: the file ends"),
            "{error}"
        );

        let mut length = good.clone();
        length[40] = 0xff;
        let file = written_bytes("events.out.tfevents.x", &length);
        let error = read_all(file.path(), &ReadOptions::default()).unwrap_err();
        assert!(
            error.problem.starts_with("corrupted: the length's CRC"),
            "{error}"
        );
    }

    #[test]
    fn a_run_directory_merges_its_files_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let first = event_file(&[
            encode::event(0, &encode::simple("lr", 0.5)),
            encode::event(10, &encode::simple("lr", 0.25)),
        ]);
        let second = event_file(&[encode::event(5, &encode::simple("lr", 0.125))]);
        fs::write(dir.path().join("events.out.tfevents.200.host"), second).unwrap();
        fs::write(dir.path().join("events.out.tfevents.100.host"), first).unwrap();
        fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let mut points = open_dir(dir.path(), &ReadOptions::default()).unwrap();
        let mut got = Vec::new();
        while let Some(p) = points.next_point().unwrap() {
            got.push((p.iteration, p.lr));
        }
        assert_eq!(got, [(0, 0.5), (10, 0.25), (5, 0.125)]);
        assert!(
            points
                .describe()
                .convention
                .ends_with("(2 event files, merged)")
        );
    }

    #[test]
    fn no_lr_names_the_tags() {
        let bytes = event_file(&[encode::event(0, &encode::simple("loss", 2.5))]);
        let file = written_bytes("events.out.tfevents.x", &bytes);
        let error = read_all(file.path(), &ReadOptions::default()).unwrap_err();
        assert_eq!(
            error.problem,
            "no lr logged; tags found: loss (name the lr with --tag)"
        );
    }
}
