//! Which operating system Strata runs on, as a value rather than a `cfg`, so that everything that
//! differs between Linux, macOS and Windows — where daemons are found, which transports exist,
//! whether Docker's data lives on this machine — is plain logic over an [`Os`], tested on every
//! platform with the others' rules. The one `cfg` that picks the running system is here.

use serde::Serialize;

/// An operating system Strata is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    /// Linux, and other Unix systems that run a Docker daemon natively.
    Linux,
    /// macOS, where every Docker daemon runs in a Linux virtual machine.
    MacOs,
    /// Windows, where Linux containers run in a virtual machine (WSL 2 or Hyper-V).
    Windows,
}

impl Os {
    /// The system this build runs on.
    pub const CURRENT: Os = if cfg!(windows) {
        Os::Windows
    } else if cfg!(target_os = "macos") {
        Os::MacOs
    } else {
        Os::Linux
    };

    /// Whether a local daemon for Linux containers runs inside a virtual machine here, so that
    /// its data disk is the machine's, not one of this computer's.
    pub fn runs_linux_daemons_in_a_vm(self) -> bool {
        self != Os::Linux
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_linux_runs_linux_daemons_without_a_vm() {
        assert!(!Os::Linux.runs_linux_daemons_in_a_vm());
        assert!(Os::MacOs.runs_linux_daemons_in_a_vm() && Os::Windows.runs_linux_daemons_in_a_vm());
    }
}
