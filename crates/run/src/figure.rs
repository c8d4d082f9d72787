//! Figures: data with error bars and theory curves on one set of axes, as SVG and PNG.
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
}

/// One series of `(x, y, error of y)` (error NaN or 0 for none).
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text.
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

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, figure: &Figure) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let error = |p: &(f64, f64, f64)| if p.2.is_finite() { p.2 } else { 0.0 };
    let x_range = range(
        figure
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .chain(figure.vertical_lines.iter().map(|v| v.0)),
    );
    let y_range = range(figure.series.iter().flat_map(|s| {
        s.points
            .iter()
            .flat_map(move |p| [p.1 - error(p), p.1 + error(p)])
    }));
    let mut chart = ChartBuilder::on(root)
        .caption(&figure.title, ("sans-serif", 24))
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
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, (x, label)) in figure.vertical_lines.iter().enumerate() {
        let style = BLACK.mix(0.45).stroke_width(1);
        let drawn = chart
            .draw_series(DashedLineSeries::new(
                [(*x, y_range.0), (*x, y_range.1)],
                6,
                4,
                style,
            ))
            .map_err(|e| e.to_string())?;
        // An unlabelled line (e.g. the mirror image of a labelled one) has no legend entry.
        if label.is_empty() {
            continue;
        }
        drawn.label(label.clone()).legend(move |(x, y)| {
            PathElement::new([(x, y), (x + 20, y)], BLACK.mix(0.45 - 0.1 * i as f64))
        });
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
                    .map_err(|e| e.to_string())?
                    .label(series.label.clone())
                    .legend(move |(x, y)| Circle::new((x + 10, y), 5, colour.filled()));
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
                    .map_err(|e| e.to_string())?
                    .label(series.label.clone())
                    .legend(move |(x, y)| Circle::new((x + 10, y), 4, colour.filled()));
            }
            SeriesKind::Theory => {
                chart
                    .draw_series(DashedLineSeries::new(points, 8, 5, colour.stroke_width(2)))
                    .map_err(|e| e.to_string())?
                    .label(series.label.clone())
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2))
                    });
            }
            SeriesKind::Line => {
                chart
                    .draw_series(LineSeries::new(points, colour.stroke_width(2)))
                    .map_err(|e| e.to_string())?
                    .label(series.label.clone())
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2))
                    });
            }
        }
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 14))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// Draws `figure` to `<directory>/<stem>.svg` and `.png` (atomically); returns the two file names.
pub fn write_figure(
    directory: &Path,
    stem: &str,
    figure: &Figure,
) -> Result<Vec<String>, RunError> {
    register_font();
    let svg_path = directory.join(format!("{stem}.svg"));
    let failure = |path: &Path, reason: String| RunError::Figure {
        path: path.to_path_buf(),
        reason,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(&root, figure).map_err(|e| failure(&svg_path, e))?;
    }
    write_atomically(&svg_path, svg.as_bytes())?;
    let png_path = directory.join(format!("{stem}.png"));
    let partial = directory.join(format!("{stem}.partial-{}.png", std::process::id()));
    {
        let root = BitMapBackend::new(&partial, SIZE).into_drawing_area();
        draw(&root, figure).map_err(|e| failure(&png_path, e))?;
    }
    std::fs::rename(&partial, &png_path).map_err(RunError::io(&png_path))?;
    Ok(vec![format!("{stem}.svg"), format!("{stem}.png")])
}
