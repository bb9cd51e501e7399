//! The HTTP client: one agent per client, one function per endpoint. (Being built: see issue 3.)

/// Client configuration.
#[derive(Default)]
pub struct Config {}

/// A client of the fiscalization API.
pub struct Client {}
