//! Charts drawn with plotters, as SVG strings the window shows as they are (and a line chart as a
//! PNG, to save): a line chart of one or more series over a time window (stats over 1 min … 1 h)
//! and a sparkline (a container's row); a treemap of bytes ([`treemap`]) for cleanup; a build's
//! steps on a timeline and a project's builds as a trend ([`builds`]).
//! Text is measured with a font bundled in the binary (DejaVu Sans, `assets/fonts`), so a chart
//! looks the same on every machine whatever fonts it has. Each is drawn for the theme the window
//! shows ([`ChartTheme`]), in that theme's colours ([`palette`]).

pub mod builds;
pub mod palette;
pub mod treemap;

pub use palette::{ChartTheme, Palette};

use std::sync::OnceLock;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use thiserror::Error;

/// The font family charts use, registered from the bundled file.
const FONT: &str = "sans-serif";
static FONT_READY: OnceLock<bool> = OnceLock::new();

/// Why a chart could not be drawn.
#[derive(Debug, Error)]
pub enum ChartError {
    /// Plotters failed to draw or encode the chart; the text is its message.
    #[error("the chart could not be drawn: {0}")]
    Drawing(String),
}

impl crate::problem::Problem for ChartError {
    fn code(&self) -> crate::problem::ErrorCode {
        crate::problem::ErrorCode::Internal
    }

    fn hint(&self) -> String {
        String::new()
    }
}

/// What a series' values are, for the axis labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A percentage, 0 to 100 (more for CPU on several cores), labelled "50 %".
    Percent,
    /// A number of bytes, labelled as the tables write sizes ("1.5 MB").
    Bytes,
    /// Bytes per second, labelled like bytes with "/s" ("1.5 MB/s").
    BytesPerSecond,
}

/// One line: its name and its (seconds before now, value) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The series' name, shown in the legend when a chart has more than one.
    pub label: String,
    /// `(seconds, value)` points, seconds counted from now so negative (−300 is five minutes ago, 0 now).
    pub points: Vec<(f64, f64)>,
}

/// What a chart shows and how: its title, series, unit, time window, ceiling and theme.
#[derive(Debug, Clone, Copy)]
pub struct LineChart<'a> {
    /// The caption at the top.
    pub title: &'a str,
    /// The lines (or bands, stacked).
    pub series: &'a [Series],
    /// What the values are, for the axis labels.
    pub unit: Unit,
    /// How many seconds before now the chart starts.
    pub window_seconds: f64,
    /// Fixes the top of the scale (a memory limit, 100 %) when near the data, else it follows the
    /// data; drawn as a line when in view. Stacked charts leave it out.
    pub ceiling: Option<f64>,
    /// The theme whose colours it is drawn in.
    pub theme: ChartTheme,
}

/// A line chart of `chart.series` over the last `chart.window_seconds`, `width` × `height`
/// pixels, on its theme's background.
pub fn line_chart(chart: &LineChart, (width, height): (u32, u32)) -> Result<String, ChartError> {
    ensure_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw_lines(&root, chart).map_err(|e| ChartError::Drawing(e.to_string()))?;
        root.present().map_err(|e| ChartError::Drawing(e.to_string()))?;
    }
    Ok(svg)
}

/// The same line chart as a PNG file's bytes (for saving a chart as an image), in its theme.
pub fn line_chart_png(chart: &LineChart, (width, height): (u32, u32)) -> Result<Vec<u8>, ChartError> {
    ensure_font();
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        draw_lines(&root, chart).map_err(|e| ChartError::Drawing(e.to_string()))?;
        root.present().map_err(|e| ChartError::Drawing(e.to_string()))?;
    }
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &pixels,
        width,
        height,
        image::ExtendedColorType::Rgb8,
    )
    .map_err(|e| ChartError::Drawing(e.to_string()))?;
    Ok(png)
}

fn draw_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    plan: &LineChart,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let LineChart { series, unit, window_seconds, ceiling, .. } = *plan;
    let palette = plan.theme.palette();
    let highest = series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).fold(0.0_f64, f64::max);
    let top = scale_top(highest, ceiling, unit);
    let mut chart = time_axes(root, plan, top)?;
    for (index, one) in series.iter().enumerate() {
        let colour = palette.series(index);
        chart
            .draw_series(LineSeries::new(one.points.iter().copied(), colour.stroke_width(2)))?
            .label(one.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], colour.stroke_width(2)));
    }
    // The ceiling (a memory limit) is a grey line, drawn only when the scale reaches it.
    let limit = ceiling.filter(|limit| *limit <= top);
    if let Some(limit) = limit {
        let grey = palette.limit;
        chart
            .draw_series(LineSeries::new([(-window_seconds, limit), (0.0, limit)], grey.stroke_width(1)))?
            .label("limit")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], grey.stroke_width(1)));
    }
    if series.len() > 1 || limit.is_some() {
        draw_legend(&mut chart, palette)?;
    }
    Ok(())
}

/// The top of a chart's scale: the data's highest value with room above it, so a small figure is
/// not a flat line at zero; a ceiling (a memory limit) near the data is brought into view, one far
/// above it is left out (332 kB used of a 19 GiB limit is drawn against the 332 kB).
fn scale_top(highest: f64, ceiling: Option<f64>, unit: Unit) -> f64 {
    let least = match unit {
        Unit::Percent => 1.0,
        Unit::Bytes | Unit::BytesPerSecond => 1000.0,
    };
    let data_top = (highest * 1.15).max(least);
    match ceiling {
        Some(limit) if limit <= data_top * 2.0 => data_top.max(limit * 1.05),
        _ => data_top,
    }
}

/// The series' names in a box at the top left.
fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    palette: &Palette,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    // Top left: the newest points, which matter most, are on the right.
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FONT, 12).into_font().color(&palette.text))
        .background_style(palette.legend_background)
        .border_style(palette.legend_border)
        .draw()?;
    Ok(())
}

/// Series stacked one on another (the overview of every container): each series' area starts
/// where the one before it ends. Points are matched by their time, rounded to the second; the
/// chart's ceiling is not used.
pub fn stacked_chart(plan: &LineChart, (width, height): (u32, u32)) -> Result<String, ChartError> {
    ensure_font();
    let palette = plan.theme.palette();
    let stacked = stack(plan.series);
    let top = stacked.last().map_or(0.0, |s| s.points.iter().map(|p| p.1).fold(0.0, f64::max));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
            let mut chart = time_axes(&root, plan, (top * 1.15).max(1.0))?;
            // The top band first, so each lower one is painted over it. Fills are opaque (the
            // series colour lightened toward the background), so no band shows through another
            // and each is the colour its legend swatch shows.
            for (index, band) in stacked.iter().enumerate().rev() {
                let colour = palette.series(index);
                let fill = toward(colour, palette.background, 0.45);
                chart
                    .draw_series(AreaSeries::new(band.points.iter().copied(), 0.0, fill).border_style(colour))?
                    .label(band.label.clone())
                    .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 12, y + 4)], fill.filled()));
            }
            draw_legend(&mut chart, palette)?;
            Ok(())
        })();
        drawn.map_err(|e| ChartError::Drawing(e.to_string()))?;
        root.present().map_err(|e| ChartError::Drawing(e.to_string()))?;
    }
    Ok(svg)
}

/// `colour` moved `share` of the way toward `other` (0: itself, 1: `other`), as an opaque colour.
fn toward(colour: RGBColor, other: RGBColor, share: f64) -> RGBColor {
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * share).round() as u8;
    RGBColor(mix(colour.0, other.0), mix(colour.1, other.1), mix(colour.2, other.2))
}

/// Cumulative sums of the series at each second any of them has a point.
fn stack(series: &[Series]) -> Vec<Series> {
    let seconds: std::collections::BTreeSet<i64> =
        series.iter().flat_map(|s| s.points.iter().map(|p| p.0.round() as i64)).collect();
    let mut below: std::collections::BTreeMap<i64, f64> = seconds.iter().map(|s| (*s, 0.0)).collect();
    series
        .iter()
        .map(|one| {
            let own: std::collections::HashMap<i64, f64> =
                one.points.iter().map(|p| (p.0.round() as i64, p.1)).collect();
            for (second, total) in below.iter_mut() {
                *total += own.get(second).copied().unwrap_or(0.0);
            }
            Series { label: one.label.clone(), points: below.iter().map(|(s, v)| (*s as f64, *v)).collect() }
        })
        .collect()
}

/// A chart over time: seconds before now across, values up.
type TimeChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<TimeAxis, RangedCoordf64>>;

/// The frame every time chart shares, on its theme's background: the title, seconds before now
/// across, values up to `top`.
fn time_axes<'a, DB: DrawingBackend + 'a>(
    root: &'a DrawingArea<DB, plotters::coord::Shift>,
    plan: &LineChart,
    top: f64,
) -> Result<TimeChart<'a, DB>, ChartError>
where
    DB::ErrorType: 'static,
{
    let LineChart { title, unit, window_seconds, .. } = *plan;
    let palette = plan.theme.palette();
    let failed = |e: DrawingAreaErrorKind<DB::ErrorType>| ChartError::Drawing(e.to_string());
    root.fill(&palette.background).map_err(failed)?;
    let marks = TimeMarks::for_window(window_seconds);
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 15).into_font().color(&palette.text))
        .margin(8)
        // Room for "now" centred on the axis's right end.
        .margin_right(18)
        .x_label_area_size(24)
        .y_label_area_size(68)
        .build_cartesian_2d(TimeAxis::new(marks), 0.0..top)
        .map_err(failed)?;
    chart
        .configure_mesh()
        .y_labels(5)
        .x_label_formatter(&|seconds| marks.label(*seconds))
        .y_label_formatter(&|value| value_label(*value, unit))
        .label_style((FONT, 12).into_font().color(&palette.text))
        .axis_style(palette.axis)
        .bold_line_style(palette.grid)
        .light_line_style(palette.faint_grid)
        .draw()
        .map_err(failed)?;
    Ok(chart)
}

/// A small line of `values` (oldest first) with no axes and no background, for a list row, in
/// `theme`'s first series colour; `ceiling` fixes the top.
pub fn sparkline(
    values: &[f64],
    ceiling: Option<f64>,
    theme: ChartTheme,
    (width, height): (u32, u32),
) -> Result<String, ChartError> {
    ensure_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let top = ceiling.unwrap_or_else(|| values.iter().copied().fold(0.0, f64::max)).max(f64::EPSILON);
        let count = values.len().max(2) as f64 - 1.0;
        let points: Vec<(i32, i32)> = values
            .iter()
            .enumerate()
            .map(|(index, value)| {
                let x = (index as f64 / count * (width - 1) as f64).round() as i32;
                let y = ((1.0 - (value / top).clamp(0.0, 1.0)) * (height - 2) as f64).round() as i32 + 1;
                (x, y)
            })
            .collect();
        root.draw(&PathElement::new(points, theme.palette().series(0).stroke_width(1)))
            .map_err(|e| ChartError::Drawing(e.to_string()))?;
        root.present().map_err(|e| ChartError::Drawing(e.to_string()))?;
    }
    Ok(svg)
}

/// Registers the bundled font once.
fn ensure_font() {
    FONT_READY.get_or_init(|| {
        let bytes: &'static [u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
        plotters::style::register_font(FONT, FontStyle::Normal, bytes).is_ok()
    });
}

/// "−5m", "−30s", "now"
/// The seconds-before-now axis, marked where [`TimeMarks`] says rather than at plotters' round
/// decimal steps (which put "−250s" beside "−5m").
pub struct TimeAxis {
    scale: RangedCoordf64,
    marks: Vec<f64>,
}

impl TimeAxis {
    fn new(marks: TimeMarks) -> TimeAxis {
        TimeAxis { scale: RangedCoordf64::from(-marks.window..0.0), marks: marks.points() }
    }
}

impl Ranged for TimeAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.scale.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.marks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.scale.range()
    }
}

/// Where a time axis over the last `window` seconds is labelled: a round step back from now
/// that gives at most six marks, all in seconds or all in minutes ("−50s … now", "−15m … now").
#[derive(Debug, Clone, Copy, PartialEq)]
struct TimeMarks {
    window: f64,
    step: f64,
}

impl TimeMarks {
    fn for_window(window: f64) -> TimeMarks {
        const STEPS: [f64; 10] = [10.0, 15.0, 30.0, 60.0, 120.0, 180.0, 300.0, 600.0, 900.0, 1800.0];
        let step = STEPS.into_iter().find(|step| window / step <= 6.0).unwrap_or(window / 6.0);
        TimeMarks { window, step }
    }

    /// The marks, oldest first, ending at now (0).
    fn points(&self) -> Vec<f64> {
        let count = (self.window / self.step + 1e-9).floor() as i64;
        (0..=count).rev().map(|back| -(back as f64) * self.step).collect()
    }

    /// The label of the mark `seconds` from now: "−50s", "−5m", "now".
    fn label(&self, seconds: f64) -> String {
        let ago = (-seconds).round() as i64;
        match ago {
            0 => "now".into(),
            a if self.step >= 60.0 => format!("−{}m", a / 60),
            a => format!("−{a}s"),
        }
    }
}

/// A value as the charts label it: "12 %", "332 kB", "1.5 MB/s".
pub fn value_label(value: f64, unit: Unit) -> String {
    match unit {
        // One decimal under 10 %, whole or not, so "now 0.0 %, peak 0.4 %" read alike.
        Unit::Percent if value.abs() < 10.0 => format!("{value:.1} %"),
        Unit::Percent => format!("{value:.0} %"),
        // The same words as the tables beside the charts: "332 kB", not "324 KiB".
        Unit::Bytes => crate::format::size(value.max(0.0).round() as u64),
        Unit::BytesPerSecond => format!("{}/s", crate::format::size(value.max(0.0).round() as u64)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wave(points: usize) -> Vec<(f64, f64)> {
        (0..points).map(|i| (i as f64 - points as f64, 50.0 + 40.0 * (i as f64 / 30.0).sin())).collect()
    }

    #[test]
    fn the_scale_follows_the_data_and_shows_a_limit_only_near_it() {
        assert_eq!(scale_top(332_000.0, Some(19.0e9), Unit::Bytes), 332_000.0 * 1.15, "a far limit is left out");
        assert_eq!(scale_top(900.0e6, Some(1.0e9), Unit::Bytes), 1.05e9, "a near limit is brought into view");
        assert_eq!(scale_top(0.0, None, Unit::Percent), 1.0, "an idle chart keeps a scale");
    }

    fn chart<'a>(title: &'a str, series: &'a [Series], theme: ChartTheme) -> LineChart<'a> {
        LineChart { title, series, unit: Unit::Percent, window_seconds: 300.0, ceiling: Some(100.0), theme }
    }

    /// The colours an SVG fills and strokes with, upper case ("#FFFFFF").
    fn colours(svg: &str) -> Vec<String> {
        let upper = svg.to_uppercase();
        ["FILL=\"", "STROKE=\""]
            .iter()
            .flat_map(|attribute| {
                upper.split(attribute).skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_string())
            })
            .collect()
    }

    #[test]
    fn a_line_chart_is_an_svg_with_its_title_axes_and_legend() {
        let series =
            [Series { label: "cpu".into(), points: wave(300) }, Series { label: "limit".into(), points: wave(300) }];
        let svg = line_chart(&chart("CPU — web", &series, ChartTheme::Light), (640, 240)).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{}", &svg[..80]);
        for text in ["CPU — web", "100 %", "−5m", "cpu", "limit"] {
            assert!(svg.contains(text), "{text} is drawn");
        }
        for colour in ["#1F78AA", "#D6781E"] {
            assert!(svg.to_uppercase().contains(colour), "each series in its colour");
        }
        let used = colours(&svg);
        assert!(used.contains(&"#FFFFFF".to_string()) && used.contains(&"#000000".to_string()), "black on white");
    }

    #[test]
    fn a_dark_chart_is_drawn_on_the_dark_background_with_nothing_white() {
        let series =
            [Series { label: "cpu".into(), points: wave(300) }, Series { label: "io".into(), points: wave(300) }];
        let dark = chart("CPU — web", &series, ChartTheme::Dark);
        let stacked = LineChart { ceiling: None, ..dark };
        for svg in [line_chart(&dark, (640, 240)).unwrap(), stacked_chart(&stacked, (640, 240)).unwrap()] {
            let used = colours(&svg);
            assert!(
                svg.to_uppercase()
                    .contains("<RECT X=\"0\" Y=\"0\" WIDTH=\"640\" HEIGHT=\"240\" OPACITY=\"1\" FILL=\"#1A212C\""),
                "the background"
            );
            assert!(used.contains(&"#E3E8EF".to_string()), "light text");
            assert!(!used.iter().any(|c| c == "#FFFFFF" || c == "#000000"), "no white, no black: {used:?}");
            assert!(used.contains(&"#4FB3E0".to_string()), "the first series lightened");
        }
        let line = sparkline(&[1.0, 2.0], None, ChartTheme::Dark, (80, 20)).unwrap();
        assert!(line.to_uppercase().contains("#4FB3E0"), "{line}");
    }

    #[test]
    fn stacked_series_add_up_second_by_second() {
        let a = Series { label: "a".into(), points: vec![(-2.0, 1.0), (-1.0, 2.0)] };
        let b = Series { label: "b".into(), points: vec![(-1.2, 10.0), (0.0, 5.0)] };
        let stacked = stack(&[a.clone(), b.clone()]);
        assert_eq!(stacked[0].points, [(-2.0, 1.0), (-1.0, 2.0), (0.0, 0.0)]);
        assert_eq!(stacked[1].points, [(-2.0, 1.0), (-1.0, 12.0), (0.0, 5.0)]);
        let series = [a, b];
        let plan = LineChart {
            window_seconds: 60.0,
            ceiling: None,
            ..chart("CPU of every container", &series, ChartTheme::Light)
        };
        let svg = stacked_chart(&plan, (600, 220)).unwrap();
        assert!(svg.contains("CPU of every container"));
        for colour in ["#1F78AA", "#D6781E"] {
            assert!(svg.to_uppercase().contains(colour), "each band in its colour");
        }
        // Each band's fill is opaque, and its legend swatch is that very colour.
        let fill = toward(RGBColor(0x1F, 0x78, 0xAA), ChartTheme::Light.palette().background, 0.45);
        let fill = format!("#{:02X}{:02X}{:02X}", fill.0, fill.1, fill.2);
        assert!(svg.to_uppercase().matches(&fill).count() >= 2, "the band and its swatch share {fill}");
        assert!(!svg.contains("fill-opacity=\"0.55\""), "no band shows through another");
    }

    #[test]
    fn a_chart_is_also_a_png() {
        let series = [Series { label: "cpu".into(), points: wave(120) }];
        let plan = LineChart { window_seconds: 120.0, ..chart("CPU", &series, ChartTheme::Light) };
        let png = line_chart_png(&plan, (320, 160)).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1000, "{} bytes", png.len());
    }

    #[test]
    fn a_sparkline_is_one_path_scaled_to_its_box() {
        let svg = sparkline(&[0.0, 5.0, 10.0, 5.0], Some(10.0), ChartTheme::Light, (80, 20)).unwrap();
        assert!(svg.contains("<polyline") && svg.contains("0,19") && svg.contains("53,1"), "{svg}");
        assert!(sparkline(&[], None, ChartTheme::Light, (80, 20)).is_ok(), "no points, no error");
    }

    #[test]
    fn labels_read_as_people_write_them() {
        let labels = |window: f64| {
            let marks = TimeMarks::for_window(window);
            marks.points().into_iter().map(|point| marks.label(point)).collect::<Vec<_>>().join(" ")
        };
        assert_eq!(labels(60.0), "−60s −50s −40s −30s −20s −10s now", "one unit on an axis");
        assert_eq!(labels(300.0), "−5m −4m −3m −2m −1m now");
        assert_eq!(labels(900.0), "−15m −12m −9m −6m −3m now");
        assert_eq!(labels(3600.0), "−60m −50m −40m −30m −20m −10m now");
        assert_eq!(value_label(1_500_000.0, Unit::BytesPerSecond), "1.5 MB/s");
        assert_eq!(value_label(332_000.0, Unit::Bytes), "332 kB", "as the tables write it");
        assert_eq!(value_label(512.0, Unit::Bytes), "512 B");
        assert_eq!(
            (value_label(0.25, Unit::Percent), value_label(100.0, Unit::Percent)),
            ("0.2 %".into(), "100 %".into())
        );
    }
}
