//! The receipt model: serde types for the wire JSON, exact money, the code tables and every
//! validation rule. (Being built: see issue 3.)
