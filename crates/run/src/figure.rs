//! Figures: data with error bars and theory curves on one set of axes, as SVG and PNG.
//!
//! The legend sits below the axes, so it never covers a data point, and each
//! entry's swatch is drawn as its series is: dashed for theory curves and
//! reference lines, a marker for data.
//!
//! Text is set in DejaVu Sans, shipped with quench (`assets/`), so figures
//! look the same on every machine and need no system fonts.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::atomic::write_atomically;
use crate::error::RunError;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesKind {
    /// Markers with vertical error bars, joined by a thin line.
    Data,
    /// A smooth dashed line (theory).
    Theory,
    /// A solid line without markers (histograms, densities).
    Line,
    /// Markers (with error bars where given) not joined: scatter plots, phase diagrams.
    Points,
    /// Vertical bars from `y` to the third number, `(x, low, high)`, without
    /// markers: asymmetric intervals (a binomial interval), drawn beside a
    /// [`SeriesKind::Data`] series of the point estimates in the same group.
    Interval,
}

/// One series of `(x, y, error of y)` (error NaN or 0 for none; `(x, low,
/// high)` for [`SeriesKind::Interval`]).
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text; empty for no legend entry.
    pub label: String,
    /// The points.
    pub points: Vec<(f64, f64, f64)>,
    /// How to draw it.
    pub kind: SeriesKind,
    /// Series with the same group share a colour (e.g. data and the theory
    /// of the same temperature); `None` takes the series' own colour.
    pub group: Option<usize>,
}

/// A figure: axes, series and labelled vertical reference lines.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Title above the plot.
    pub title: String,
    /// Horizontal axis label.
    pub x_label: String,
    /// Vertical axis label.
    pub y_label: String,
    /// Series, drawn in order.
    pub series: Vec<Series>,
    /// Vertical lines `(x, label)`, e.g. a published $T_c$; an empty label
    /// draws the line without a legend entry.
    pub vertical_lines: Vec<(f64, String)>,
}

const SIZE: (u32, u32) = (900, 620);
const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled in; registration fails only on a malformed file.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

fn colour(index: usize) -> RGBColor {
    const COLOURS: [RGBColor; 8] = [
        RGBColor(31, 119, 180),
        RGBColor(214, 39, 40),
        RGBColor(44, 160, 44),
        RGBColor(148, 103, 189),
        RGBColor(255, 127, 14),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(23, 190, 207),
    ];
    COLOURS[index % COLOURS.len()]
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        low = low.min(v);
        high = high.max(v);
    }
    if !low.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if high > low {
        0.05 * (high - low)
    } else {
        0.5 * low.abs().max(1e-3)
    };
    (low - pad, high + pad)
}

/// A tick's label with the fewest decimals that show its value: `2` for
/// 2.0 (a layer, a dimension, a class), `0.15` for 0.15000000000000002.
fn tick_label(value: f64) -> String {
    let tolerance = 1e-9 * value.abs().max(1.0);
    let decimals = (0..=8)
        .find(|&d| {
            let scale = 10f64.powi(d);
            ((value * scale).round() / scale - value).abs() <= tolerance
        })
        .unwrap_or(8) as usize;
    let label = format!("{value:.decimals$}");
    if label
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        // No "-0".
        label.trim_start_matches('-').to_string()
    } else {
        label
    }
}

/// Height of one legend row, in pixels.
const LEGEND_ROW: u32 = 22;
/// Labels up to this many characters share a legend row with a second one.
const LEGEND_SHORT_LABEL: usize = 42;

/// How a legend entry's swatch is drawn: as its series is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Swatch {
    /// A marker on a thin line (data with error bars).
    MarkerOnLine(RGBColor),
    /// A marker alone.
    Marker(RGBColor),
    /// A solid line.
    Solid(RGBColor),
    /// A dashed line (theory curves, reference lines).
    Dashed(RGBAColor),
    /// A vertical bar (intervals).
    Bar(RGBColor),
}

/// The legend of `figure`: `(label, swatch)` in drawing order, reference
/// lines first. Series and lines with an empty label have no entry.
fn legend_entries(figure: &Figure) -> Vec<(String, Swatch)> {
    let mut entries = Vec::new();
    for (i, (_, label)) in figure.vertical_lines.iter().enumerate() {
        if !label.is_empty() {
            entries.push((label.clone(), Swatch::Dashed(reference_colour(i))));
        }
    }
    for (i, series) in figure.series.iter().enumerate() {
        if series.label.is_empty() {
            continue;
        }
        let colour = colour(series.group.unwrap_or(i));
        let swatch = match series.kind {
            SeriesKind::Data => Swatch::MarkerOnLine(colour),
            SeriesKind::Points => Swatch::Marker(colour),
            SeriesKind::Theory => Swatch::Dashed(colour.to_rgba()),
            SeriesKind::Line => Swatch::Solid(colour),
            SeriesKind::Interval => Swatch::Bar(colour),
        };
        entries.push((series.label.clone(), swatch));
    }
    entries
}

/// Legend columns and rows for `entries`: two columns when every label is short.
fn legend_layout(entries: &[(String, Swatch)]) -> (usize, usize) {
    let columns = if entries
        .iter()
        .all(|(label, _)| label.chars().count() <= LEGEND_SHORT_LABEL)
    {
        2
    } else {
        1
    };
    (columns, entries.len().div_ceil(columns))
}

/// The pixel size of `figure`: the plot, and below it the legend, which
/// never covers data.
fn figure_size(figure: &Figure) -> (u32, u32) {
    let (_, rows) = legend_layout(&legend_entries(figure));
    let legend = if rows == 0 {
        0
    } else {
        rows as u32 * LEGEND_ROW + 12
    };
    (SIZE.0, SIZE.1 + legend)
}

fn reference_colour(index: usize) -> RGBAColor {
    BLACK.mix(0.6 - 0.1 * (index % 4) as f64)
}

/// Dashes of a dashed curve and its swatch: `(dash, gap)` in pixels.
const DASH: (u32, u32) = (8, 5);

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Swatch)],
) -> Result<(), String> {
    let (columns, rows) = legend_layout(entries);
    if rows == 0 {
        return Ok(());
    }
    let width = area.dim_in_pixel().0 as i32;
    let (left, column_width) = (88, (width - 88 - 16) / columns as i32);
    let failure = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    for (k, (label, swatch)) in entries.iter().enumerate() {
        let (row, column) = (k / columns, k % columns);
        let x = left + column as i32 * column_width;
        let y = 6 + row as i32 * LEGEND_ROW as i32 + LEGEND_ROW as i32 / 2;
        match *swatch {
            Swatch::MarkerOnLine(c) => {
                area.draw(&PathElement::new(
                    [(x, y), (x + 24, y)],
                    c.mix(0.5).stroke_width(1),
                ))
                .map_err(failure)?;
                area.draw(&Circle::new((x + 12, y), 4, c.filled()))
                    .map_err(failure)?;
            }
            Swatch::Marker(c) => area
                .draw(&Circle::new((x + 12, y), 5, c.filled()))
                .map_err(failure)?,
            Swatch::Solid(c) => area
                .draw(&PathElement::new([(x, y), (x + 24, y)], c.stroke_width(2)))
                .map_err(failure)?,
            Swatch::Dashed(c) => {
                let (dash, gap) = (DASH.0 as i32, DASH.1 as i32);
                let mut start = x;
                while start < x + 24 {
                    let end = (start + dash).min(x + 24);
                    area.draw(&PathElement::new([(start, y), (end, y)], c.stroke_width(2)))
                        .map_err(failure)?;
                    start = end + gap;
                }
            }
            Swatch::Bar(c) => area
                .draw(&PathElement::new(
                    [(x + 12, y - 7), (x + 12, y + 7)],
                    c.stroke_width(1),
                ))
                .map_err(failure)?,
        }
        area.draw(&Text::new(
            label.clone(),
            (x + 32, y - 8),
            ("sans-serif", 14).into_font().color(&BLACK),
        ))
        .map_err(failure)?;
    }
    Ok(())
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, figure: &Figure) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (plot, legend) = root.split_vertically(SIZE.1);
    let error = |p: &(f64, f64, f64)| if p.2.is_finite() { p.2 } else { 0.0 };
    let x_range = range(
        figure
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .chain(figure.vertical_lines.iter().map(|v| v.0)),
    );
    let y_range = range(figure.series.iter().flat_map(|s| {
        s.points.iter().flat_map(move |p| match s.kind {
            SeriesKind::Interval => [p.1, p.2],
            _ => [p.1 - error(p), p.1 + error(p)],
        })
    }));
    // A long title is set smaller rather than clipped at both edges.
    let mut title_size = 24;
    while title_size > 12
        && plot
            .estimate_text_size(
                &figure.title,
                &("sans-serif", title_size).into_text_style(&plot),
            )
            .is_ok_and(|(width, _)| width + 24 > SIZE.0)
    {
        title_size -= 1;
    }
    let mut chart = ChartBuilder::on(&plot)
        .caption(&figure.title, ("sans-serif", title_size))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(x_range.0..x_range.1, y_range.0..y_range.1)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(&figure.x_label)
        .y_desc(&figure.y_label)
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 18))
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, (x, _)) in figure.vertical_lines.iter().enumerate() {
        chart
            .draw_series(DashedLineSeries::new(
                [(*x, y_range.0), (*x, y_range.1)],
                6,
                4,
                reference_colour(i).stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
    }
    for (i, series) in figure.series.iter().enumerate() {
        let colour = colour(series.group.unwrap_or(i));
        let points: Vec<(f64, f64)> = series
            .points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .map(|p| (p.0, p.1))
            .collect();
        match series.kind {
            SeriesKind::Points => {
                chart
                    .draw_series(
                        series
                            .points
                            .iter()
                            .filter(|p| p.1.is_finite() && error(p) > 0.0)
                            .map(|p| {
                                ErrorBar::new_vertical(
                                    p.0,
                                    p.1 - error(p),
                                    p.1,
                                    p.1 + error(p),
                                    colour.mix(0.6).stroke_width(1),
                                    4,
                                )
                            }),
                    )
                    .map_err(|e| e.to_string())?;
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                    .map_err(|e| e.to_string())?;
            }
            SeriesKind::Data => {
                chart
                    .draw_series(LineSeries::new(
                        points.clone(),
                        colour.mix(0.5).stroke_width(1),
                    ))
                    .map_err(|e| e.to_string())?;
                chart
                    .draw_series(series.points.iter().filter(|p| p.1.is_finite()).map(|p| {
                        ErrorBar::new_vertical(
                            p.0,
                            p.1 - error(p),
                            p.1,
                            p.1 + error(p),
                            colour.stroke_width(1),
                            6,
                        )
                    }))
                    .map_err(|e| e.to_string())?;
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                    .map_err(|e| e.to_string())?;
            }
            SeriesKind::Theory => {
                chart
                    .draw_series(DashedLineSeries::new(
                        points,
                        DASH.0,
                        DASH.1,
                        colour.stroke_width(2),
                    ))
                    .map_err(|e| e.to_string())?;
            }
            SeriesKind::Line => {
                chart
                    .draw_series(LineSeries::new(points, colour.stroke_width(2)))
                    .map_err(|e| e.to_string())?;
            }
            SeriesKind::Interval => {
                // A bar with caps and no mark at its middle (an error bar
                // would mark one, which is not the estimate).
                let cap = 0.006 * (x_range.1 - x_range.0);
                for p in series
                    .points
                    .iter()
                    .filter(|p| p.0.is_finite() && p.1.is_finite() && p.2.is_finite())
                {
                    let style = colour.stroke_width(1);
                    chart
                        .draw_series([
                            PathElement::new([(p.0, p.1), (p.0, p.2)], style),
                            PathElement::new([(p.0 - cap, p.1), (p.0 + cap, p.1)], style),
                            PathElement::new([(p.0 - cap, p.2), (p.0 + cap, p.2)], style),
                        ])
                        .map_err(|e| e.to_string())?;
                }
            }
        }
    }
    draw_legend(&legend, &legend_entries(figure))?;
    root.present().map_err(|e| e.to_string())
}

/// Something drawn as SVG and PNG: a figure or a grid of images.
pub(crate) trait Drawable {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws onto `root`.
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

impl Drawable for Figure {
    fn size(&self) -> (u32, u32) {
        figure_size(self)
    }

    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        draw(root, self)
    }
}

/// Draws `item` to `<directory>/<stem>.svg` and `.png` (atomically); returns the two file names.
pub(crate) fn write_svg_and_png(
    directory: &Path,
    stem: &str,
    item: &impl Drawable,
) -> Result<Vec<String>, RunError> {
    register_font();
    let svg_path = directory.join(format!("{stem}.svg"));
    let failure = |path: &Path, reason: String| RunError::Figure {
        path: path.to_path_buf(),
        reason,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, item.size()).into_drawing_area();
        item.draw_on(&root).map_err(|e| failure(&svg_path, e))?;
    }
    write_atomically(&svg_path, svg.as_bytes())?;
    let png_path = directory.join(format!("{stem}.png"));
    let partial = directory.join(format!("{stem}.partial-{}.png", std::process::id()));
    {
        let root = BitMapBackend::new(&partial, item.size()).into_drawing_area();
        item.draw_on(&root).map_err(|e| failure(&png_path, e))?;
    }
    std::fs::rename(&partial, &png_path).map_err(RunError::io(&png_path))?;
    Ok(vec![format!("{stem}.svg"), format!("{stem}.png")])
}

/// Draws `figure` to `<directory>/<stem>.svg` and `.png` (atomically); returns the two file names.
pub fn write_figure(
    directory: &Path,
    stem: &str,
    figure: &Figure,
) -> Result<Vec<String>, RunError> {
    write_svg_and_png(directory, stem, figure)
}

#[cfg(test)]
mod tick_tests {
    use super::tick_label;

    #[test]
    fn tick_labels_show_the_value_with_the_fewest_decimals() {
        assert_eq!(tick_label(2.0), "2");
        assert_eq!(tick_label(0.15000000000000002), "0.15");
        assert_eq!(tick_label(-0.0), "0");
        assert_eq!(tick_label(-2.5), "-2.5");
        assert_eq!(tick_label(1e-3), "0.001");
        assert_eq!(tick_label(2000.0), "2000");
        assert_eq!(tick_label(2.269), "2.269");
    }
}
