//! A treemap: groups of tiles, each tile's area in proportion to its bytes, laid out as near to
//! squares as the space allows (the "squarified" layout of Bruls, Huizing and van Wijk), drawn
//! with plotters. The tiles' places are returned too, so the window can make each one clickable.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;

use super::{ensure_font, ChartError, FONT};

/// Height of a group's title strip, in pixels.
const TITLE: f64 = 16.0;

/// One tile: what it is (`key`, handed back with its place), its label, size and colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    /// What the tile stands for (an image id), handed back in its [`PlacedTile`] so a click can find it.
    pub key: String,
    /// The text drawn on the tile, shortened with "…" to fit, and left out when the tile is too small.
    pub label: String,
    /// The tile's size, which sets its area; a tile of 0 bytes is not drawn.
    pub bytes: u64,
    /// The tile's fill colour, as red, green and blue from 0 to 255.
    pub colour: (u8, u8, u8),
}

/// A block of tiles under one title (an image repository), its area the sum of its tiles' bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct TileGroup {
    /// The title drawn in the strip at the top of the block.
    pub label: String,
    /// The tiles inside the block, in any order (they are laid out largest first).
    pub tiles: Vec<Tile>,
}

/// A rectangle in pixels, from the top left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct Rect {
    /// Pixels from the left edge.
    pub x: f64,
    /// Pixels from the top edge.
    pub y: f64,
    /// Width in pixels.
    pub w: f64,
    /// Height in pixels.
    pub h: f64,
}

/// Where a tile was drawn in the treemap, so the window can make it clickable.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PlacedTile {
    /// The [`Tile::key`] of the tile drawn here.
    pub key: String,
    /// The tile's rectangle in the SVG (its `x`, `y`, `w` and `h` appear as the tile's own fields).
    #[serde(flatten)]
    pub rect: Rect,
}

/// A drawn treemap and the place of each of its tiles.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Treemap {
    /// The treemap as an SVG document, to show as it is.
    pub svg: String,
    /// Every tile that was drawn, with its place; tiles of 0 bytes are left out.
    pub tiles: Vec<PlacedTile>,
}

/// Draws `groups` (each group a block with its title, its tiles inside) in `width` × `height`.
pub fn treemap(groups: &[TileGroup], (width, height): (u32, u32)) -> Result<Treemap, ChartError> {
    ensure_font();
    let mut groups: Vec<&TileGroup> = groups.iter().filter(|g| g.tiles.iter().any(|t| t.bytes > 0)).collect();
    let group_bytes = |g: &TileGroup| g.tiles.iter().map(|t| t.bytes as f64).sum::<f64>();
    groups.sort_by(|a, b| group_bytes(b).total_cmp(&group_bytes(a)));
    let weights: Vec<f64> = groups.iter().map(|g| group_bytes(g)).collect();
    let whole = Rect { x: 0.0, y: 0.0, w: width as f64, h: height as f64 };
    let mut placed = Vec::new();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let drawing = |e: DrawingAreaErrorKind<_>| ChartError::Drawing(e.to_string());
        root.fill(&WHITE).map_err(drawing)?;
        for (group, area) in groups.iter().zip(squarify(&weights, whole)) {
            let inner = Rect { x: area.x, y: area.y + TITLE, w: area.w, h: (area.h - TITLE).max(0.0) };
            let mut tiles: Vec<&Tile> = group.tiles.iter().filter(|t| t.bytes > 0).collect();
            tiles.sort_by_key(|tile| std::cmp::Reverse(tile.bytes));
            let tile_weights: Vec<f64> = tiles.iter().map(|t| t.bytes as f64).collect();
            for (tile, rect) in tiles.iter().zip(squarify(&tile_weights, inner)) {
                draw_tile(&root, tile, rect).map_err(drawing)?;
                placed.push(PlacedTile { key: tile.key.clone(), rect });
            }
            draw_group_title(&root, &group.label, area).map_err(drawing)?;
        }
        root.present().map_err(drawing)?;
    }
    Ok(Treemap { svg, tiles: placed })
}

fn corners(rect: Rect) -> [(i32, i32); 2] {
    [
        (rect.x.round() as i32, rect.y.round() as i32),
        ((rect.x + rect.w).round() as i32, (rect.y + rect.h).round() as i32),
    ]
}

fn draw_tile<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    tile: &Tile,
    rect: Rect,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (r, g, b) = tile.colour;
    root.draw(&Rectangle::new(corners(rect), RGBColor(r, g, b).filled()))?;
    root.draw(&Rectangle::new(corners(rect), WHITE.stroke_width(1)))?;
    // A label only where it fits: about 7 pixels a character at 12 px.
    let fits = ((rect.w - 6.0) / 7.0).floor() as usize;
    if rect.h >= 18.0 && fits >= 4 {
        let text = shorten(&tile.label, fits);
        let style = (FONT, 12).into_font().color(&WHITE).pos(Pos::new(HPos::Left, VPos::Top));
        root.draw(&Text::new(text, ((rect.x + 4.0) as i32, (rect.y + 4.0) as i32), style))?;
    }
    Ok(())
}

fn draw_group_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    label: &str,
    area: Rect,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let strip = Rect { h: TITLE.min(area.h), ..area };
    root.draw(&Rectangle::new(corners(strip), RGBColor(60, 64, 72).filled()))?;
    root.draw(&Rectangle::new(corners(area), WHITE.stroke_width(2)))?;
    let fits = ((area.w - 6.0) / 7.0).floor() as usize;
    if fits >= 4 && area.h >= TITLE {
        let style = (FONT, 12).into_font().color(&WHITE).pos(Pos::new(HPos::Left, VPos::Top));
        root.draw(&Text::new(shorten(label, fits), ((area.x + 4.0) as i32, (area.y + 2.0) as i32), style))?;
    }
    Ok(())
}

/// `text` cut to `chars` characters with an ellipsis.
fn shorten(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let kept: String = text.chars().take(chars.saturating_sub(1)).collect();
    format!("{kept}…")
}

/// Rectangles for `weights` (best sorted largest first) filling `area`, in the same order;
/// each rectangle's area is in proportion to its weight.
pub fn squarify(weights: &[f64], area: Rect) -> Vec<Rect> {
    let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    let mut rects = vec![Rect { x: area.x, y: area.y, w: 0.0, h: 0.0 }; weights.len()];
    if total <= 0.0 || area.w <= 0.0 || area.h <= 0.0 {
        return rects;
    }
    let scale = area.w * area.h / total;
    let scaled: Vec<(usize, f64)> =
        weights.iter().enumerate().filter(|(_, w)| **w > 0.0).map(|(i, w)| (i, w * scale)).collect();
    let mut free = area;
    let mut start = 0;
    while start < scaled.len() {
        let side = free.w.min(free.h);
        let mut end = start + 1;
        let mut best = worst_ratio(&scaled[start..end], side);
        while end < scaled.len() {
            let next = worst_ratio(&scaled[start..=end], side);
            if next > best {
                break;
            }
            best = next;
            end += 1;
        }
        let row = &scaled[start..end];
        let thickness = row.iter().map(|(_, a)| a).sum::<f64>() / side;
        let mut offset = 0.0;
        for &(index, tile_area) in row {
            let length = tile_area / thickness;
            rects[index] = if free.w >= free.h {
                Rect { x: free.x, y: free.y + offset, w: thickness, h: length }
            } else {
                Rect { x: free.x + offset, y: free.y, w: length, h: thickness }
            };
            offset += length;
        }
        if free.w >= free.h {
            free.x += thickness;
            free.w -= thickness;
        } else {
            free.y += thickness;
            free.h -= thickness;
        }
        start = end;
    }
    rects
}

/// The worst (largest) aspect ratio of `row`'s tiles laid along a side of length `side`.
fn worst_ratio(row: &[(usize, f64)], side: f64) -> f64 {
    let sum: f64 = row.iter().map(|(_, a)| a).sum();
    let largest = row.iter().map(|(_, a)| *a).fold(0.0, f64::max);
    let smallest = row.iter().map(|(_, a)| *a).fold(f64::INFINITY, f64::min);
    let side2 = side * side;
    (side2 * largest / (sum * sum)).max(sum * sum / (side2 * smallest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_fill_the_area_in_proportion_and_do_not_overlap() {
        let weights = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0, 0.0];
        let area = Rect { x: 0.0, y: 0.0, w: 600.0, h: 400.0 };
        let rects = squarify(&weights, area);
        let total: f64 = weights.iter().sum();
        for (rect, weight) in rects.iter().zip(weights) {
            assert!((rect.w * rect.h - weight / total * 240_000.0).abs() < 1e-6, "{rect:?} for {weight}");
            assert!(
                rect.x >= -1e-9
                    && rect.y >= -1e-9
                    && rect.x + rect.w <= 600.0 + 1e-6
                    && rect.y + rect.h <= 400.0 + 1e-6
            );
        }
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                let overlap_w = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
                let overlap_h = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
                assert!(overlap_w <= 1e-6 || overlap_h <= 1e-6, "{a:?} and {b:?} overlap");
            }
        }
        // The classic example's first row: two 6s stacked on the left, squares-ish.
        assert!((rects[0].w - rects[1].w).abs() < 1e-9 && rects[0].x == 0.0 && rects[1].x == 0.0);
    }

    #[test]
    fn a_treemap_draws_every_tile_and_hands_back_its_place() {
        let tile = |key: &str, bytes| Tile { key: key.into(), label: key.into(), bytes, colour: (30, 120, 170) };
        let groups = [
            TileGroup { label: "app".into(), tiles: vec![tile("app:1", 500), tile("app:2", 300)] },
            TileGroup { label: "tool".into(), tiles: vec![tile("tool:1", 200), tile("empty", 0)] },
        ];
        let map = treemap(&groups, (640, 360)).unwrap();
        assert!(map.svg.starts_with("<svg") && map.svg.contains("app:1"));
        let keys: Vec<&str> = map.tiles.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["app:1", "app:2", "tool:1"], "empty tiles are left out");
        assert!(map.tiles[0].rect.w * map.tiles[0].rect.h > map.tiles[1].rect.w * map.tiles[1].rect.h);
    }
}
