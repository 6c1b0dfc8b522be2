//! How a failure is told to a person and to a program: what happened (the error's message), a
//! stable [`ErrorCode`] to branch on, and what to do about it (the hint). Every error type of the
//! engine implements [`Problem`]; [`Failure`] is the one shape both the window and the CLI
//! report, built in one place ([`Failure::from`]) so they say the same thing.

use serde::Serialize;

/// What kind of thing went wrong, as a word that does not change when the message's wording
/// does. The window and scripts branch on it; people read the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// The daemon address or endpoint cannot be used as given.
    BadEndpoint,
    /// The daemon cannot be reached, does not answer, or went away.
    DaemonUnreachable,
    /// The daemon answered with an error of its own.
    DaemonRefused,
    /// What was asked for is not there, or no longer.
    NotFound,
    /// What the user typed or chose cannot be used.
    InvalidInput,
    /// An archive, layer or file is damaged, or is not what it claims to be.
    Damaged,
    /// Reading or writing a file on this computer failed.
    FileSystem,
    /// The work stopped because the user asked it to.
    Cancelled,
    /// A build, its verification or the push failed.
    BuildFailed,
    /// A registry could not be reached, or refused what was asked.
    RegistryFailed,
    /// Strata could not do its own part (drawing a chart, a task that stopped).
    Internal,
}

/// An error that knows how to tell itself: its message (`Display`), its code and a hint.
pub trait Problem: std::fmt::Display {
    /// The stable kind of failure.
    fn code(&self) -> ErrorCode;
    /// What the user can do about it, in one sentence; empty when there is nothing to add.
    fn hint(&self) -> String;
}

/// A failure as reported: in the window (which calls it `UiError`), and in the CLI's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "UiError")]
pub struct Failure {
    /// The stable kind of failure.
    pub code: ErrorCode,
    /// What happened, in a sentence.
    pub message: String,
    /// What to do about it; empty when the message says all there is.
    pub hint: String,
}

impl Failure {
    /// A failure the engine's error types do not describe (a choice the user must make again, a
    /// task that stopped).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into(), hint: String::new() }
    }

    /// The same failure with what to do about it.
    pub fn with_hint(self, hint: impl Into<String>) -> Failure {
        Failure { hint: hint.into(), ..self }
    }
}

impl<E: Problem> From<E> for Failure {
    fn from(error: E) -> Failure {
        Failure { code: error.code(), message: error.to_string(), hint: error.hint() }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.hint.is_empty() {
            true => write!(formatter, "{}", self.message),
            false => write!(formatter, "{}. {}", self.message, self.hint),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Full;
    impl std::fmt::Display for Full {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "the disk is full")
        }
    }
    impl Problem for Full {
        fn code(&self) -> ErrorCode {
            ErrorCode::FileSystem
        }
        fn hint(&self) -> String {
            "Free some space".into()
        }
    }

    #[test]
    fn a_problem_becomes_a_failure_with_its_code_message_and_hint() {
        let failure = Failure::from(Full);
        assert_eq!(failure.code, ErrorCode::FileSystem);
        assert_eq!(failure.to_string(), "the disk is full. Free some space");
        assert_eq!(serde_json::to_value(&failure).unwrap()["code"], "file-system");
    }

    #[test]
    fn a_plain_failure_says_only_its_message() {
        let failure = Failure::new(ErrorCode::NotFound, "that entry is gone");
        assert_eq!(failure.to_string(), "that entry is gone");
        assert_eq!(failure.with_hint("Select it again").hint, "Select it again");
    }
}
