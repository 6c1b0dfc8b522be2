//! Cleanup that is exact, visual and safe: where the space is ([`space`], [`family`]), a plan of
//! what to remove with the bytes each item frees given what stays ([`plan`]), and carrying it out
//! without ever touching what is in use ([`apply`]). Facts come from the image and container
//! lists ([`facts`]); the daemon's slow `/system/df` ([`df`]) is read only for volumes and the
//! build cache.

pub mod apply;
pub mod df;
pub mod facts;
pub mod family;
pub mod plan;
pub mod space;

pub use apply::{apply, restore, ApplyEvent, ApplyOptions, ApplyReport, Outcome};
pub use df::{daemon_usage, BuildCacheFacts, DaemonUsage, VolumeUsage};
pub use facts::{gather, survey, ContainerFacts, Facts, ImageFacts};
pub use family::{family_tree, Branch};
pub use plan::{parse_repository_rule, plan, ItemKind, Plan, PlanItem, Policy, Reason, Retention};
pub use space::{space, Category, Space};
