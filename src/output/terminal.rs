//! Text for people at a terminal: aligned tables.

/// Columns padded to their widest cell, numbers right-aligned, the last column unpadded.
pub fn aligned(headers: &[String], rows: &[Vec<String>], numeric: &[bool]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let last = headers.len().saturating_sub(1);
    for row in std::iter::once(headers).chain(rows.iter().map(Vec::as_slice)) {
        let mut line = String::new();
        for (index, cell) in row.iter().enumerate() {
            if index > 0 {
                line.push_str("  ");
            }
            let pad = widths[index] - cell.chars().count();
            if numeric.get(index).copied().unwrap_or(false) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if index != last {
                    line.push_str(&" ".repeat(pad));
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns() {
        let headers = vec!["phase".to_string(), "first".to_string(), "what".to_string()];
        let rows = vec![
            vec!["warmup".to_string(), "0".to_string(), "ramp".to_string()],
            vec!["decay1".to_string(), "100".to_string(), "x".to_string()],
        ];
        assert_eq!(
            aligned(&headers, &rows, &[false, true, false]),
            "phase   first  what\nwarmup      0  ramp\ndecay1    100  x\n"
        );
    }
}
