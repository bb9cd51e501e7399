//! Reading [`ValidationOptions`] from the JSON callers give (`mk_validate`'s `options_json`):
//! `{"allow_unknown_values":bool,"strict":bool}`; `null` or `{}` means the defaults. Every error
//! names its field.

use serde_json::Value;

use super::ValidationOptions;
use crate::error::{Error, Result};

impl ValidationOptions {
    /// Read the options from a parsed JSON value; unknown fields are refused.
    pub fn from_json(value: &Value) -> Result<ValidationOptions> {
        let mut options = ValidationOptions::default();
        let map = match value {
            Value::Null => return Ok(options),
            Value::Object(map) => map,
            _ => {
                return Err(Error::invalid_argument(
                    Some("options_json"),
                    "must be a JSON object",
                ))
            }
        };
        for (key, v) in map {
            match (key.as_str(), v) {
                ("allow_unknown_values", Value::Bool(b)) => options.allow_unknown_values = *b,
                ("strict", Value::Bool(b)) => options.strict = *b,
                ("allow_unknown_values" | "strict", _) => {
                    return Err(Error::invalid_argument(Some(key), "must be true or false"))
                }
                _ => {
                    return Err(Error::invalid_argument(
                        Some(key),
                        "unknown field; expected allow_unknown_values or strict",
                    ))
                }
            }
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn options_name_the_field_of_every_error() {
        assert!(
            !ValidationOptions::from_json(&Value::Null)
                .unwrap()
                .allow_unknown_values
        );
        assert!(
            ValidationOptions::from_json(&json!({"allow_unknown_values": true}))
                .unwrap()
                .allow_unknown_values
        );
        let e = ValidationOptions::from_json(&json!({"allow_unknown_values": 1})).unwrap_err();
        assert_eq!(e.field(), Some("allow_unknown_values"));
        assert!(
            ValidationOptions::from_json(&json!({"strict": true}))
                .unwrap()
                .strict
        );
        let e = ValidationOptions::from_json(&json!({"strict": "yes"})).unwrap_err();
        assert_eq!(e.field(), Some("strict"));
        let e = ValidationOptions::from_json(&json!({"lenient": true})).unwrap_err();
        assert_eq!(e.field(), Some("lenient"));
        let e = ValidationOptions::from_json(&json!([])).unwrap_err();
        assert_eq!(e.field(), Some("options_json"));
    }
}
