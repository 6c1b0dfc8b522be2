//! Connecting to a Docker-compatible daemon: which endpoints exist ([`discovery`]), what one is
//! ([`endpoint`]), and how to open a version-negotiated client to it ([`connect`]); an image export's long
//! body can be read straight off a Unix socket or named pipe ([`socket_get`]); what differs
//! between systems is decided over an [`Os`] value ([`platform`]), and the sockets desktop products
//! lay out are found by [`known_sockets`]. Errors say what
//! happened and what the user can do ([`EngineError::hint`]).

pub mod connect;
pub mod discovery;
pub mod endpoint;
pub mod environment;
mod error;
pub mod known_sockets;
pub mod platform;
pub mod socket_get;

pub use connect::{connect, Connection, ServerInfo};
pub use discovery::{discover, Discovery};
pub use endpoint::{Endpoint, EndpointSource};
pub use environment::Environment;
pub use error::EngineError;
pub use platform::Os;
