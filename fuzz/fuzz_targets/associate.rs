//! `mk_associate`'s request JSON, parsed and checked as before anything is sent: an envelope,
//! never a crash, never the password in a message, and a path that stays one segment.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let envelope = modulpos::fuzzing::associate_request(text);
    let e = common::serde_json_lite::parse(&envelope);
    if e.ok {
        // {"ok":true,"data":"/v1/associate/<one segment>[?clientId=...]"}
        let path = envelope
            .strip_prefix(r#"{"ok":true,"data":"/v1/associate/"#)
            .expect("the associate path");
        let segment = path.split(['?', '"']).next().unwrap();
        assert!(!segment.is_empty() && !segment.contains('/'), "{envelope}");
        assert!(segment != "." && segment != "..", "{envelope}");
    }
});
