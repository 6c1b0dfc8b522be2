//! Two charts of where build time goes: a [`timeline`] of one build's steps (a bar from each
//! step's start to its end, cache hits drawn faint, the first miss marked) and a [`trend`] over a
//! project's builds (duration, image size and cache misses, one column per build, each column's
//! place returned so the window can open the build clicked).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;

use super::treemap::Rect;
use super::{ensure_font, value_label, ChartError, ChartTheme, Unit, FONT};

/// Height of one step's row in the timeline, in pixels.
const ROW: u32 = 22;
/// Characters of a step's label kept before "…".
const LABEL_CHARS: usize = 34;

/// One step on the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct StepBar {
    /// "3 RUN npm ci"
    pub label: String,
    /// When it began, in seconds after the build's first step.
    pub started: f64,
    /// How long it took, in seconds.
    pub seconds: f64,
    /// Whether it came from the cache.
    pub cached: bool,
    /// Whether it is the step where the cache first missed.
    pub first_miss: bool,
}

/// The height a timeline of `steps` rows is drawn at.
pub fn timeline_height(steps: usize) -> u32 {
    steps.max(1) as u32 * ROW + 56
}

/// The steps of one build as bars over its time, `width` wide and as tall as its rows need.
pub fn timeline(steps: &[StepBar], theme: ChartTheme, width: u32) -> Result<String, ChartError> {
    ensure_font();
    let height = timeline_height(steps.len());
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw_timeline(&root, steps, theme).map_err(|e| ChartError::Drawing(e.to_string()))?;
        root.present().map_err(|e| ChartError::Drawing(e.to_string()))?;
    }
    Ok(svg)
}

fn draw_timeline<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    steps: &[StepBar],
    theme: ChartTheme,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let palette = theme.palette();
    root.fill(&palette.background)?;
    let end = steps.iter().map(|s| s.started + s.seconds).fold(0.0, f64::max).max(0.1) * 1.12;
    let rows = steps.len().max(1) as f64;
    let mut chart = ChartBuilder::on(root)
        .margin(8)
        // Room for the last time label, centred on the right edge.
        .margin_right(26)
        .x_label_area_size(22)
        .y_label_area_size(230)
        .build_cartesian_2d(0.0..end, 0.0..rows)?;
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(0)
        .disable_y_mesh()
        .x_label_formatter(&|at| crate::format::seconds(*at))
        .label_style((FONT, 11).into_font().color(&palette.text))
        .axis_style(palette.axis)
        .bold_line_style(palette.grid)
        .light_line_style(palette.faint_grid)
        .draw()?;
    let ran = palette.series(0);
    let missed = palette.series(1);
    let cached = palette.limit;
    let text = (FONT, 11).into_font().color(&palette.text);
    for (index, step) in steps.iter().enumerate() {
        // The first step on the top row.
        let bottom = rows - 1.0 - index as f64;
        let colour = if step.first_miss {
            missed
        } else if step.cached {
            cached
        } else {
            ran
        };
        // A step of no time still shows as a sliver.
        let right = step.started + step.seconds.max(end / 400.0);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(step.started, bottom + 0.15), (right, bottom + 0.85)],
            colour.filled(),
        )))?;
        let words = if step.cached { "cached".to_string() } else { crate::format::seconds(step.seconds) };
        let middle = bottom + 0.5;
        chart.draw_series(std::iter::once(Text::new(
            words,
            (right + end * 0.005, middle),
            text.clone().pos(Pos::new(HPos::Left, VPos::Center)),
        )))?;
        // The step's name left of the axis, level with its bar.
        let (axis, level) = chart.backend_coord(&(0.0, middle));
        let label = crate::format::shortened(&step.label, LABEL_CHARS);
        root.draw(&Text::new(label, (axis - 8, level), text.clone().pos(Pos::new(HPos::Right, VPos::Center))))?;
    }
    Ok(())
}

/// One build in the trend.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    /// How long it took, in seconds.
    pub seconds: f64,
    /// The image's size (`None`: the build failed).
    pub size_bytes: Option<u64>,
    /// Steps that ran instead of coming from the cache.
    pub misses: usize,
    /// Whether the build passed.
    pub passed: bool,
    /// What names it under its column ("14:05", when it began).
    pub label: String,
}

/// Height of the strip under the trend that names each build, in pixels.
const LABEL_STRIP: u32 = 16;

/// A drawn trend and where each build's column is, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TrendChart {
    /// The chart as an SVG document.
    pub svg: String,
    /// The width it was drawn at, in pixels.
    pub width: u32,
    /// The height it was drawn at, in pixels.
    pub height: u32,
    /// Each build's column, in the order the points were given.
    pub columns: Vec<Rect>,
}

/// Duration, image size and cache misses of `points` (oldest first), one column each.
pub fn trend(points: &[TrendPoint], theme: ChartTheme, (width, height): (u32, u32)) -> Result<TrendChart, ChartError> {
    ensure_font();
    let mut svg = String::new();
    let columns;
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        columns = draw_trend(&root, points, theme).map_err(|e| ChartError::Drawing(e.to_string()))?;
        root.present().map_err(|e| ChartError::Drawing(e.to_string()))?;
    }
    Ok(TrendChart { svg, width, height, columns })
}

/// Which of a build's figures a row of the trend shows.
#[derive(Clone, Copy)]
enum Figure {
    Seconds,
    Size,
    Misses,
}

fn draw_trend<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    points: &[TrendPoint],
    theme: ChartTheme,
) -> Result<Vec<Rect>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let palette = theme.palette();
    root.fill(&palette.background)?;
    let height = root.dim_in_pixel().1;
    let (charts, _) = root.split_vertically(height.saturating_sub(LABEL_STRIP));
    let rows = charts.split_evenly((3, 1));
    let mut columns = Vec::new();
    for (area, figure) in rows.iter().zip([Figure::Seconds, Figure::Size, Figure::Misses]) {
        let placed = draw_trend_row(area, points, theme, figure)?;
        if columns.is_empty() {
            columns = placed;
        }
    }
    draw_column_labels(root, points, &columns, theme)?;
    // A column spans all three rows and its label.
    let (top, bottom) = (0.0, f64::from(height));
    Ok(columns.into_iter().map(|c| Rect { y: top, h: bottom - top, ..c }).collect())
}

/// Each build's label under its column; when columns are too narrow for every label, every
/// second (third…) one, the newest always.
fn draw_column_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    points: &[TrendPoint],
    columns: &[Rect],
    theme: ChartTheme,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    // About 6 px a character at this size, and a gap.
    let widest = points.iter().map(|point| point.label.chars().count()).max().unwrap_or(0);
    let label_width = widest as f64 * 6.0 + 10.0;
    let Some(width) = columns.first().map(|c| c.w) else { return Ok(()) };
    let every = (label_width / width.max(1.0)).ceil().max(1.0) as usize;
    let text = (FONT, 10).into_font().color(&theme.palette().text).pos(Pos::new(HPos::Center, VPos::Top));
    let y = root.dim_in_pixel().1.saturating_sub(LABEL_STRIP) as i32 + 3;
    let last = columns.len().saturating_sub(1);
    for (index, (point, column)) in points.iter().zip(columns).enumerate() {
        if (last - index).is_multiple_of(every) {
            let x = (column.x + column.w / 2.0).round() as i32;
            root.draw(&Text::new(point.label.as_str(), (x, y), text.clone()))?;
        }
    }
    Ok(())
}

fn draw_trend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    points: &[TrendPoint],
    theme: ChartTheme,
    figure: Figure,
) -> Result<Vec<Rect>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let palette = theme.palette();
    let value = |point: &TrendPoint| match figure {
        Figure::Seconds => point.seconds,
        Figure::Size => point.size_bytes.unwrap_or(0) as f64,
        Figure::Misses => point.misses as f64,
    };
    let (title, unit_words): (&str, fn(f64) -> String) = match figure {
        Figure::Seconds => ("Build time", crate::format::seconds),
        Figure::Size => ("Image size", |v| value_label(v, Unit::Bytes)),
        Figure::Misses => ("Steps not cached", |v| format!("{v:.0}")),
    };
    let least = match figure {
        Figure::Size => 1000.0,
        _ => 1.0,
    };
    let highest = points.iter().map(value).fold(0.0, f64::max).max(least);
    // Sizes change by a little of their whole: their scale starts near the smallest, so a
    // change shows; times and counts start at zero.
    let (bottom, top) = match figure {
        Figure::Size => {
            let lowest = points.iter().filter_map(|p| p.size_bytes).min().unwrap_or(0) as f64;
            let room = ((highest - lowest) * 0.25).max(highest * 0.01);
            ((lowest - room).max(0.0), highest + room)
        }
        _ => (0.0, highest * 1.2),
    };
    let count = points.len().max(1);
    let mut chart = ChartBuilder::on(area)
        .margin_left(8)
        .margin_right(12)
        .margin_top(4)
        .caption(title, (FONT, 12).into_font().color(&palette.text))
        .x_label_area_size(4)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..count as f64, bottom..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .y_labels(3)
        .y_label_formatter(&|v| unit_words(*v))
        .label_style((FONT, 10).into_font().color(&palette.text))
        .axis_style(palette.axis)
        .bold_line_style(palette.grid)
        .light_line_style(palette.faint_grid)
        .draw()?;
    let failed = palette.series(3);
    match figure {
        Figure::Size => {
            let line: Vec<(f64, f64)> = points
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.size_bytes.map(|s| (i as f64 + 0.5, s as f64)))
                .collect();
            let colour = palette.series(2);
            chart.draw_series(LineSeries::new(line.iter().copied(), colour.stroke_width(2)))?;
            chart.draw_series(line.iter().map(|&at| Circle::new(at, 3, colour.filled())))?;
        }
        Figure::Seconds | Figure::Misses => {
            let colour = palette.series(if matches!(figure, Figure::Seconds) { 0 } else { 1 });
            chart.draw_series(points.iter().enumerate().map(|(i, p)| {
                let fill = if p.passed { colour } else { failed };
                Rectangle::new([(i as f64 + 0.15, 0.0), (i as f64 + 0.85, value(p))], fill.filled())
            }))?;
        }
    }
    let (across, _) = chart.plotting_area().get_pixel_range();
    let step = f64::from(across.end - across.start) / count as f64;
    Ok((0..points.len())
        .map(|i| Rect { x: f64::from(across.start) + step * i as f64, y: 0.0, w: step, h: 0.0 })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, started: f64, seconds: f64, cached: bool) -> StepBar {
        StepBar { label: label.into(), started, seconds, cached, first_miss: false }
    }

    #[test]
    fn a_timeline_draws_each_step_with_its_label_and_time() {
        let steps = [
            bar("1 FROM debian", 0.0, 0.0, false),
            bar("2 COPY package.json .", 0.0, 0.1, true),
            StepBar {
                first_miss: true,
                ..bar("3 RUN npm ci --omit=dev --no-audit --prefer-offline", 0.2, 12.6, false)
            },
        ];
        let svg = timeline(&steps, ChartTheme::Light, 720).unwrap();
        assert!(svg.contains(&format!("height=\"{}\"", timeline_height(3))), "{}", &svg[..120]);
        for text in ["1 FROM debian", "2 COPY package.json .", "3 RUN npm ci --omit=dev --no-audit…", "cached", "13 s"]
        {
            assert!(svg.contains(text), "{text} is drawn");
        }
        assert!(svg.to_uppercase().contains("#D6781E"), "the first miss in its own colour");
        let dark = timeline(&steps, ChartTheme::Dark, 720).unwrap();
        assert!(!dark.to_uppercase().contains("#FFFFFF"), "nothing white on dark");
    }

    #[test]
    fn a_timeline_of_one_step_draws_its_bar() {
        let svg = timeline(&[bar("1 FROM nginx", 0.0, 2.0, false)], ChartTheme::Light, 480).unwrap();
        assert!(svg.contains("1 FROM nginx") && svg.contains("2.0 s"), "{svg}");
        let bars: Vec<&str> =
            svg.lines().filter(|line| line.starts_with("<rect") && line.contains("#1F78AA")).collect();
        assert_eq!(bars.len(), 1, "one bar, in the colour of a step that ran: {svg}");
        let height: f64 = bars[0].split("height=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert!(height >= 10.0, "a bar as tall as most of its row: {}", bars[0]);
    }

    #[test]
    fn a_trend_has_one_column_per_build_across_its_three_rows() {
        let points: Vec<TrendPoint> = (0..5)
            .map(|i| TrendPoint {
                seconds: 2.0 + i as f64,
                size_bytes: (i != 3).then_some(5_000_000 + i * 1000),
                misses: i as usize,
                passed: i != 3,
                label: format!("10:0{i}"),
            })
            .collect();
        let chart = trend(&points, ChartTheme::Light, (600, 300)).unwrap();
        for text in ["Build time", "Image size", "Steps not cached", "5 MB", "10:00", "10:04"] {
            assert!(chart.svg.contains(text), "{text} is drawn");
        }
        assert_eq!(chart.columns.len(), 5);
        let widths: Vec<f64> = chart.columns.iter().map(|c| c.w).collect();
        assert!(widths.iter().all(|w| (w - widths[0]).abs() < 1e-9 && *w > 50.0), "{widths:?}");
        assert!(chart.columns.windows(2).all(|pair| pair[1].x > pair[0].x));
        assert_eq!((chart.columns[0].y, chart.columns[0].h), (0.0, 300.0));
        assert!(chart.svg.to_uppercase().contains("#C0392B"), "a failed build in red");
        assert!(trend(&[], ChartTheme::Dark, (600, 300)).unwrap().columns.is_empty(), "no builds, no columns");
    }

    #[test]
    fn narrow_columns_name_every_few_builds_and_always_the_newest() {
        let points: Vec<TrendPoint> = (0..30)
            .map(|i| TrendPoint {
                seconds: 1.0,
                size_bytes: Some(1000),
                misses: 0,
                passed: true,
                label: format!("b{i:02}"),
            })
            .collect();
        let chart = trend(&points, ChartTheme::Light, (320, 260)).unwrap();
        let named: Vec<usize> = (0..30).filter(|i| chart.svg.contains(&format!("\nb{i:02}\n"))).collect();
        assert!(named.contains(&29), "the newest is named: {named:?}");
        assert!(named.len() > 2 && named.len() < 15, "every few: {named:?}");
        assert!(named.windows(2).all(|pair| pair[1] - pair[0] == named[1] - named[0]), "evenly: {named:?}");
    }
}
