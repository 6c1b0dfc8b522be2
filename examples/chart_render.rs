//! The chart benchmark (`make bench`): how long one stats chart takes to draw — an hour of
//! one-second points (3,600) in two series, and a 60-point sparkline — medians of 200 renders.

use std::time::Instant;

use strata::chart::{line_chart, sparkline, ChartTheme, LineChart, Series, Unit};

fn median_ms(mut render: impl FnMut()) -> f64 {
    render(); // the font is registered on the first chart
    let mut times: Vec<f64> = (0..200)
        .map(|_| {
            let started = Instant::now();
            render();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let hour: Vec<(f64, f64)> = (0..3600).map(|i| (i as f64 - 3600.0, 40.0 + 30.0 * (i as f64 / 90.0).sin())).collect();
    let series = [Series { label: "cpu".into(), points: hour.clone() }, Series { label: "other".into(), points: hour }];
    let plan = LineChart {
        title: "CPU",
        series: &series,
        unit: Unit::Percent,
        window_seconds: 3600.0,
        ceiling: Some(100.0),
        theme: ChartTheme::Light,
    };
    let chart = median_ms(|| {
        line_chart(&plan, (800, 260)).expect("a chart");
    });
    let values: Vec<f64> = (0..60).map(|i| (i as f64 / 7.0).sin().abs()).collect();
    let spark = median_ms(|| {
        sparkline(&values, Some(1.0), ChartTheme::Light, (90, 22)).expect("a sparkline");
    });
    println!("| chart | median ms (target <= 5) |\n|---|---:|");
    println!("| line chart, 2 × 3,600 points, 800×260 | {chart:.3} |");
    println!("| sparkline, 60 points | {spark:.3} |");
}
