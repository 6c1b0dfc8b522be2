//! Cleanup, planned before it acts: which images to remove and exactly how many bytes each frees
//! given the images that stay ([`plan`]). Groundwork for the visual-cleanup issue: the categories
//! and the byte accounting are here; applying a plan, the CLI and the window are still to come.

pub mod plan;

pub use plan::{plan, select, ImageFacts, Plan, PlanItem, Policy, Reason};
