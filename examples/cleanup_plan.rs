//! The cleanup benchmark's in-process half (`make bench`, bench/cleanup.py): reads the daemon's
//! images and containers once, then times what the window recomputes after each change of
//! policy (plan, space, family tree, treemap), medians of 50. Prints JSON.

use std::time::Instant;

use strata::cleanup::{self, Policy, Retention};
use strata::inventory::shared::LayerCache;

fn median_ms(mut work: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..50)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let label = std::env::args().nth(1);
    let discovery = strata::engine::discover(&strata::engine::Environment::from_process());
    let connection = strata::engine::connect(discovery.preferred_endpoint()).await.expect("a daemon");
    // Cold: every image's layers asked of the daemon; warm: read from the user's cache file.
    let started = Instant::now();
    cleanup::gather(&connection.docker, &LayerCache::default()).await.expect("the facts");
    let gather_cold_ms = started.elapsed().as_secs_f64() * 1000.0;
    cleanup::gather(&connection.docker, &LayerCache::user()).await.expect("the facts");
    let started = Instant::now();
    let facts = cleanup::gather(&connection.docker, &LayerCache::user()).await.expect("the facts");
    let gather_ms = started.elapsed().as_secs_f64() * 1000.0;
    let policy = Policy {
        retention: Retention { keep_newest: Some(3), keep_tags: vec!["latest".into()], ..Default::default() },
        label,
        ..Default::default()
    };
    let now = strata::format::now();
    let plan_ms = median_ms(|| {
        std::hint::black_box(cleanup::plan(&facts, &policy, now));
    });
    let replan_ms = median_ms(|| {
        let plan = cleanup::plan(&facts, &policy, now);
        let space = cleanup::space(&facts, None, &policy, now);
        let family = cleanup::family_tree(&facts.images);
        let map = cleanup::space::treemap(&space, strata::chart::ChartTheme::Light, (640, 300)).expect("a treemap");
        std::hint::black_box((plan, family, map));
    });
    let items = cleanup::plan(&facts, &policy, now).items.len();
    println!(
        "{}",
        serde_json::json!({"images": facts.images.len(), "items": items, "gather_cold_ms": gather_cold_ms, "gather_ms": gather_ms, "plan_ms": plan_ms, "replan_ms": replan_ms})
    );
}
