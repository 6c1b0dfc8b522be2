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
        Some(command) => {
            quiet_on_closed_pipe();
            cli::run(args.endpoint, command)
        }
        None => open_window(args.endpoint),
    }
}

/// `strata diff A B | head` must end quietly when `head` stops reading, as other command-line
/// tools do, rather than panic on the failed write: restore the default action of SIGPIPE, which
/// Rust's runtime sets to "ignore".
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called once at start, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
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
