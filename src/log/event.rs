//! The few fields of TensorFlow's `Event` protobuf that hold a scalar, read straight off the
//! wire format (docs/verify.md#tensorboard):
//!
//! ```protobuf
//! message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3;
//!                 Summary summary = 5; … } }
//! message Summary { repeated Value value = 1; }
//! message Summary.Value { string tag = 1; float simple_value = 2; TensorProto tensor = 8; … }
//! message TensorProto { DataType dtype = 1; bytes tensor_content = 4;
//!                       repeated float float_val = 5; repeated double double_val = 6; … }
//! ```
//!
//! PyTorch's `SummaryWriter` and Lightning write `simple_value`; Keras 3 writes a scalar
//! `tensor` (DT_FLOAT = 1, or DT_DOUBLE = 2). Every other field is skipped by its wire type.

use super::Precision;

/// A scalar of an event: its tag, value and how precise it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar<'a> {
    pub tag: &'a [u8],
    pub value: f64,
    pub precision: Precision,
}

/// An event's step and the scalars of its summary (tensors that are not float scalars are
/// left out).
pub fn decode(data: &[u8], mut scalar: impl FnMut(i64, Scalar)) -> Result<(), String> {
    let mut step = 0i64;
    let mut summaries = Vec::new();
    for field in Fields::new(data) {
        match field? {
            (2, Wire::Varint(v)) => step = v as i64,
            (5, Wire::Bytes(summary)) => summaries.push(summary),
            _ => {}
        }
    }
    for summary in summaries {
        for field in Fields::new(summary) {
            if let (1, Wire::Bytes(value)) = field?
                && let Some(found) = value_scalar(value)?
            {
                scalar(step, found);
            }
        }
    }
    Ok(())
}

fn value_scalar(data: &[u8]) -> Result<Option<Scalar<'_>>, String> {
    let mut tag: &[u8] = &[];
    let mut found = None;
    for field in Fields::new(data) {
        match field? {
            (1, Wire::Bytes(t)) => tag = t,
            (2, Wire::Fixed32(bits)) => {
                found = Some((f32::from_bits(bits) as f64, Precision::Float32))
            }
            (8, Wire::Bytes(tensor)) => found = tensor_scalar(tensor)?,
            _ => {}
        }
    }
    Ok(found.map(|(value, precision)| Scalar {
        tag,
        value,
        precision,
    }))
}

const DT_FLOAT: u64 = 1;
const DT_DOUBLE: u64 = 2;

fn tensor_scalar(data: &[u8]) -> Result<Option<(f64, Precision)>, String> {
    let mut dtype = 0;
    let mut content: &[u8] = &[];
    let mut floats = Vec::new();
    let mut doubles = Vec::new();
    for field in Fields::new(data) {
        match field? {
            (1, Wire::Varint(d)) => dtype = d,
            (4, Wire::Bytes(c)) => content = c,
            (5, Wire::Fixed32(bits)) => floats.push(f32::from_bits(bits) as f64),
            (5, Wire::Bytes(packed)) => floats.extend(
                packed
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")) as f64),
            ),
            (6, Wire::Fixed64(bits)) => doubles.push(f64::from_bits(bits)),
            (6, Wire::Bytes(packed)) => doubles.extend(
                packed
                    .chunks_exact(8)
                    .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes"))),
            ),
            _ => {}
        }
    }
    Ok(match dtype {
        DT_FLOAT if content.len() == 4 => Some((
            f32::from_le_bytes(content.try_into().expect("4 bytes")) as f64,
            Precision::Float32,
        )),
        DT_FLOAT if content.is_empty() && floats.len() == 1 => {
            Some((floats[0], Precision::Float32))
        }
        DT_DOUBLE if content.len() == 8 => Some((
            f64::from_le_bytes(content.try_into().expect("8 bytes")),
            Precision::Exact,
        )),
        DT_DOUBLE if content.is_empty() && doubles.len() == 1 => {
            Some((doubles[0], Precision::Exact))
        }
        _ => None,
    })
}

/// A field's value by wire type (groups, types 3 and 4, are refused: no event uses them).
#[derive(Debug)]
enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

/// The (field number, value) pairs of a message.
struct Fields<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Fields<'a> {
    fn new(data: &'a [u8]) -> Self {
        Fields { data, at: 0 }
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.data.get(self.at).ok_or("a varint runs past the end")?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a varint longer than 10 bytes".into())
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], String> {
        let end = usize::try_from(n)
            .ok()
            .and_then(|n| self.at.checked_add(n))
            .filter(|&end| end <= self.data.len())
            .ok_or("a field runs past the end of its message")?;
        let bytes = &self.data[self.at..end];
        self.at = end;
        Ok(bytes)
    }

    fn field(&mut self) -> Result<(u64, Wire<'a>), String> {
        let key = self.varint()?;
        let wire = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => Wire::Fixed64(u64::from_le_bytes(
                self.take(8)?.try_into().expect("8 bytes"),
            )),
            2 => {
                let length = self.varint()?;
                Wire::Bytes(self.take(length)?)
            }
            5 => Wire::Fixed32(u32::from_le_bytes(
                self.take(4)?.try_into().expect("4 bytes"),
            )),
            other => return Err(format!("wire type {other} of field {}", key >> 3)),
        };
        Ok((key >> 3, wire))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u64, Wire<'a>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.data.len() {
            return None;
        }
        let field = self.field();
        if field.is_err() {
            self.at = self.data.len();
        }
        Some(field.map_err(|e| format!("not an Event protobuf: {e}")))
    }
}

/// Protobuf encoding of events, for the tests' hand-made event files.
#[cfg(test)]
pub mod encode {
    fn varint(mut v: u64, out: &mut Vec<u8>) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    fn bytes(field: u64, data: &[u8], out: &mut Vec<u8>) {
        varint(field << 3 | 2, out);
        varint(data.len() as u64, out);
        out.extend(data);
    }

    /// An event with `wall_time`, `step` and one summary value.
    pub fn event(step: i64, value: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        varint(1 << 3 | 1, &mut out);
        out.extend(1.7e9f64.to_le_bytes());
        varint(2 << 3, &mut out);
        varint(step as u64, &mut out);
        let mut summary = Vec::new();
        bytes(1, value, &mut summary);
        bytes(5, &summary, &mut out);
        out
    }

    /// The first event of every file: `file_version`.
    pub fn file_version() -> Vec<u8> {
        let mut out = Vec::new();
        varint(1 << 3 | 1, &mut out);
        out.extend(1.7e9f64.to_le_bytes());
        bytes(3, b"brain.Event:2", &mut out);
        out
    }

    /// A `Summary.Value` with `simple_value` (PyTorch's SummaryWriter).
    pub fn simple(tag: &str, value: f32) -> Vec<u8> {
        let mut out = Vec::new();
        bytes(1, tag.as_bytes(), &mut out);
        varint(2 << 3 | 5, &mut out);
        out.extend(value.to_le_bytes());
        out
    }

    /// A `Summary.Value` with a scalar DT_FLOAT tensor in `tensor_content` (Keras 3), and
    /// summary metadata as Keras writes it.
    pub fn tensor(tag: &str, value: f32) -> Vec<u8> {
        let mut tensor = Vec::new();
        varint(1 << 3, &mut tensor);
        varint(1, &mut tensor);
        bytes(2, &[], &mut tensor);
        bytes(4, &value.to_le_bytes(), &mut tensor);
        let mut out = Vec::new();
        bytes(1, tag.as_bytes(), &mut out);
        bytes(9, b"\x12\x08\x0a\x06scalars", &mut out);
        bytes(8, &tensor, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalars(data: &[u8]) -> Result<Vec<(i64, String, f64, Precision)>, String> {
        let mut out = Vec::new();
        decode(data, |step, s| {
            out.push((
                step,
                String::from_utf8_lossy(s.tag).into_owned(),
                s.value,
                s.precision,
            ))
        })?;
        Ok(out)
    }

    #[test]
    fn simple_values_and_tensors() {
        let got = scalars(&encode::event(20, &encode::simple("lr", 0.002))).unwrap();
        assert_eq!(
            got,
            [(20, "lr".into(), 0.002f32 as f64, Precision::Float32)]
        );
        let got = scalars(&encode::event(
            3,
            &encode::tensor("epoch_learning_rate", 0.01),
        ))
        .unwrap();
        assert_eq!(
            got,
            [(
                3,
                "epoch_learning_rate".into(),
                0.01f32 as f64,
                Precision::Float32
            )]
        );
        assert_eq!(scalars(&encode::file_version()).unwrap(), []);
    }

    #[test]
    fn a_cut_message_is_an_error() {
        let event = encode::event(20, &encode::simple("lr", 0.002));
        let error = scalars(&event[..event.len() - 2]).unwrap_err();
        assert_eq!(
            error,
            "not an Event protobuf: a field runs past the end of its message"
        );
    }
}
