//! What a wrapper checks when it loads the library: the library version and the C ABI version.

use std::ffi::{c_char, CStr};

use super::MK_ABI_VERSION;

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("the package version contains a NUL byte"),
    };

/// The library version (e.g. `"0.1.0"`): a static string, never freed. Thread-safe.
#[no_mangle]
pub extern "C" fn mk_version() -> *const c_char {
    VERSION.as_ptr()
}

/// The C ABI version: 1. Wrappers check it when they load the library. Thread-safe.
#[no_mangle]
pub extern "C" fn mk_abi_version() -> u32 {
    MK_ABI_VERSION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_strings() {
        let v = unsafe { CStr::from_ptr(mk_version()) }.to_str().unwrap();
        assert_eq!(v, env!("CARGO_PKG_VERSION"));
        assert_eq!(mk_abi_version(), 1);
    }
}
