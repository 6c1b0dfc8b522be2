//! Strata's engine: everything the desktop app and the command line share.
//!
//! - [`engine`]: find daemons (DOCKER_HOST, contexts, Podman) and connect to one.
//! - [`image`]: an image as its layers — whiteouts, opaque directories, the merged tree.
//! - [`diff`]: two images compared — files, config, history.
//! - [`project`]: project folders built into images — `.dockerignore`, context, build, verify, tag
//!   (named `project`, not `build`, because `build.rs` is the package's build script).
//! - [`inventory`]: what a daemon holds — images, containers — as rows, and container actions.
//! - [`live`]: a view of one daemon kept fresh by its event stream, reconnecting by itself.
//! - [`stats`]: live container stats computed as `docker stats` does, with an hour of history.
//! - [`chart`]: line charts and sparklines drawn with plotters, as SVG.
//! - [`cleanup`]: cleanup plans with the exact bytes each removal frees (groundwork).
//! - [`file_names`]: which names a file written on this system may have (Windows refuses many).
//! - [`names`]: what image references and container names may look like, checked before a request.
//! - [`platform`]: which platform of a multi-platform image to read (`--platform linux/arm64`).
//! - [`progress`]: how long work tells its listeners how far it is, and how they cancel it.
//! - [`cli`]: the subcommands, printing tables or JSON.
//! - `app` (feature `gui`): the Tauri window, a thin adapter over the above.

#![warn(missing_docs)]

pub mod audit;
pub mod binaries;
pub mod chart;
pub mod cleanup;
pub mod cli;
pub mod diff;
pub mod engine;
pub mod file_names;
pub mod files;
pub mod format;
pub mod image;
pub mod in_place;
pub mod inventory;
pub mod live;
pub mod names;
pub mod platform;
pub mod problem;
pub mod progress;
pub mod project;
pub mod registry;
pub mod sbom;
pub mod secrets;
pub mod stats;
pub mod vulns;

#[cfg(feature = "gui")]
pub mod app;
