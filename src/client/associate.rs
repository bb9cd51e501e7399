//! The associate request as callers give it (`mk_associate`'s `request_json`, PHP's `Associate`):
//! `{"login","password","retail_point_id","client_id"?}`.
//!
//! Read field by field rather than with a derived `Deserialize`: serde_json's errors carry no
//! field path and quote the offending value, and here the value may be the password. Every error
//! names its field and never echoes a value.

use serde_json::Value;

use super::{AssociateRequest, Secret};
use crate::error::{Error, Result};

const FIELDS: [&str; 4] = ["login", "password", "retail_point_id", "client_id"];

impl AssociateRequest {
    /// Read the request from a parsed JSON object; unknown fields are refused.
    pub fn from_json(value: &Value) -> Result<AssociateRequest> {
        let map = value.as_object().ok_or_else(|| {
            Error::invalid_argument(Some("request_json"), "must be a JSON object")
        })?;
        if let Some(key) = map.keys().find(|key| !FIELDS.contains(&key.as_str())) {
            return Err(Error::invalid_argument(
                Some(key),
                "unknown field; expected login, password, retail_point_id, client_id",
            ));
        }
        let string = |key: &str, required: bool| -> Result<Option<String>> {
            match map.get(key) {
                Some(Value::String(s)) => Ok(Some(s.clone())),
                None | Some(Value::Null) if !required => Ok(None),
                None | Some(Value::Null) => Err(Error::invalid_argument(Some(key), "is required")),
                Some(_) => Err(Error::invalid_argument(Some(key), "must be a string")),
            }
        };
        Ok(AssociateRequest {
            login: string("login", true)?.unwrap_or_default(),
            password: Secret::new(string("password", true)?.unwrap_or_default()),
            retail_point_id: string("retail_point_id", true)?.unwrap_or_default(),
            client_id: string("client_id", false)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn associate_request(value: &Value) -> Result<AssociateRequest> {
        AssociateRequest::from_json(value)
    }

    #[test]
    fn associate_request_never_echoes_values() {
        let e = associate_request(&json!({"login":"l","password":123456789,"retail_point_id":"p"}))
            .unwrap_err();
        assert_eq!(e.field(), Some("password"));
        assert!(!e.to_string().contains("123456789"));
        let e = associate_request(&json!({"login":"l","password":"p"})).unwrap_err();
        assert_eq!(e.field(), Some("retail_point_id"));
        let e = associate_request(&json!({"login":"l","password":"p","retail_point_id":"r","x":1}))
            .unwrap_err();
        assert_eq!(e.field(), Some("x"));
        let r = associate_request(
            &json!({"login":"l","password":"p","retail_point_id":"r","client_id":null}),
        )
        .unwrap();
        assert_eq!(r.client_id, None);
    }
}
