//! Reading what C passes in: borrowed strings (NULL, size and UTF-8 checks), JSON text (strict:
//! depth limit, no duplicate keys) and client handles. Every refusal is an `invalid_argument`
//! error naming the argument.

use std::ffi::c_char;

use serde_json::Value;

use super::{MkClient, MK_MAX_INPUT_BYTES};
use crate::client::Client;
use crate::error::{Error, Result};

/// Read a borrowed C string argument: not NULL, at most [`MK_MAX_INPUT_BYTES`], valid UTF-8.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string (the scan stops after
/// `MK_MAX_INPUT_BYTES + 1` bytes, so a longer string is refused without being read to its end).
pub(super) unsafe fn read_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Error::invalid_argument(Some(name), "must not be NULL"));
    }
    // SAFETY: `ptr` is non-NULL and NUL-terminated (caller contract).
    let len = unsafe { bounded_len(ptr, MK_MAX_INPUT_BYTES + 1) };
    if len > MK_MAX_INPUT_BYTES {
        return Err(Error::invalid_argument(
            Some(name),
            format!("is larger than {MK_MAX_INPUT_BYTES} bytes"),
        ));
    }
    // SAFETY: the `len` bytes before the NUL were just measured and are borrowed for the call.
    let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
    std::str::from_utf8(bytes).map_err(|e| {
        Error::invalid_argument(
            Some(name),
            format!("is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })
}

/// The length of the NUL-terminated string at `ptr`, reading at most `max` bytes (`max` when
/// no NUL comes first): libc's strnlen.
///
/// # Safety
/// `ptr` points to a NUL-terminated string or to at least `max` readable bytes.
#[cfg(not(miri))]
unsafe fn bounded_len(ptr: *const c_char, max: usize) -> usize {
    // SAFETY: caller contract; strnlen reads at most `max` bytes and stops at the NUL.
    unsafe { libc::strnlen(ptr, max) }
}

/// The same, byte by byte: miri cannot call into libc, and this way it checks every byte read
/// (tests/miri/run.sh).
///
/// # Safety
/// As above.
#[cfg(miri)]
unsafe fn bounded_len(ptr: *const c_char, max: usize) -> usize {
    // SAFETY: caller contract: every byte up to the NUL, at most `max`, is readable.
    (0..max)
        .find(|&i| unsafe { *ptr.add(i) } == 0)
        .unwrap_or(max)
}

/// Like [`read_str`], but NULL means "not given".
pub(super) unsafe fn read_optional_str<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: same contract as `read_str`, passed on.
        unsafe { read_str(ptr, name) }.map(Some)
    }
}

/// Parse JSON text; serde_json's recursion limit (128) refuses deep nesting, and a key twice in
/// one object is refused naming it (`field` is then the key's path).
pub(crate) fn parse_json(text: &str, name: &str) -> Result<Value> {
    crate::json::from_str_strict(text).map_err(|e| match e {
        crate::json::JsonError::DuplicateKey(path) => Error::invalid_argument(
            Some(&path),
            format!("`{name}` has the key `{path}` twice; give every key once"),
        ),
        syntax => Error::invalid_argument(Some(name), syntax.to_string()),
    })
}

/// # Safety
/// `ptr` is NULL or a handle from `mk_client_new` not yet freed.
pub(super) unsafe fn client_ref<'a>(ptr: *const MkClient) -> Result<&'a Client> {
    // SAFETY: `ptr` is NULL or a live handle from `mk_client_new` (caller contract).
    unsafe { ptr.as_ref() }
        .map(|handle| &handle.client)
        .ok_or_else(|| Error::invalid_argument(Some("client"), "must not be NULL"))
}
