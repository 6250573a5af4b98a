//! Lists and numbers as messages show them: one readable line whatever the input.
//!
//! A schedule may carry ten thousand milestones and a gamma of 1e300; an error or warning that
//! quotes them must still fit on a line. Every list and float that goes into a message goes
//! through here.

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
    fn numbers_are_shortest_round_trip() {
        assert_eq!(number(1e300), "1e300");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(2.0), "2.0");
    }
}
