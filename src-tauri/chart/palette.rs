//! Every colour a chart is drawn in, for each theme the window can show: a [`ChartTheme`] (what
//! the window asks for) gives one [`Palette`] (the background, text, axes, grid, legend, limit
//! line, treemap borders and title strips, and the series). Nothing else in [`super`] names a
//! colour, so a chart never comes out bright white in a dark window.

use plotters::style::{RGBAColor, RGBColor};
use serde::{Deserialize, Serialize};

/// The theme a chart is drawn for: the one the window shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum ChartTheme {
    /// Dark lines and text on white (and what a saved PNG always is).
    #[default]
    Light,
    /// Light lines and text on the window's dark panel colour.
    Dark,
}

/// The colours of one theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    /// What the chart is drawn on.
    pub background: RGBColor,
    /// Titles and axis labels.
    pub text: RGBColor,
    /// The axes' lines.
    pub axis: RGBColor,
    /// The grid at each labelled value.
    pub grid: RGBAColor,
    /// The finer grid between them.
    pub faint_grid: RGBColor,
    /// The legend box's fill (a little see-through, over the lines).
    pub legend_background: RGBAColor,
    /// The legend box's border.
    pub legend_border: RGBColor,
    /// A limit (a memory limit) drawn across a chart.
    pub limit: RGBColor,
    /// The lines between treemap tiles and blocks (the background showing through).
    pub tile_border: RGBColor,
    /// A treemap tile's label, on the tile's own colour.
    pub tile_text: RGBColor,
    /// The strip with a treemap block's title.
    pub title_strip: RGBColor,
    /// The series, in order; chosen to read on [`Palette::background`].
    pub series: [RGBColor; 6],
}

/// The light theme: the charts as they always were (plotters' black text and axes on white).
const LIGHT: Palette = Palette {
    background: RGBColor(255, 255, 255),
    text: RGBColor(0, 0, 0),
    axis: RGBColor(0, 0, 0),
    grid: RGBAColor(0, 0, 0, 0.2),
    faint_grid: RGBColor(235, 235, 235),
    legend_background: RGBAColor(255, 255, 255, 0.8),
    legend_border: RGBColor(220, 220, 220),
    limit: RGBColor(150, 150, 150),
    tile_border: RGBColor(255, 255, 255),
    tile_text: RGBColor(255, 255, 255),
    title_strip: RGBColor(60, 64, 72),
    series: [
        RGBColor(31, 120, 170),
        RGBColor(214, 120, 30),
        RGBColor(30, 138, 76),
        RGBColor(192, 57, 43),
        RGBColor(130, 90, 170),
        RGBColor(120, 120, 120),
    ],
};

/// The dark theme: the window's dark panel (`--panel` #1a212c) and text (`--text` #e3e8ef), the
/// series lightened so each has a contrast of at least 4.5:1 on the background.
const DARK: Palette = Palette {
    background: RGBColor(26, 33, 44),
    text: RGBColor(227, 232, 239),
    axis: RGBColor(141, 152, 168),
    grid: RGBAColor(141, 152, 168, 0.35),
    faint_grid: RGBColor(38, 47, 60),
    legend_background: RGBAColor(26, 33, 44, 0.85),
    legend_border: RGBColor(58, 68, 84),
    limit: RGBColor(170, 178, 190),
    tile_border: RGBColor(26, 33, 44),
    tile_text: RGBColor(240, 243, 247),
    title_strip: RGBColor(48, 56, 70),
    series: [
        RGBColor(79, 179, 224),
        RGBColor(240, 153, 70),
        RGBColor(86, 196, 126),
        RGBColor(240, 110, 98),
        RGBColor(184, 148, 226),
        RGBColor(168, 172, 180),
    ],
};

impl ChartTheme {
    /// The colours charts are drawn in for this theme.
    pub fn palette(self) -> &'static Palette {
        match self {
            ChartTheme::Light => &LIGHT,
            ChartTheme::Dark => &DARK,
        }
    }
}

impl Palette {
    /// The colour of the series at `index`, going round the list.
    pub fn series(&self, index: usize) -> RGBColor {
        self.series[index % self.series.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG's relative luminance of a colour.
    fn luminance(RGBColor(r, g, b): RGBColor) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    fn contrast(a: RGBColor, b: RGBColor) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn dark_series_and_text_read_on_the_dark_background() {
        let dark = ChartTheme::Dark.palette();
        assert!(contrast(dark.text, dark.background) >= 7.0);
        for colour in dark.series {
            let ratio = contrast(colour, dark.background);
            assert!(ratio >= 4.5, "{colour:?} has {ratio:.2}:1 on the dark background");
        }
    }

    #[test]
    fn the_window_sends_the_theme_in_lowercase() {
        assert_eq!(serde_json::to_string(&ChartTheme::Dark).unwrap(), "\"dark\"");
        assert_eq!(serde_json::from_str::<ChartTheme>("\"light\"").unwrap(), ChartTheme::Light);
    }
}
