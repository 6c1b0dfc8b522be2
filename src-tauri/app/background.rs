//! Work a command waits for that would hold up the window's thread or the runtime's workers for
//! long — reading a whole image, comparing two, scanning for secrets — run on the blocking pool,
//! with a panic in it said as an internal failure instead of a command that never answers.

use crate::problem::{ErrorCode, Failure};

/// Runs `work` on the blocking pool and returns what it returned; `doing` names it for the
/// failure should it panic ("reading the image").
pub async fn in_background<T: Send + 'static>(
    doing: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Failure> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| Failure::new(ErrorCode::Internal, format!("{doing} stopped: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_answers_with_what_it_returned_and_a_panic_as_an_internal_failure() {
        tauri::async_runtime::block_on(async {
            assert_eq!(in_background("adding", || 2 + 2).await.unwrap(), 4);
            let failed = in_background("reading the image", || -> u32 { panic!("a bug") }).await.unwrap_err();
            assert_eq!(failed.code, ErrorCode::Internal);
            assert!(failed.message.starts_with("reading the image stopped"), "{}", failed.message);
        });
    }
}
