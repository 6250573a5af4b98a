//! TFRecord framing, as TensorFlow's `RecordWriter` writes event files:
//!
//! ```text
//! uint64 length (little-endian)
//! uint32 masked_crc32c(length)
//! byte   data[length]
//! uint32 masked_crc32c(data)
//! ```
//!
//! with `masked_crc = ((crc >> 15) | (crc << 17)) + 0xa282ead8`. Both checksums are checked;
//! CRC32C (Castagnoli) is computed here with a 256-entry table rather than pulled in as a
//! crate: twenty lines, and event files are small.

use std::fs::File;
use std::io::{BufReader, ErrorKind, Read};
use std::path::{Path, PathBuf};

use super::{LogError, MAX_RECORD, Place};

/// The reflected Castagnoli polynomial.
const POLY: u32 = 0x82f6_3b78;

const TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLY
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc = TABLE[((crc ^ byte as u32) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

pub fn masked_crc(data: &[u8]) -> u32 {
    let crc = crc32c(data);
    (crc.rotate_right(15)).wrapping_add(0xa282_ead8)
}

/// The records of one file, each checked.
pub struct Records {
    path: PathBuf,
    reader: BufReader<File>,
    record: Vec<u8>,
    index: u64,
    offset: u64,
}

impl Records {
    pub fn open(path: &Path) -> Result<Records, LogError> {
        let file = File::open(path).map_err(|e| LogError::io(path, &e))?;
        Ok(Records {
            path: path.to_path_buf(),
            reader: BufReader::with_capacity(256 << 10, file),
            record: Vec::new(),
            index: 0,
            offset: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the record last returned starts.
    pub fn place(&self) -> Place {
        Place::Record {
            index: self.index,
            offset: self.offset,
        }
    }

    pub fn error(&self, problem: impl Into<String>) -> LogError {
        LogError::at(&self.path, self.place(), problem)
    }

    /// The next record's data, `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<&[u8]>, LogError> {
        if self.index > 0 {
            self.offset += 16 + self.record.len() as u64;
        }
        self.index += 1;
        let mut header = [0u8; 12];
        let got = self.read_up_to(&mut header)?;
        if got == 0 {
            return Ok(None);
        }
        if got < 12 {
            return Err(self.error(format!(
                "truncated: the file ends {got} bytes into a 12-byte record header"
            )));
        }
        let length_bytes: [u8; 8] = header[..8].try_into().expect("8 bytes");
        let length = u64::from_le_bytes(length_bytes);
        let stored = u32::from_le_bytes(header[8..].try_into().expect("4 bytes"));
        if masked_crc(&length_bytes) != stored {
            return Err(self.error(
                "corrupted: the length's CRC does not match (not an event file, or damaged)",
            ));
        }
        if length > MAX_RECORD {
            return Err(self.error(format!(
                "a record of {length} bytes, over the limit of {MAX_RECORD} bytes for one record"
            )));
        }
        self.record.resize(length as usize + 4, 0);
        let mut record = std::mem::take(&mut self.record);
        let got = self.read_up_to(&mut record)?;
        self.record = record;
        if got < self.record.len() {
            return Err(self.error(format!(
                "truncated: the file ends {got} bytes into a record of {} bytes",
                length + 4
            )));
        }
        let (data, crc) = self.record.split_at(length as usize);
        let stored = u32::from_le_bytes(crc.try_into().expect("4 bytes"));
        if masked_crc(data) != stored {
            return Err(self.error("corrupted: the data's CRC does not match"));
        }
        self.record.truncate(length as usize);
        Ok(Some(&self.record))
    }

    /// Reads until `buf` is full or the file ends; the bytes read.
    fn read_up_to(&mut self, buf: &mut [u8]) -> Result<usize, LogError> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.reader.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(LogError::io(&self.path, &e)),
            }
        }
        Ok(filled)
    }
}

/// Whether `head` starts with a record header whose length checksum holds.
pub fn starts_with_record(head: &[u8]) -> bool {
    head.len() >= 12
        && masked_crc(&head[..8]) == u32::from_le_bytes([head[8], head[9], head[10], head[11]])
}

/// `data` framed as one record, as TensorFlow writes it: for the event files that tests and the
/// `log_event` fuzz target write.
pub fn frame(data: &[u8]) -> Vec<u8> {
    let length = (data.len() as u64).to_le_bytes();
    let mut out = length.to_vec();
    out.extend(masked_crc(&length).to_le_bytes());
    out.extend(data);
    out.extend(masked_crc(data).to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_check_values() {
        // The check value of CRC-32C, and RFC 3720's test vectors.
        assert_eq!(crc32c(b"123456789"), 0xe306_9283);
        assert_eq!(crc32c(&[0u8; 32]), 0x8a91_36aa);
        assert_eq!(crc32c(&[0xffu8; 32]), 0x62a8_ab43);
        let ascending: Vec<u8> = (0..32).collect();
        assert_eq!(crc32c(&ascending), 0x46dd_794e);
    }

    /// Every event file starts with a 24-byte `file_version` event, so with the same 12 bytes
    /// (`xxd` of any `events.out.tfevents.*`: `1800 0000 0000 0000 a37f 4b22`).
    #[test]
    fn the_header_every_event_file_starts_with() {
        let length = 24u64.to_le_bytes();
        assert_eq!(masked_crc(&length), 0x224b_7fa3);
        let framed = frame(&[0u8; 24]);
        assert!(starts_with_record(&framed));
        assert!(!starts_with_record(b"{\"iteration\": 19, \"lr\": 0.1}"));
    }
}
