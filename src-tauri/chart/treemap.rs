//! A treemap: groups of tiles, each tile's area in proportion to its bytes, laid out as near to
//! squares as the space allows (the "squarified" layout of Bruls, Huizing and van Wijk), drawn
//! with plotters in a theme's colours. The tiles' places are returned too, so the window can make
//! each one clickable: every tile gets at least [`LEAST_AREA`], so none is too small to click
//! (a 284 kB image beside 150 MB ones would otherwise be a sliver under a pixel wide).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;

use super::{ensure_font, ChartError, ChartTheme, Palette, FONT};

/// Height of a group's title strip, in pixels.
const TITLE: f64 = 16.0;

/// The least area of a tile, in square pixels (16 × 16): a tile this small is still at least
/// 8 pixels each way, which a pointer can hit. Only when the treemap holds more tiles than
/// fit at this size do they get less, all alike.
pub const LEAST_AREA: f64 = 256.0;

/// The least width or height of a tile the layout aims for, in pixels.
const LEAST_SIDE: f64 = 8.0;

/// One tile: what it is (`key`, handed back with its place), its label, size and colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    /// What the tile stands for (an image id), handed back in its [`PlacedTile`] so a click can find it.
    pub key: String,
    /// The text drawn on the tile, shortened with "…" to fit, and left out when the tile is too small.
    pub label: String,
    /// The tile's size, which sets its area (never less than [`LEAST_AREA`], even for 0 bytes).
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
    /// The treemap as an SVG document, to show as it is (or scaled: it has a `viewBox`).
    pub svg: String,
    /// The width it was drawn at, in pixels: the tiles' places are within it.
    pub width: u32,
    /// The height it was drawn at, in pixels.
    pub height: u32,
    /// Every tile, with its place.
    pub tiles: Vec<PlacedTile>,
}

/// Draws `groups` (each group a block with its title, its tiles inside) in `width` × `height`,
/// in `theme`'s colours; a group too small for its title strip is drawn without one.
pub fn treemap(groups: &[TileGroup], theme: ChartTheme, (width, height): (u32, u32)) -> Result<Treemap, ChartError> {
    ensure_font();
    let palette = theme.palette();
    let whole = Rect { x: 0.0, y: 0.0, w: width as f64, h: height as f64 };
    let groups: Vec<&TileGroup> = groups.iter().filter(|g| !g.tiles.is_empty()).collect();
    let mut placed = Vec::new();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let drawing = |e: DrawingAreaErrorKind<_>| ChartError::Drawing(e.to_string());
        root.fill(&palette.background).map_err(drawing)?;
        for block in layout(&groups, whole) {
            for &(index, rect) in &block.tiles {
                let tile = &block.group.tiles[index];
                draw_tile(&root, palette, tile, rect).map_err(drawing)?;
                placed.push(PlacedTile { key: tile.key.clone(), rect });
            }
            let title = block.titled.then_some(block.group.label.as_str());
            draw_group_title(&root, palette, title, block.area).map_err(drawing)?;
        }
        root.present().map_err(drawing)?;
    }
    Ok(Treemap { svg, width, height, tiles: placed })
}

/// A group laid out: its block, whether it has room for its title strip, and each tile's place
/// (by its index in the group), largest first.
struct Block<'a> {
    group: &'a TileGroup,
    area: Rect,
    titled: bool,
    tiles: Vec<(usize, Rect)>,
}

/// Every group's block and tiles in `whole`. Each tile's area is at least its floor, first
/// [`LEAST_AREA`]; a tile that still comes out thinner than [`LEAST_SIDE`] (a small tile can
/// only span a narrow block's width) has its floor raised and the layout is done again.
fn layout<'a>(groups: &[&'a TileGroup], whole: Rect) -> Vec<Block<'a>> {
    let mut floors: Vec<Vec<f64>> = groups.iter().map(|g| vec![LEAST_AREA; g.tiles.len()]).collect();
    for _ in 0..16 {
        let blocks = layout_with(groups, &floors, whole);
        let mut thin = false;
        for (block, floors) in blocks.iter().zip(floors.iter_mut()) {
            for &(index, rect) in &block.tiles {
                if rect.w.min(rect.h) < LEAST_SIDE {
                    floors[index] *= 1.5;
                    thin = true;
                }
            }
        }
        if !thin {
            return blocks;
        }
    }
    layout_with(groups, &floors, whole)
}

/// The layout with each tile's least area given in `floors` (by group, then tile).
fn layout_with<'a>(groups: &[&'a TileGroup], floors: &[Vec<f64>], whole: Rect) -> Vec<Block<'a>> {
    let bytes: Vec<f64> = groups.iter().map(|g| g.tiles.iter().map(|t| t.bytes as f64).sum()).collect();
    let least: Vec<f64> = floors.iter().map(|f| f.iter().sum()).collect();
    let areas = floored(&bytes, &least, whole.w * whole.h);
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|a, b| areas[*b].total_cmp(&areas[*a]));
    let sorted: Vec<f64> = order.iter().map(|&i| areas[i]).collect();
    // Laid out largest first, handed back in the groups' order (the floors' order).
    let mut blocks: Vec<Option<Block>> = groups.iter().map(|_| None).collect();
    for (&index, area) in order.iter().zip(squarify(&sorted, whole)) {
        let group = groups[index];
        let titled = area.h >= TITLE * 2.0 && (area.h - TITLE) * area.w >= least[index];
        let inner = if titled { Rect { y: area.y + TITLE, h: area.h - TITLE, ..area } } else { area };
        blocks[index] = Some(Block { group, area, titled, tiles: place_tiles(group, &floors[index], inner) });
    }
    blocks.into_iter().map(|block| block.expect("every group placed")).collect()
}

/// `group`'s tiles (their indexes), largest first, each with its rectangle in `inner` (each at
/// least its floor).
fn place_tiles(group: &TileGroup, floors: &[f64], inner: Rect) -> Vec<(usize, Rect)> {
    let mut order: Vec<usize> = (0..group.tiles.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(group.tiles[i].bytes));
    let bytes: Vec<f64> = order.iter().map(|&i| group.tiles[i].bytes as f64).collect();
    let least: Vec<f64> = order.iter().map(|&i| floors[i]).collect();
    let mut areas = floored(&bytes, &least, inner.w * inner.h);
    // Largest area first, as the layout wants; a raised floor may have passed a bigger tile.
    let mut by_area: Vec<usize> = (0..order.len()).collect();
    by_area.sort_by(|a, b| areas[*b].total_cmp(&areas[*a]));
    areas = by_area.iter().map(|&i| areas[i]).collect();
    by_area.iter().zip(squarify(&areas, inner)).map(|(&i, rect)| (order[i], rect)).collect()
}

/// Areas adding up to `total`, in proportion to `weights` except that none is less than its
/// floor (those below it get their floor, the rest share what is left in proportion). When the
/// floors alone exceed `total`, every area is its floor scaled down alike.
fn floored(weights: &[f64], floors: &[f64], total: f64) -> Vec<f64> {
    let least: f64 = floors.iter().sum();
    if least >= total || weights.iter().all(|w| *w <= 0.0) {
        return floors.iter().map(|f| f * total / least.max(f64::MIN_POSITIVE)).collect();
    }
    let mut held = vec![false; weights.len()];
    loop {
        let free_area: f64 = total - floors.iter().zip(&held).filter(|(_, h)| **h).map(|(f, _)| f).sum::<f64>();
        let free_weight: f64 = weights.iter().zip(&held).filter(|(_, h)| !**h).map(|(w, _)| w).sum();
        let scale = if free_weight > 0.0 { free_area / free_weight } else { 0.0 };
        let mut changed = false;
        for (index, weight) in weights.iter().enumerate() {
            if !held[index] && weight * scale < floors[index] {
                held[index] = true;
                changed = true;
            }
        }
        if !changed {
            return weights.iter().zip(floors).zip(&held).map(|((w, f), h)| if *h { *f } else { w * scale }).collect();
        }
    }
}

fn corners(rect: Rect) -> [(i32, i32); 2] {
    [
        (rect.x.round() as i32, rect.y.round() as i32),
        ((rect.x + rect.w).round() as i32, (rect.y + rect.h).round() as i32),
    ]
}

fn draw_tile<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    palette: &Palette,
    tile: &Tile,
    rect: Rect,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (r, g, b) = tile.colour;
    root.draw(&Rectangle::new(corners(rect), RGBColor(r, g, b).filled()))?;
    root.draw(&Rectangle::new(corners(rect), palette.tile_border.stroke_width(1)))?;
    // A label only where it fits: about 7 pixels a character at 12 px.
    let fits = ((rect.w - 6.0) / 7.0).floor() as usize;
    if rect.h >= 18.0 && fits >= 4 {
        let text = shorten(&tile.label, fits);
        let style = (FONT, 12).into_font().color(&palette.tile_text).pos(Pos::new(HPos::Left, VPos::Top));
        root.draw(&Text::new(text, ((rect.x + 4.0) as i32, (rect.y + 4.0) as i32), style))?;
    }
    Ok(())
}

/// A group's border, and its title strip when it has `label` (none when the block is too small).
fn draw_group_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    palette: &Palette,
    label: Option<&str>,
    area: Rect,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if let Some(label) = label {
        let strip = Rect { h: TITLE, ..area };
        root.draw(&Rectangle::new(corners(strip), palette.title_strip.filled()))?;
        let fits = ((area.w - 6.0) / 7.0).floor() as usize;
        if fits >= 4 {
            let style = (FONT, 12).into_font().color(&palette.tile_text).pos(Pos::new(HPos::Left, VPos::Top));
            root.draw(&Text::new(shorten(label, fits), ((area.x + 4.0) as i32, (area.y + 2.0) as i32), style))?;
        }
    }
    root.draw(&Rectangle::new(corners(area), palette.tile_border.stroke_width(2)))?;
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
        let mut best = row_cost(&scaled[start..end], side);
        while end < scaled.len() {
            let next = row_cost(&scaled[start..=end], side);
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

/// How bad a row is: its worst aspect ratio, unless a tile in it would be thinner than
/// [`LEAST_SIDE`] pixels, which costs far more (the thinner, the more), so a row of small
/// tiles takes more of them until each is thick enough to click.
fn row_cost(row: &[(usize, f64)], side: f64) -> f64 {
    let thickness = row.iter().map(|(_, a)| a).sum::<f64>() / side;
    let smallest = row.iter().map(|(_, a)| *a).fold(f64::INFINITY, f64::min);
    let thinnest = thickness.min(smallest / thickness);
    let ratio = worst_ratio(row, side);
    if thinnest < LEAST_SIDE {
        1e9 * (LEAST_SIDE - thinnest) + ratio
    } else {
        ratio
    }
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
        let map = treemap(&groups, ChartTheme::Light, (640, 360)).unwrap();
        assert!(map.svg.starts_with("<svg") && map.svg.contains("app:1"));
        let keys: Vec<&str> = map.tiles.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["app:1", "app:2", "tool:1", "empty"], "an empty image has a tile too");
        assert!(map.tiles[0].rect.w * map.tiles[0].rect.h > map.tiles[1].rect.w * map.tiles[1].rect.h);
        assert!(map.svg.contains("fill=\"#FFFFFF\""), "drawn on white");
    }

    /// A daemon's images as the issue found them: three large images, one shared base, a busybox
    /// of 284 kB, and many small ones, in repositories of one to five images.
    fn daemon() -> Vec<TileGroup> {
        let tile = |key: String, bytes| Tile { label: key.clone(), key, bytes, colour: (30, 120, 170) };
        let mut groups = vec![
            TileGroup {
                label: "api".into(),
                tiles: vec![tile("api:1.4".into(), 58_000_000), tile("api:1.3".into(), 57_000_000)],
            },
            TileGroup { label: "<none>".into(), tiles: vec![tile("fb91ee0c62cc".into(), 57_000_000)] },
            TileGroup { label: "debian".into(), tiles: vec![tile("debian:bookworm-slim".into(), 25_000_000)] },
            TileGroup { label: "busybox".into(), tiles: vec![tile("busybox:1.36".into(), 284_000)] },
        ];
        let mut seed: u64 = 21;
        for repository in 0..24 {
            let tiles = (0..1 + repository % 5)
                .map(|n| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    tile(format!("small{repository}:{n}"), (seed >> 40) % 3_000_000)
                })
                .collect();
            groups.push(TileGroup { label: format!("small{repository}"), tiles });
        }
        groups
    }

    #[test]
    fn every_tile_is_big_enough_to_click_and_none_overlap() {
        let groups = daemon();
        let count: usize = groups.iter().map(|g| g.tiles.len()).sum();
        for size in [(640, 300), (480, 300), (330, 300), (320, 300), (1200, 700)] {
            let map = treemap(&groups, ChartTheme::Light, size).unwrap();
            assert_eq!(map.tiles.len(), count, "every image has a tile at {size:?}");
            let (w, h) = (size.0 as f64, size.1 as f64);
            for tile in &map.tiles {
                let r = tile.rect;
                assert!(r.w >= 8.0 && r.h >= 8.0, "{} is {:.1} × {:.1} at {size:?}", tile.key, r.w, r.h);
                assert!(r.x >= -1e-6 && r.y >= -1e-6 && r.x + r.w <= w + 1e-6 && r.y + r.h <= h + 1e-6);
            }
            for (i, a) in map.tiles.iter().enumerate() {
                for b in &map.tiles[i + 1..] {
                    let (a, b) = (a.rect, b.rect);
                    let overlap_w = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
                    let overlap_h = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
                    assert!(overlap_w <= 1e-6 || overlap_h <= 1e-6, "{a:?} and {b:?} overlap");
                }
            }
            let busybox = map.tiles.iter().find(|t| t.key == "busybox:1.36").expect("the small image's tile");
            assert!(busybox.rect.w * busybox.rect.h >= LEAST_AREA - 1e-6);
        }
    }

    #[test]
    fn areas_keep_their_proportions_above_the_floor() {
        let areas = floored(&[900.0, 90.0, 9.0, 1.0, 0.0], &[10.0; 5], 1000.0);
        assert!((areas.iter().sum::<f64>() - 1000.0).abs() < 1e-9);
        assert_eq!(&areas[2..], [10.0, 10.0, 10.0], "the small ones are held at the floor");
        assert!((areas[0] / areas[1] - 10.0).abs() < 1e-9, "the large ones keep their ratio");
        assert_eq!(floored(&[5.0, 1.0], &[100.0, 100.0], 100.0), [50.0, 50.0], "too many: all alike");
    }

    #[test]
    fn a_dark_treemap_has_the_dark_background_and_no_white() {
        let map = treemap(&daemon(), ChartTheme::Dark, (640, 300)).unwrap();
        let svg = map.svg.to_uppercase();
        assert!(
            svg.contains("<RECT X=\"0\" Y=\"0\" WIDTH=\"640\" HEIGHT=\"300\" OPACITY=\"1\" FILL=\"#1A212C\""),
            "the background"
        );
        assert!(!svg.contains("#FFFFFF"), "no white borders or text");
        assert!(svg.contains("STROKE=\"#1A212C\""), "the tiles' borders are the background");
    }
}
