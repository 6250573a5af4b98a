//! Lists and numbers as messages show them: one readable line whatever the input.
//!
//! A schedule may carry ten thousand milestones and a gamma of 1e300; an error or warning that
//! quotes them must still fit on a line. Every list and float that goes into a message goes
//! through here.

/// The most characters of a token the user wrote (a number, a name, a line of stdin) that a
/// message quotes: a 100,000-digit `--gamma` gets a line, not a 100 KB error.
pub const QUOTED: usize = 40;
/// The most characters of a TOML file's line that a syntax error shows.
pub const LINE_SHOWN: usize = 80;

/// Lists up to this long are shown in full.
const IN_FULL: usize = 8;
/// A longer list shows this many items from its start (and its last item).
const LEADING: usize = 3;

/// `[60, 30]`: the list in full up to 8 items; a longer one as its first items, its last and
/// its length: `[10, 20, 30, …, 100000] (10000 in all)`.
pub fn list(items: &[u64]) -> String {
    abbreviated(items, None)
}

/// As [`list`], keeping in view the item at `focus` and the one before it (an offending pair):
/// `[10, 20, 30, …, 60, 30, …, 100000] (10000 in all)`.
pub fn list_around(items: &[u64], focus: usize) -> String {
    abbreviated(items, Some(focus))
}

/// The index of the first item below the one before it: `None` when the list is sorted
/// ascending (repeats allowed).
pub fn first_unsorted(items: &[u64]) -> Option<usize> {
    (1..items.len()).find(|&i| items[i - 1] > items[i])
}

/// Iterations in a sentence: "60", "60 and 110", "60, 110 and 160", "60, 110, 160, … (12 in
/// all)"; `complete` is false when `points` was cut short, which leaves the count out.
pub fn in_words(points: &[u64], complete: bool) -> String {
    let text: Vec<String> = points.iter().take(3).map(u64::to_string).collect();
    match points.len() {
        0 => "no iteration".into(),
        1 => text[0].clone(),
        2 | 3 => format!(
            "{} and {}",
            text[..text.len() - 1].join(", "),
            text[text.len() - 1]
        ),
        _ if !complete => format!("{}, …", text.join(", ")),
        n => format!("{}, … ({n} in all)", text.join(", ")),
    }
}

/// A token the user wrote, in quotes: whole up to `max` characters, longer as its first `max`
/// and its length: `'99999999…' (100000 characters)`.
pub fn quote_prefix(text: &str, max: usize) -> String {
    match cut(text, max) {
        None => format!("'{text}'"),
        Some((start, count)) => format!("'{start}…' ({count} characters)"),
    }
}

/// As [`quote_prefix`], without the quotes, where a message shows the token bare (`got
/// 99999999… (100000 characters)`).
pub fn prefix(text: &str, max: usize) -> String {
    match cut(text, max) {
        None => text.to_string(),
        Some((start, count)) => format!("{start}… ({count} characters)"),
    }
}

/// The part of a long `line` around character `column` (1-based), at most `max` characters
/// and an `…` at each end that was cut: where a syntax error points stays in view.
pub fn excerpt(line: &str, column: usize, max: usize) -> String {
    let count = line.chars().count();
    if count <= max {
        return line.to_string();
    }
    let first = column.saturating_sub(1 + max / 2).min(count - max);
    let shown: String = line.chars().skip(first).take(max).collect();
    let before = if first > 0 { "…" } else { "" };
    let after = if first + max < count { "…" } else { "" };
    format!("{before}{shown}{after}")
}

/// A message written by another library (clap's `invalid value '…' for '--layout'`) with
/// each single-quoted part longer than `max` characters cut as [`quote_prefix`] does, and the
/// whole cut at `8 × max` whatever its quotes; `None` when nothing needed cutting.
pub fn shorten_quoted(line: &str, max: usize) -> Option<String> {
    let parts: Vec<&str> = line.split('\'').collect();
    let long = |part: &&str| part.chars().count() > max;
    // Odd indices are inside quotes (when the quotes pair up).
    if !parts.iter().skip(1).step_by(2).any(long) && line.chars().count() <= 8 * max {
        return None;
    }
    let mut out = String::new();
    for (index, part) in parts.iter().enumerate() {
        if index % 2 == 1 {
            out.push_str(&quote_prefix(part, max));
        } else {
            out.push_str(part);
        }
    }
    // An unpaired quote leaves the last part outside of quotes: cut it anyway.
    Some(prefix(&out, 8 * max))
}

/// `None` when `text` has at most `max` characters; else its first `max` and its length.
fn cut(text: &str, max: usize) -> Option<(&str, usize)> {
    let end = text.char_indices().nth(max)?.0;
    Some((&text[..end], text.chars().count()))
}

/// A float as every output writes it: the shortest text that reads back the same (`1e300`,
/// never 301 digits).
pub fn number(value: f64) -> String {
    ryu::Buffer::new().format(value).to_string()
}

fn abbreviated(items: &[u64], focus: Option<usize>) -> String {
    let len = items.len();
    if len <= IN_FULL {
        let all: Vec<String> = items.iter().map(u64::to_string).collect();
        return format!("[{}]", all.join(", "));
    }
    // The first items, the focus and the one before it, the last: a handful whatever the length.
    let mut indices: Vec<usize> = (0..LEADING).collect();
    if let Some(f) = focus.filter(|&f| f < len) {
        indices.extend([f.saturating_sub(1), f]);
    }
    indices.push(len - 1);
    indices.sort_unstable();
    indices.dedup();
    let mut parts = Vec::new();
    let mut previous: Option<usize> = None;
    for i in indices {
        if previous.is_some_and(|p| i > p + 1) {
            parts.push("…".to_string());
        }
        parts.push(items[i].to_string());
        previous = Some(i);
    }
    format!("[{}] ({len} in all)", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lists_in_full() {
        assert_eq!(list(&[]), "[]");
        assert_eq!(list(&[60, 30]), "[60, 30]");
        assert_eq!(list_around(&[60, 30], 1), "[60, 30]");
        let eight: Vec<u64> = (1..=8).collect();
        assert_eq!(list(&eight), "[1, 2, 3, 4, 5, 6, 7, 8]");
    }

    #[test]
    fn long_lists_abbreviated() {
        let many: Vec<u64> = (1..=10_000).map(|k| k * 10).collect();
        assert_eq!(list(&many), "[10, 20, 30, …, 100000] (10000 in all)");
        let mut unsorted = many.clone();
        unsorted.swap(5, 6);
        assert_eq!(
            list_around(&unsorted, 6),
            "[10, 20, 30, …, 70, 60, …, 100000] (10000 in all)"
        );
        // A focus next to the start or the end joins the items shown there.
        assert_eq!(
            list_around(&unsorted, 3),
            "[10, 20, 30, 40, …, 100000] (10000 in all)"
        );
        assert_eq!(
            list_around(&many, 9_999),
            "[10, 20, 30, …, 99990, 100000] (10000 in all)"
        );
        assert_eq!(
            list(&(0..9).collect::<Vec<u64>>()),
            "[0, 1, 2, …, 8] (9 in all)"
        );
    }

    #[test]
    fn unsorted_lists() {
        assert_eq!(first_unsorted(&[]), None);
        assert_eq!(first_unsorted(&[20, 20, 40]), None);
        assert_eq!(first_unsorted(&[60, 30]), Some(1));
        assert_eq!(first_unsorted(&[10, 50, 40, 30]), Some(2));
    }

    #[test]
    fn points_in_words() {
        assert_eq!(in_words(&[], true), "no iteration");
        assert_eq!(in_words(&[5], true), "5");
        assert_eq!(in_words(&[5, 6], true), "5 and 6");
        assert_eq!(in_words(&[5, 6, 7], true), "5, 6 and 7");
        assert_eq!(in_words(&[5, 6, 7, 8], true), "5, 6, 7, … (4 in all)");
        assert_eq!(in_words(&[5, 6, 7, 8], false), "5, 6, 7, …");
    }

    #[test]
    fn long_tokens_are_quoted_by_their_start() {
        assert_eq!(quote_prefix("abc", 3), "'abc'");
        assert_eq!(quote_prefix("", 3), "''");
        assert_eq!(
            quote_prefix(&"9".repeat(100_000), 8),
            "'99999999…' (100000 characters)"
        );
        // Characters, not bytes: a cut never splits one.
        assert_eq!(quote_prefix("ééééé", 4), "'éééé…' (5 characters)");
        assert_eq!(prefix("12345", 5), "12345");
        assert_eq!(prefix("123456", 5), "12345… (6 characters)");
    }

    #[test]
    fn quoted_parts_of_foreign_messages_are_cut() {
        assert_eq!(shorten_quoted("invalid value 'x' for '--layout'", 8), None);
        let nines = "9".repeat(1000);
        assert_eq!(
            shorten_quoted(&format!("invalid value '{nines}' for '--layout'"), 8).unwrap(),
            "invalid value '99999999…' (1000 characters) for '--layout'"
        );
        let unpaired = format!("unexpected argument '{nines}");
        assert_eq!(
            shorten_quoted(&unpaired, 8).unwrap(),
            format!("unexpected argument '99999999…' (1000 characters)")
        );
        let bare = format!("value {nines}");
        assert_eq!(
            shorten_quoted(&bare, 8).unwrap(),
            format!("value {}… (1006 characters)", &nines[..58])
        );
    }

    #[test]
    fn long_lines_are_shown_around_the_column() {
        assert_eq!(excerpt("gamma = =", 9, 80), "gamma = =");
        let line = format!("name = \"{}\" x", "a".repeat(1000));
        let shown = excerpt(&line, 1010, 20);
        assert_eq!(shown, format!("…{}\" x", "a".repeat(17)));
        assert_eq!(excerpt(&line, 1, 10), "name = \"aa…");
        assert_eq!(excerpt(&line, 500, 10), "…aaaaaaaaaa…");
    }

    #[test]
    fn numbers_are_shortest_round_trip() {
        assert_eq!(number(1e300), "1e300");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(2.0), "2.0");
    }
}
