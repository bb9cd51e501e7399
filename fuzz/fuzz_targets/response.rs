//! Any body a server (or a proxy, or an attacker on the path) may answer with, through every
//! response parser, with the status a 2xx or an error would carry. Never a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((&b, rest)) => (
            if b & 1 == 0 {
                200
            } else {
                400 + u16::from(b % 200)
            },
            rest,
        ),
        None => (200, data),
    };
    modulpos::fuzzing::response_body(body, status);
});
