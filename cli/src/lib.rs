//! The `modulpos` program's parts, as a library for its own tests: the database interface
//! ([`db`]), the outbox table's statements ([`store`]) and the worker ([`worker`]).

pub mod args;
pub mod db;
pub mod store;
pub mod worker;
