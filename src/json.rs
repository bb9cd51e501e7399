//! JSON text in: serde_json's parser, but a key twice in one object is an error naming the key
//! and where it is (`inventPositions[0].price`), instead of the last one silently winning. A
//! config with two `password`s or a receipt with two `id`s means two different things to two
//! readers; refusing it is the only safe reading.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Value};

/// Why the text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonError {
    /// Not JSON (serde_json's message, with line and column).
    Syntax(String),
    /// A key given twice in one object: the key's JSON path (e.g. `inventPositions[0].price`).
    DuplicateKey(String),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Syntax(e) => write!(f, "is not valid JSON: {e}"),
            JsonError::DuplicateKey(path) => write!(f, "has the key `{path}` twice"),
        }
    }
}

/// Marks the serde error that carries a duplicate key's path.
const DUPLICATE: &str = "\u{0}duplicate key\u{0}";

/// Parse JSON text, refusing duplicate keys. serde_json's recursion limit (128) still refuses deep
/// nesting.
pub fn from_str_strict(text: &str) -> Result<Value, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Strict { place: Place::Root }
        .deserialize(&mut deserializer)
        .and_then(|v| deserializer.end().map(|()| v));
    value.map_err(|e| {
        let text = e.to_string();
        match text.strip_prefix(DUPLICATE) {
            // serde_json appends " at line L column C"; the path stands before it.
            Some(rest) => JsonError::DuplicateKey(
                rest.rsplit_once(" at line ")
                    .map_or(rest, |(path, _)| path)
                    .to_owned(),
            ),
            None => JsonError::Syntax(text),
        }
    })
}

/// Where a value is: its parent's place and the step from there, borrowed from the parser's
/// stack, so a valid document costs no path at all; it is written out only for a duplicate key.
#[derive(Clone, Copy)]
enum Place<'p> {
    Root,
    Key(&'p Place<'p>, &'p str),
    Index(&'p Place<'p>, usize),
}

fn render(place: &Place<'_>, out: &mut String) {
    match *place {
        Place::Root => {}
        Place::Key(parent, key) => {
            render(parent, out);
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(key);
        }
        Place::Index(parent, index) => {
            render(parent, out);
            out.push('[');
            out.push_str(&index.to_string());
            out.push(']');
        }
    }
}

struct Strict<'p> {
    place: Place<'p>,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            let place = Place::Index(&self.place, items.len());
            match seq.next_element_seed(Strict { place })? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // One search of the map per key: the entry says whether the key was seen, and is
            // where the value goes.
            let slot = match out.entry(key) {
                Entry::Vacant(slot) => slot,
                Entry::Occupied(seen) => {
                    let mut path = String::new();
                    render(&Place::Key(&self.place, seen.key()), &mut path);
                    return Err(de::Error::custom(format!("{DUPLICATE}{path}")));
                }
            };
            let place = Place::Key(&self.place, slot.key());
            let value = map.next_value_seed(Strict { place })?;
            slot.insert(value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_named_with_their_path() {
        for (text, path) in [
            (r#"{"password":"a","password":"b"}"#, "password"),
            (r#"{"id":"1","x":{},"id":"2"}"#, "id"),
            (
                r#"{"inventPositions":[{"name":"a"},{"price":1,"price":2}]}"#,
                "inventPositions[1].price",
            ),
            (r#"[{"a":{"b":1,"b":1}}]"#, "[0].a.b"),
        ] {
            assert_eq!(
                from_str_strict(text),
                Err(JsonError::DuplicateKey(path.into())),
                "{text}"
            );
        }
        let e = from_str_strict(r#"{"k":1,"k":1}"#).unwrap_err();
        assert_eq!(e.to_string(), "has the key `k` twice");
    }

    #[test]
    fn everything_else_parses_as_serde_json_does() {
        for text in [
            r#"{"a":[1,-2,3.5,"x",null,true,{"b":{}}],"c":"\u00e9"}"#,
            "[]",
            "null",
            "18446744073709551615",
            "-9223372036854775808",
            "1e308",
            r#"{"a":1,"A":2}"#,
        ] {
            let strict = from_str_strict(text).unwrap();
            let plain: Value = serde_json::from_str(text).unwrap();
            assert_eq!(strict, plain, "{text}");
        }
        for bad in ["", "{", "[1,]", "{} {}", "nul", &"[".repeat(200)] {
            assert!(
                matches!(from_str_strict(bad), Err(JsonError::Syntax(_))),
                "{bad}"
            );
        }
    }
}
