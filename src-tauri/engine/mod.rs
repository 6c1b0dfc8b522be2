//! Connecting to a Docker-compatible daemon: which endpoints exist ([`discovery`]), what one is
//! ([`endpoint`]), and how to open a version-negotiated client to it ([`connect`]). Errors say what
//! happened and what the user can do ([`EngineError::hint`]).

pub mod connect;
pub mod discovery;
pub mod endpoint;
mod error;

pub use connect::{connect, Connection, ServerInfo};
pub use discovery::{discover, Discovery, Environment};
pub use endpoint::{Endpoint, EndpointSource};
pub use error::EngineError;
