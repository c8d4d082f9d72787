//! Grids of small images, as SVG and PNG: the filters of a Boltzmann
//! machine, samples drawn from it, the data beside them.
//!
//! Each tile is a row-major `height × width` array drawn in grey levels.
//! [`Scaling::Shared`] maps one range onto black..white for every tile
//! (bits, probabilities); [`Scaling::PerTile`] stretches each tile's own
//! symmetric range $[-m, m]$, $m = \max|x|$, onto black..white with zero
//! mid-grey (filters, whose scale differs from unit to unit).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::RunError;

/// How values become grey levels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scaling {
    /// `low` is black and `high` white in every tile.
    Shared {
        /// The value drawn black.
        low: f64,
        /// The value drawn white.
        high: f64,
    },
    /// Each tile's $[-m, m]$ onto black..white, zero mid-grey.
    PerTile,
}

/// A titled grid of images.
#[derive(Debug, Clone)]
pub struct ImageGrid {
    /// Title above the grid.
    pub title: String,
    /// Pixels per tile, vertically.
    pub height: usize,
    /// Pixels per tile, horizontally.
    pub width: usize,
    /// Tiles per row of the grid.
    pub columns: usize,
    /// The tiles, each `height × width` values, row-major.
    pub tiles: Vec<Vec<f64>>,
    /// How values become grey levels.
    pub scaling: Scaling,
}

/// Screen pixels per image pixel, chosen so that a tile is about 48 pixels wide.
fn zoom(grid: &ImageGrid) -> u32 {
    (48 / grid.width.max(1)).clamp(1, 12) as u32
}

const TITLE: u32 = 36;
const GAP: u32 = 4;

fn size(grid: &ImageGrid) -> (u32, u32) {
    let z = zoom(grid);
    let rows = grid.tiles.len().div_ceil(grid.columns.max(1)) as u32;
    let columns = grid.columns.min(grid.tiles.len()).max(1) as u32;
    let width = columns * (grid.width as u32 * z + GAP) + GAP;
    let height = rows * (grid.height as u32 * z + GAP) + GAP + TITLE;
    (width.max(360), height)
}

fn grey(value: f64, low: f64, high: f64) -> RGBColor {
    let t = if high > low {
        ((value - low) / (high - low)).clamp(0.0, 1.0)
    } else {
        0.5
    };
    let level = (255.0 * t).round() as u8;
    RGBColor(level, level, level)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, grid: &ImageGrid) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    root.draw(&Text::new(
        grid.title.clone(),
        (GAP as i32, 8),
        ("sans-serif", 18).into_font(),
    ))
    .map_err(|e| e.to_string())?;
    let z = zoom(grid) as i32;
    let (h, w) = (grid.height as i32, grid.width as i32);
    for (k, tile) in grid.tiles.iter().enumerate() {
        let (row, column) = ((k / grid.columns) as i32, (k % grid.columns) as i32);
        let x0 = GAP as i32 + column * (w * z + GAP as i32);
        let y0 = (TITLE + GAP) as i32 + row * (h * z + GAP as i32);
        let (low, high) = match grid.scaling {
            Scaling::Shared { low, high } => (low, high),
            Scaling::PerTile => {
                let m = tile.iter().fold(0.0f64, |m, x| m.max(x.abs()));
                (-m, m)
            }
        };
        for (p, &value) in tile.iter().enumerate() {
            let (i, j) = ((p / grid.width) as i32, (p % grid.width) as i32);
            let corner = (x0 + j * z, y0 + i * z);
            root.draw(&Rectangle::new(
                [corner, (corner.0 + z, corner.1 + z)],
                grey(value, low, high).filled(),
            ))
            .map_err(|e| e.to_string())?;
        }
    }
    root.present().map_err(|e| e.to_string())
}

impl crate::figure::Drawable for ImageGrid {
    fn size(&self) -> (u32, u32) {
        size(self)
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        draw(root, self)
    }
}

/// Writes `stem.svg` and `stem.png` in `directory`; returns their names.
pub fn write_image_grid(
    directory: &Path,
    stem: &str,
    grid: &ImageGrid,
) -> Result<Vec<String>, RunError> {
    crate::figure::write_svg_and_png(directory, stem, grid)
}
