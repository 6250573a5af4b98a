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
    fn numbers_are_shortest_round_trip() {
        assert_eq!(number(1e300), "1e300");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(2.0), "2.0");
    }
}
