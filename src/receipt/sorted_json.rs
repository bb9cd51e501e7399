//! JSON text with every object's keys in sorted order, written straight from a `Serialize` value.
//!
//! serde_json's `Value` keeps object keys sorted (this crate does not enable `preserve_order`), so
//! the C ABI's envelopes, built through `Value`, list keys alphabetically. [`write`] writes the
//! same text, byte for byte, as `serde_json::to_string(&serde_json::to_value(value)?)` without
//! building the `Value` tree: a struct's fields are written in declaration order, then its text
//! is rewritten in key order (through one scratch buffer shared by the whole value).
//!
//! It covers what the receipt model is made of: structs, sequences and tuples, options, unit
//! variants, newtype structs, booleans, integers up to 64 bits, `f64`, chars and strings. Anything
//! else (maps, enum variants with data, `f32`, 128-bit integers, bytes, two fields of one name)
//! is [`Unsupported`], and the caller takes the `Value` route instead.

use std::fmt;

use serde::ser::{self, Impossible, Serialize};

/// The value has a shape [`write`] does not write (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value shape the sorted JSON writer does not support")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Unsupported
    }
}

/// Appends the JSON text of `value` with sorted object keys (the text of its serde_json `Value`)
/// to `out`. Only serde_json's writer and ASCII punctuation write to `out`, so the text is UTF-8
/// and has no NUL byte. On `Err`, `out` holds a partial text the caller discards.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Unsupported> {
    let mut scratch = Vec::new();
    value.serialize(Writer {
        out,
        scratch: &mut scratch,
    })
}

/// Writes one value to `out`; `scratch` is the buffer structs reorder themselves through.
struct Writer<'a> {
    out: &'a mut Vec<u8>,
    scratch: &'a mut Vec<u8>,
}

impl Writer<'_> {
    /// A scalar, written by serde_json exactly as it prints the scalar inside a `Value`.
    fn scalar<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        serde_json::to_writer(&mut *self.out, value).map_err(|_| Unsupported)
    }
}

impl<'a> ser::Serializer for Writer<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = SeqWriter<'a>;
    type SerializeTuple = SeqWriter<'a>;
    type SerializeTupleStruct = SeqWriter<'a>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = StructWriter<'a>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.scalar(&v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Unsupported> {
        self.scalar(&v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Unsupported> {
        self.scalar(&v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        self.scalar(&v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        self.scalar(&v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        self.scalar(&v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Unsupported> {
        self.scalar(&v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        self.scalar(&v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        self.scalar(&v)
    }
    /// `Value` widens an `f32` to `f64` and prints more digits than serde_json's `f32` form.
    fn serialize_f32(self, _v: f32) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    /// A non-finite double is `null` both here and in a `Value`.
    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        self.scalar(&v)
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.scalar(&v)
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.scalar(v)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Unsupported> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.scalar(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<SeqWriter<'a>, Unsupported> {
        self.out.push(b'[');
        Ok(SeqWriter {
            out: self.out,
            scratch: self.scratch,
            first: true,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqWriter<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqWriter<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<StructWriter<'a>, Unsupported> {
        Ok(StructWriter {
            start: self.out.len(),
            out: self.out,
            scratch: self.scratch,
            fields: Vec::with_capacity(len),
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

/// A JSON array, written in place.
struct SeqWriter<'a> {
    out: &'a mut Vec<u8>,
    scratch: &'a mut Vec<u8>,
    first: bool,
}

impl SeqWriter<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        value.serialize(Writer {
            out: self.out,
            scratch: self.scratch,
        })
    }

    fn close(self) -> Result<(), Unsupported> {
        self.out.push(b']');
        Ok(())
    }
}

impl ser::SerializeSeq for SeqWriter<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close()
    }
}

impl ser::SerializeTuple for SeqWriter<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for SeqWriter<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close()
    }
}

/// A JSON object: the field values are written to `out` as they come, then the text from `start`
/// on is rewritten with the keys, in key order.
struct StructWriter<'a> {
    out: &'a mut Vec<u8>,
    scratch: &'a mut Vec<u8>,
    /// Where this object's text begins in `out`.
    start: usize,
    /// Key and the range of its value in `out`.
    fields: Vec<(&'static str, usize, usize)>,
}

impl ser::SerializeStruct for StructWriter<'_> {
    type Ok = ();
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        let start = self.out.len();
        value.serialize(Writer {
            out: self.out,
            scratch: self.scratch,
        })?;
        self.fields.push((key, start, self.out.len()));
        Ok(())
    }

    fn end(mut self) -> Result<(), Unsupported> {
        // The order of a `Value` map: by the key's text (a `String` compares bytewise).
        self.fields.sort_unstable_by(|a, b| a.0.cmp(b.0));
        if self.fields.windows(2).any(|pair| pair[0].0 == pair[1].0) {
            // A `Value` would keep only the last; not worth imitating.
            return Err(Unsupported);
        }
        // The values move to the scratch buffer and come back between their keys.
        self.scratch.clear();
        self.scratch.extend_from_slice(&self.out[self.start..]);
        self.out.truncate(self.start);
        self.out.push(b'{');
        for (i, (key, start, end)) in self.fields.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            write_key(self.out, key)?;
            self.out.push(b':');
            self.out
                .extend_from_slice(&self.scratch[start - self.start..end - self.start]);
        }
        self.out.push(b'}');
        Ok(())
    }
}

/// A key as a JSON string. serde_json escapes exactly `"`, `\` and the control characters below
/// U+0020; a key without them (every field name of the receipt model) is copied as it is.
fn write_key(out: &mut Vec<u8>, key: &str) -> Result<(), Unsupported> {
    if key.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(out, key).map_err(|_| Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;

    fn to_string<T: Serialize>(value: &T) -> Result<String, Unsupported> {
        let mut out = b"prefix ".to_vec();
        write(&mut out, value)?;
        Ok(String::from_utf8(out).unwrap().split_off("prefix ".len()))
    }

    /// The reference: the text of the value's serde_json `Value`.
    fn via_value<T: Serialize>(value: &T) -> String {
        serde_json::to_string(&serde_json::to_value(value).unwrap()).unwrap()
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        zeta: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<String>,
        alpha: Vec<String>,
        #[serde(rename = "responseURL")]
        response_url: &'static str,
        #[serde(rename = "odd \"key\"\\\u{1}é")]
        odd: u8,
        response_type: Kind,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        FullPayment,
    }

    #[derive(Serialize)]
    struct Newtype(i64);

    #[derive(Serialize)]
    struct Outer {
        z: f64,
        b: bool,
        a: Vec<Inner>,
        n: Newtype,
        t: (u8, char),
        text: &'static str,
        big: u64,
        neg: i8,
        nan: f64,
        empty: Empty,
        unit: (),
    }

    #[derive(Serialize)]
    struct Empty {}

    #[test]
    fn writes_the_text_of_the_value() {
        let inner = |zeta| Inner {
            zeta,
            skipped: None,
            alpha: vec!["x\"y\\z\u{1}".into(), "Чай — 100 г".into()],
            response_url: "https://e.ru/?a=1&b=<2>",
            odd: 3,
            response_type: Kind::FullPayment,
        };
        let value = Outer {
            z: 0.1 + 0.2,
            b: true,
            a: vec![inner(Some(7)), inner(None)],
            n: Newtype(-5),
            t: (255, '€'),
            text: "\u{7f}\t\n",
            big: u64::MAX,
            neg: -128,
            nan: f64::NAN,
            empty: Empty {},
            unit: (),
        };
        let text = to_string(&value).unwrap();
        assert_eq!(text, via_value(&value));
        assert!(
            text.starts_with(r#"{"a":[{"alpha":["x\"y\\z\u0001","#),
            "{text}"
        );
        for number in [100.0, 1e300, -0.0, 5e-324, 2814749767106.55] {
            assert_eq!(to_string(&number).unwrap(), via_value(&number));
        }
    }

    #[test]
    fn other_shapes_are_unsupported() {
        assert_eq!(to_string(&json!({"a": 1})), Err(Unsupported));
        assert_eq!(to_string(&1.5f32), Err(Unsupported));
        assert_eq!(to_string(&1u128), Err(Unsupported));
        #[derive(Serialize)]
        enum WithData {
            A(u8),
        }
        assert_eq!(to_string(&WithData::A(1)), Err(Unsupported));
        #[derive(Serialize)]
        struct Twice {
            a: u8,
            #[serde(rename = "a")]
            b: u8,
        }
        assert_eq!(to_string(&Twice { a: 1, b: 2 }), Err(Unsupported));
    }
}
