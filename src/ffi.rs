//! The C ABI: the only `extern "C"` and `unsafe` code of the crate. (Being built: see issue 3.)
