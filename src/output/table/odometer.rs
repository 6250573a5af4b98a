//! The decimal odometer: an iteration number kept as decimal text inside a row and advanced
//! in place, so rows that differ only in their iteration are written without formatting it.
//!
//! [`Odometer`] holds a row (fixed text, the number's digits, fixed text) and adds to the
//! digits from the right, carrying as on paper. With a step of 1, [`repeat_row`] keeps ten rows
//! (numbers ending in 0 to 9) as one block, [`Decade`]: the next ten rows are one copy of the
//! block plus, nine times in ten, one byte changed in each row. docs/performance.md measures it.

use std::io::{self, Write};
use std::ops::Range;

use super::writer::{CHUNK_BYTES, RowWriter};

/// An iteration number kept as decimal text inside a row (between a fixed prefix and suffix)
/// and advanced in place, so consecutive rows never re-format it.
#[derive(Debug, Default)]
pub(super) struct Odometer {
    bytes: Vec<u8>,
    digits: Range<usize>,
}

impl Odometer {
    /// Holds `prefix`, the number written as `digits`, and `suffix` (keeping its allocation).
    pub(super) fn reset(&mut self, prefix: &[u8], digits: &[u8], suffix: &[u8]) {
        self.bytes.clear();
        self.bytes.extend_from_slice(prefix);
        self.bytes.extend_from_slice(digits);
        self.bytes.extend_from_slice(suffix);
        self.digits = prefix.len()..prefix.len() + digits.len();
    }

    /// Holds just the number `value`.
    pub(super) fn set(&mut self, value: u64) {
        self.reset(b"", itoa::Buffer::new().format(value).as_bytes(), b"");
    }

    /// The whole row (or the digits alone after [`Odometer::set`]).
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub(super) fn digits(&self) -> &[u8] {
        &self.bytes[self.digits.clone()]
    }

    /// Adds `step` to the number, digit by digit from the right. The text may grow past
    /// u64::MAX (after the last row): it is only text.
    #[inline]
    pub(super) fn advance(&mut self, step: u64) {
        // Nine times in ten only the last digit changes: that much is inlined, the rest is not.
        if step == 1
            && self.digits.end > self.digits.start
            && let Some(last) = self.bytes.get_mut(self.digits.end - 1)
            && *last < b'9'
        {
            *last += 1;
            return;
        }
        self.carry(step);
    }

    /// [`Odometer::advance`] digit by digit.
    #[inline(never)]
    fn carry(&mut self, step: u64) {
        if step == 1 {
            return self.increment();
        }
        let mut carry = step;
        let mut position = self.digits.end;
        while carry != 0 {
            if position == self.digits.start {
                self.grow();
                position += 1;
            }
            position -= 1;
            let sum = u64::from(self.bytes[position] - b'0') + carry % 10;
            carry /= 10;
            let digit = if sum >= 10 {
                carry += 1;
                sum - 10
            } else {
                sum
            };
            self.bytes[position] = b'0' + digit as u8;
        }
    }

    /// Adds one: the last digit, unless it is a 9 (one row in ten).
    pub(super) fn increment(&mut self) {
        for digit in self.bytes[self.digits.clone()].iter_mut().rev() {
            if *digit != b'9' {
                *digit += 1;
                return;
            }
            *digit = b'0';
        }
        // 99…9 + 1: the zeros are in place, a 1 goes in front.
        self.grow();
        self.bytes[self.digits.start] = b'1';
    }

    /// One more digit, a leading zero.
    fn grow(&mut self) {
        self.bytes.insert(self.digits.start, b'0');
        self.digits.end += 1;
    }
}

/// Writes `count` copies of `row`, advancing its iteration number by `every` after each (a
/// step of 0 keeps the row as it is), and hands the buffer to `out` whenever it holds a chunk.
pub(super) fn repeat_row(
    row: &mut Odometer,
    every: u64,
    count: u64,
    writer: &mut RowWriter,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut left = count;
    if every == 1 {
        // One by one up to a number ending in 0, then ten rows at a time.
        while left > 0 && !row.digits().ends_with(b"0") {
            writer.buffer.extend_from_slice(row.bytes());
            row.increment();
            left -= 1;
        }
        while left >= 10 {
            let mut decade = Decade::new(row);
            loop {
                writer.buffer.extend_from_slice(&decade.bytes);
                left -= 10;
                writer.flush_if_full(out)?;
                if left < 10 || !decade.advance() {
                    break;
                }
            }
            *row = decade.following();
        }
    }
    while left > 0 {
        // Rows that fit before the chunk is full, so the loop below has no flush test.
        let room = CHUNK_BYTES.saturating_sub(writer.buffer.len()) / row.bytes().len().max(1) + 1;
        let batch = left.min(room as u64);
        for _ in 0..batch {
            writer.buffer.extend_from_slice(row.bytes());
            row.advance(every);
        }
        left -= batch;
        writer.flush_if_full(out)?;
    }
    Ok(())
}

/// Ten consecutive rows whose iteration numbers end in 0 to 9, as one block of bytes. They share
/// every digit but the last, so the next ten rows are one more in that shared part of each copy:
/// usually one byte per row.
struct Decade {
    bytes: Vec<u8>,
    row_len: usize,
    /// Where the number sits in each row, and its digits but the last, which the rows share.
    digits: Range<usize>,
    shared: Range<usize>,
}

impl Decade {
    /// The ten rows from `first`, whose number ends in 0.
    fn new(first: &Odometer) -> Decade {
        let row = first.bytes();
        let last_digit = first.digits.end - 1;
        let mut bytes = Vec::with_capacity(10 * row.len());
        for digit in b'0'..=b'9' {
            let start = bytes.len();
            bytes.extend_from_slice(row);
            bytes[start + last_digit] = digit;
        }
        Decade {
            bytes,
            row_len: row.len(),
            digits: first.digits.clone(),
            shared: first.digits.start..last_digit,
        }
    }

    /// Moves on to the next ten rows; false, leaving the block as it is, when their numbers have
    /// one digit more (…990 to …999 is followed by …1000).
    fn advance(&mut self) -> bool {
        let Some(rising) = self.bytes[self.shared.clone()]
            .iter()
            .rposition(|&digit| digit != b'9')
        else {
            return false;
        };
        let rising = self.shared.start + rising;
        let rolling = rising + 1..self.shared.end;
        for row in self.bytes.chunks_exact_mut(self.row_len) {
            row[rising] += 1;
            // Nine decades in ten nothing rolls over: skip the (empty) fill call.
            if !rolling.is_empty() {
                row[rolling.clone()].fill(b'0');
            }
        }
        true
    }

    /// The row after the block's last.
    fn following(&self) -> Odometer {
        let mut row = Odometer {
            bytes: self.bytes[..self.row_len].to_vec(),
            digits: self.digits.clone(),
        };
        row.advance(10);
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::table::Plain;

    fn holding(prefix: &[u8], value: u64, suffix: &[u8]) -> Odometer {
        let mut text = Odometer::default();
        text.reset(prefix, itoa::Buffer::new().format(value).as_bytes(), suffix);
        text
    }

    fn advanced(start: u64, step: u64, times: usize) -> String {
        let mut text = holding(b"<", start, b">");
        for _ in 0..times {
            text.advance(step);
        }
        String::from_utf8(text.bytes().to_vec()).unwrap()
    }

    #[test]
    fn counter_carries() {
        assert_eq!(advanced(0, 1, 1), "<1>");
        assert_eq!(advanced(9, 1, 1), "<10>");
        assert_eq!(advanced(99, 1, 1), "<100>");
        assert_eq!(advanced(98, 1, 3), "<101>");
        assert_eq!(advanced(1999, 1, 1), "<2000>");
        assert_eq!(advanced(0, 1, 1234), "<1234>");
    }

    #[test]
    fn counter_adds_every() {
        assert_eq!(advanced(95, 7, 1), "<102>");
        assert_eq!(advanced(7, 21, 5), "<112>");
        assert_eq!(advanced(5, 1000, 1), "<1005>");
        assert_eq!(advanced(999_999, 1_000_001, 1), "<2000000>");
        assert_eq!(advanced(0, 10, 10), "<100>");
    }

    #[test]
    fn counter_near_u64_max() {
        assert_eq!(advanced(u64::MAX - 2, 1, 2), format!("<{}>", u64::MAX));
        assert_eq!(advanced(u64::MAX - 10, 5, 2), format!("<{}>", u64::MAX));
        assert_eq!(advanced(0, u64::MAX, 1), format!("<{}>", u64::MAX));
        // Past the last row the text keeps counting, beyond u64.
        assert_eq!(advanced(u64::MAX, 1, 1), "<18446744073709551616>");
        assert_eq!(advanced(u64::MAX, u64::MAX, 1), "<36893488147419103230>");
    }

    proptest::proptest! {
        #[test]
        fn counter_matches_arithmetic(start in 0..u64::MAX / 2, step in 1..u64::MAX / 1024, times in 0..1024usize) {
            let expected = u128::from(start) + u128::from(step) * times as u128;
            proptest::prop_assert_eq!(advanced(start, step, times), format!("<{expected}>"));
        }

        #[test]
        fn repeated_rows_match_arithmetic(start in 0..2_000_000u64, every in 1..4u64, count in 0..500u64) {
            proptest::prop_assert_eq!(repeated(start, every, count), expected_rows(start, every, count));
        }

        #[test]
        fn small_counter_steps(start in 0..100_000u64, step in 1..30u64, times in 0..2000usize) {
            let expected = start + step * times as u64;
            proptest::prop_assert_eq!(advanced(start, step, times), format!("<{expected}>"));
        }
    }

    /// What `repeat_row` writes for `count` rows "<t>|" from `start`, through a flush or two.
    fn repeated(start: u64, every: u64, count: u64) -> String {
        let mut row = holding(b"<", start, b">|");
        let format = Plain;
        let mut writer = RowWriter::new(&format, &[]);
        let mut out = Vec::new();
        repeat_row(&mut row, every, count, &mut writer, &mut out).unwrap();
        writer.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn expected_rows(start: u64, every: u64, count: u64) -> String {
        (0..count)
            .map(|i| {
                format!(
                    "<{}>|",
                    u128::from(start) + u128::from(every) * u128::from(i)
                )
            })
            .collect()
    }

    #[test]
    fn repeated_rows_by_tens_and_ones() {
        for (start, count) in [
            (0, 0),
            (0, 1),
            (0, 10),
            (0, 101),
            (7, 3),
            (7, 30),
            (95, 20),
            (990, 25),
            (999_995, 12),
            (u64::MAX - 25, 26),
        ] {
            assert_eq!(
                repeated(start, 1, count),
                expected_rows(start, 1, count),
                "{start} {count}"
            );
        }
        // Longer than a chunk: the rows go out in several writes, none lost or repeated.
        assert_eq!(repeated(0, 1, 20_000), expected_rows(0, 1, 20_000));
        assert_eq!(repeated(3, 7, 20_000), expected_rows(3, 7, 20_000));
    }

    #[test]
    fn fixed_rows_repeat_unchanged() {
        let mut row = Odometer::default();
        row.reset(b"0.1\n", b"", b"");
        let format = Plain;
        let mut writer = RowWriter::new(&format, &[]);
        let mut out = Vec::new();
        repeat_row(&mut row, 0, 3, &mut writer, &mut out).unwrap();
        writer.finish(&mut out).unwrap();
        assert_eq!(out, b"0.1\n0.1\n0.1\n");
    }
}
