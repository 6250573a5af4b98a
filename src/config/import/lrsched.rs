//! lrsched's own schedule TOML (docs/guide.md): the format of `.toml` files, and of any file
//! whose every key line names a schedule key.

use std::path::Path;

use super::{Fit, Format, Source};
use crate::config::error::ConfigError;
use crate::config::keys::Key;
use crate::config::{Layer, toml_input};

pub struct LrschedToml;

impl Format for LrschedToml {
    fn name(&self) -> &'static str {
        "lrsched"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["toml"]
    }

    fn framework(&self) -> &'static str {
        "lrsched schedule TOML"
    }

    fn dialect(&self) -> Option<&'static str> {
        None
    }

    fn detect(&self, path: &Path, text: &str) -> Fit {
        if super::extension(path) == "toml" {
            return Fit::Certain;
        }
        // `base_lr = 0.02` lines and nothing else: the keys of a schedule file.
        let mut keys = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter(|line| !line.starts_with(|c: char| c == ']' || c.is_ascii_digit() || c == '"'))
            .peekable();
        let only_keys = keys.peek().is_some()
            && keys.all(|line| {
                line.split_once('=')
                    .is_some_and(|(key, _)| Key::named(key.trim()).is_some())
            });
        if only_keys { Fit::Layout } else { Fit::No }
    }

    fn read(&self, file: &Source<'_>, _flags: &Layer) -> Result<Layer, ConfigError> {
        toml_input::parse_layer(file.path, file.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_files_and_schedule_keys_fit() {
        let fit = |path: &str, text: &str| LrschedToml.detect(Path::new(path), text);
        assert_eq!(fit("a.toml", "anything"), Fit::Certain);
        assert_eq!(
            fit("a.conf", "# mine\nbase_lr = 0.1\nmilestones = [\n  5,\n]\n"),
            Fit::Layout
        );
        assert_eq!(fit("a.py", "lr = 0.1\n"), Fit::No);
        assert_eq!(fit("a.yaml", "SOLVER:\n  BASE_LR: 0.1\n"), Fit::No);
        assert_eq!(fit("empty", ""), Fit::No);
    }
}
