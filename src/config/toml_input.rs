//! Reads a schedule TOML file into a layer of raw values, each tagged with its file and line.

use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::Layer;
use super::error::{ConfigError, Origin};
use super::keys::{KEYS, Key};
use super::value::Raw;

/// Parses TOML text; `path` is only used in messages.
pub(super) fn parse_layer(path: &Path, text: &str) -> Result<Layer, ConfigError> {
    let table = DeTable::parse(text).map_err(|e| {
        let offset = e.span().map_or(0, |span| span.start);
        let (line, column) = line_col(text, offset);
        ConfigError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            language: "TOML",
            message: e.message().trim().to_string(),
            source_line: text.lines().nth(line - 1).unwrap_or("").to_string(),
        }
    })?;
    let mut layer = Layer::default();
    for (key, value) in table.get_ref() {
        let line = line_col(text, key.span().start).0;
        let name: &str = key.get_ref();
        let Some(known) = Key::named(name) else {
            if let DeValue::Table(_) = value.get_ref() {
                return Err(ConfigError::invalid(
                    Origin::File {
                        path: path.to_path_buf(),
                        line,
                        key: format!("[{name}]"),
                    },
                    "schedule files have no tables: write the keys at the top level \
                     (base_lr = 0.01, milestones = [50, 100], ...)",
                ));
            }
            return Err(ConfigError::UnknownKey {
                path: path.to_path_buf(),
                line,
                key: name.to_string(),
                suggestion: closest_key(name),
            });
        };
        let origin = Origin::File {
            path: path.to_path_buf(),
            line,
            key: known.name.to_string(),
        };
        layer.set(known.name, raw_from_toml(value.get_ref()), origin);
    }
    Ok(layer)
}

fn raw_from_toml(value: &DeValue<'_>) -> Raw {
    match value {
        DeValue::Integer(int) if int.radix() == 10 => Raw::Integer(int.as_str().to_string()),
        DeValue::Integer(int) => match i128::from_str_radix(int.as_str(), int.radix()) {
            Ok(n) => Raw::Integer(n.to_string()),
            Err(_) => Raw::Integer(int.as_str().to_string()),
        },
        DeValue::Float(float) => Raw::Float(float.as_str().to_string()),
        DeValue::String(s) => Raw::Str(s.to_string()),
        DeValue::Array(items) => {
            Raw::Array(items.iter().map(|v| raw_from_toml(v.get_ref())).collect())
        }
        DeValue::Boolean(on) => Raw::Bool(*on),
        DeValue::Datetime(_) => Raw::Other("a date-time"),
        DeValue::Table(_) => Raw::Other("a table"),
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The valid key nearest to a misspelt one, if any is near enough to be a likely typo.
fn closest_key(name: &str) -> Option<&'static str> {
    // Far longer than any key: no typo of one, and not worth a quadratic comparison.
    if name.len() > 64 {
        return None;
    }
    let normalized = name.replace('-', "_").to_lowercase();
    KEYS.iter()
        .map(|key| (edit_distance(&normalized, key.name), key.name))
        .filter(|&(distance, key)| distance <= (key.len() / 3).max(2))
        .min()
        .map(|(_, key)| key)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_keys() {
        assert_eq!(closest_key("milestone"), Some("milestones"));
        assert_eq!(closest_key("base-lr"), Some("base_lr"));
        assert_eq!(closest_key("warmup_iter"), Some("warmup_iters"));
        assert_eq!(closest_key("lr"), None);
        assert_eq!(closest_key("optimizer"), None);
    }

    #[test]
    fn long_keys_and_lines_are_quoted_short() {
        let key = "k".repeat(100_000);
        let err = parse_layer(Path::new("x.toml"), &format!("{key} = 1\n")).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "x.toml:1: unknown key '{}…' (100000 characters); valid keys: base_lr,",
                &key[..40]
            )),
            "{err}"
        );
        let text = format!("gamma = 0.1 {}\n", "x".repeat(100_000));
        let err = parse_layer(Path::new("x.toml"), &text)
            .unwrap_err()
            .to_string();
        let (first, shown) = err.split_once('\n').unwrap();
        assert!(first.starts_with("x.toml:1:9: invalid TOML: "), "{first}");
        assert_eq!(shown, format!("  1 | gamma = 0.1 {}…", "x".repeat(68)));
    }

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_col("a = 1\nb = 2\n", 6), (2, 1));
        assert_eq!(line_col("a = 1\nb = 2\n", 10), (2, 5));
    }

    #[test]
    fn unknown_key_names_its_line() {
        let err = parse_layer(Path::new("x.toml"), "gamma = 0.1\nmilestone = [1]\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.toml:2: unknown key 'milestone'; did you mean 'milestones'?"
        );
    }

    #[test]
    fn tables_are_not_schedule_keys() {
        let err = parse_layer(Path::new("x.toml"), "\n[schedule]\ngamma = 0.1\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.toml:2: [schedule]: schedule files have no tables: write the keys at the top level \
             (base_lr = 0.01, milestones = [50, 100], ...)"
        );
    }

    #[test]
    fn syntax_error_shows_the_line() {
        let err = parse_layer(Path::new("x.toml"), "gamma = 0.1\nbase_lr = = 2\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("x.toml:2:"), "{text}");
        assert!(text.ends_with("2 | base_lr = = 2"), "{text}");
    }
}
