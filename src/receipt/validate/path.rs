//! The JSON path of a value in the document (`inventPositions[0].price`), and a JSON object
//! paired with its path.

use std::fmt;

use serde_json::{Map, Value};

/// The JSON path of a value, e.g. `inventPositions[0].price`: borrowed parts, written out as
/// text only when an issue is recorded, so a valid field costs no string.
#[derive(Clone, Copy)]
pub(super) enum Path<'p> {
    /// The document itself (the empty path).
    Root,
    /// `parent.key`, or just `key` under the root.
    Key(&'p Path<'p>, &'p str),
    /// `parent.key[index]`.
    Item(&'p Path<'p>, &'p str, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Path::Root => Ok(()),
            Path::Key(parent, key) => {
                if !matches!(parent, Path::Root) {
                    write!(f, "{parent}.")?;
                }
                f.write_str(key)
            }
            Path::Item(parent, key, index) => write!(f, "{}[{index}]", Path::Key(parent, key)),
        }
    }
}

/// A JSON object and its path in the document.
pub(super) struct Obj<'v, 'p> {
    map: &'v Map<String, Value>,
    pub(super) path: Path<'p>,
    /// A 64-bit signature of the keys present (see [`key_bit`]): most keys the rules ask for are
    /// optional and absent, and a clear bit answers "absent" without searching the map.
    keys: u64,
}

/// The signature bit of a key: from its length and its first and last bytes, which tell every
/// key of the model apart in practice. Two keys may share a bit; then the map is searched.
fn key_bit(key: &str) -> u64 {
    let b = key.as_bytes();
    let (first, last) = (
        b.first().copied().unwrap_or(0),
        b.last().copied().unwrap_or(0),
    );
    let h = (b.len() as u32)
        .wrapping_mul(31)
        .wrapping_add(u32::from(first).wrapping_mul(7))
        .wrapping_add(u32::from(last).wrapping_mul(13));
    1 << (h % 64)
}

impl<'v, 'p> Obj<'v, 'p> {
    pub(super) fn new(map: &'v Map<String, Value>, path: Path<'p>) -> Self {
        let keys = map.keys().fold(0, |bits, key| bits | key_bit(key));
        Obj { map, path, keys }
    }
}

impl<'v> Obj<'v, '_> {
    /// The path of `key` in this object.
    pub(super) fn path_of<'s>(&'s self, key: &'s str) -> Path<'s> {
        Path::Key(&self.path, key)
    }

    /// The path of item `index` of the array at `key` in this object.
    pub(super) fn item_path<'s>(&'s self, key: &'s str, index: usize) -> Path<'s> {
        Path::Item(&self.path, key, index)
    }

    /// The value of `key`; `null` counts as absent.
    pub(super) fn get(&self, key: &str) -> Option<&'v Value> {
        if self.keys & key_bit(key) == 0 {
            return None;
        }
        self.map.get(key).filter(|v| !v.is_null())
    }
}
