//! The `strata` binary: a subcommand runs on the command line; no subcommand opens the window.

// Keep a console window away from the desktop app on Windows release builds.
#![cfg_attr(all(not(debug_assertions), windows), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;
use strata::cli::{self, Cli};

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("STRATA_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let args = Cli::parse();
    match args.command {
        Some(command) => cli::run(args.endpoint, command),
        None => open_window(args.endpoint),
    }
}

#[cfg(feature = "gui")]
fn open_window(endpoint: Option<String>) -> ExitCode {
    match strata::app::run(endpoint) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("strata: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window(_endpoint: Option<String>) -> ExitCode {
    eprintln!(
        "strata: this build has no window (built without the `gui` feature); run `strata --help` for the subcommands"
    );
    ExitCode::FAILURE
}
