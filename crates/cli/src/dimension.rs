//! `quench dimension`: the intrinsic dimension of a data set from the command
//! line. The estimators are [`quench_geometry`], the loaders [`quench_data`].

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use quench_data::{Dataset, LabelColumn};
use quench_geometry::{Estimator, Options, Points, TwoNnFit};
use quench_run::RunError;
use serde_json::json;

#[derive(Clone, Copy, ValueEnum)]
pub enum EstimatorChoice {
    /// TwoNN (Facco et al. 2017): the ratio of the second to the first neighbour distance.
    TwoNn,
    /// Levina-Bickel maximum likelihood with --k neighbours (pooled as MacKay-Ghahramani).
    Mle,
    /// Grassberger-Procaccia correlation dimension, fitted where C(r) is between --low and --high.
    Correlation,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FitChoice {
    /// Maximum likelihood, (n - 1) / sum ln mu, with its exact error.
    Likelihood,
    /// The paper's regression through the origin without the largest --discard of the ratios (bootstrap error).
    Regression,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LabelChoice {
    /// No label column.
    None,
    /// The first column holds the labels.
    First,
    /// The last column holds the labels.
    Last,
}

#[derive(Args)]
pub struct DimensionArgs {
    /// The data: `digits` (the shipped 8x8 digits), FILE.npy (numpy.save, shape (points, coordinates) or (points, h, w)), FILE.csv (one point per line), or an IDX file (MNIST, plain or .gz).
    #[arg(long)]
    data: String,
    /// The labels of an IDX data file (an IDX file of one dimension).
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    /// Which column of a CSV file holds the labels.
    #[arg(long, value_enum, default_value = "none")]
    label_column: LabelChoice,
    /// Keep only the points of this class (labelled data).
    #[arg(long, value_name = "C")]
    class: Option<u32>,
    /// Use a random subset of this many points (from --seed).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    points: Option<u64>,
    /// The estimator.
    #[arg(long, value_enum, default_value = "two-nn")]
    estimator: EstimatorChoice,
    /// TwoNN's fit.
    #[arg(long, value_enum, default_value = "likelihood")]
    fit: FitChoice,
    /// TwoNN regression: the fraction of the largest ratios left out.
    #[arg(long, default_value_t = 0.1)]
    discard: f64,
    /// Levina-Bickel: neighbours per point (at least 2).
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Correlation dimension: the smallest fraction of pairs in the fit.
    #[arg(long, default_value_t = 1e-4)]
    low: f64,
    /// Correlation dimension: the largest fraction of pairs in the fit.
    #[arg(long, default_value_t = 1e-2)]
    high: f64,
    /// Disjoint subsets for the error of mle and correlation.
    #[arg(long, default_value_t = 8)]
    subsets: usize,
    /// Also estimate on 2, 4, 8, ... disjoint subsets: the dimension against the scale.
    #[arg(long)]
    scaling: bool,
    /// Seed of the subsets, the bootstrap and --points.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads [default: all logical CPUs]; results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    threads: Option<u64>,
    /// Print one JSON document on standard output.
    #[arg(long)]
    json: bool,
}

fn input(error: impl std::fmt::Display) -> RunError {
    RunError::Input(error.to_string())
}

fn load(args: &DimensionArgs) -> Result<Dataset, RunError> {
    if args.data == "digits" {
        return Ok(quench_data::digits());
    }
    let label = match args.label_column {
        LabelChoice::None => LabelColumn::None,
        LabelChoice::First => LabelColumn::First,
        LabelChoice::Last => LabelColumn::Last,
    };
    quench_data::load_file(Path::new(&args.data), args.labels.as_deref(), label).map_err(input)
}

pub fn execute(args: DimensionArgs) -> Result<(), RunError> {
    let estimator = match args.estimator {
        EstimatorChoice::TwoNn => Estimator::TwoNn {
            fit: match args.fit {
                FitChoice::Likelihood => TwoNnFit::Likelihood,
                FitChoice::Regression => TwoNnFit::Regression {
                    discard: args.discard,
                },
            },
        },
        EstimatorChoice::Mle => Estimator::LevinaBickel { k: args.k },
        EstimatorChoice::Correlation => Estimator::Correlation {
            low: args.low,
            high: args.high,
        },
    };
    let mut data = load(&args)?;
    if let Some(class) = args.class {
        let Some(counts) = data.class_counts() else {
            return Err(input(format!(
                "--class {class}: `{}` has no labels (give --labels for IDX data, --label-column for CSV)",
                data.name()
            )));
        };
        if !counts.iter().any(|&(label, _)| label == class) {
            let classes: Vec<String> = counts.iter().map(|(label, _)| label.to_string()).collect();
            return Err(input(format!(
                "--class {class}: `{}` has no point of this class; its classes are {}",
                data.name(),
                classes.join(", ")
            )));
        }
        data = data.of_class(class).map_err(input)?;
    }
    if let Some(count) = args.points {
        let count = count as usize;
        if count > data.len() {
            return Err(input(format!(
                "--points {count}: `{}` has only {} points",
                data.name(),
                data.len()
            )));
        }
        data = data.subset(&quench_geometry::estimate::random_subset(
            data.len(),
            count,
            args.seed,
        ));
    }
    let options = Options {
        subsets: args.subsets,
        seed: args.seed,
    };
    let points = Points::new(data.values(), data.features()).map_err(input)?;
    let pool = crate::pool(args.threads)?;
    let (estimate, scaling) = pool.install(|| {
        let estimate = quench_geometry::estimate(points, estimator, options).map_err(input)?;
        let scaling = if args.scaling {
            Some(quench_geometry::decimation(points, estimator, options, 0).map_err(input)?)
        } else {
            None
        };
        Ok::<_, RunError>((estimate, scaling))
    })?;
    if args.json {
        let mut document = json!({
            "data": data.name(),
            "coordinates": data.features(),
            "class": args.class,
            "estimator": estimator.name(),
            "dimension": estimate.dimension,
            "error": estimate.error,
            "error_source": estimate.error_source,
            "points": estimate.points,
            "discarded": estimate.discarded,
            "scale": estimate.scale,
        });
        match estimator {
            Estimator::TwoNn { fit } => {
                document["fit"] = json!(match fit {
                    TwoNnFit::Likelihood => "likelihood",
                    TwoNnFit::Regression { .. } => "regression",
                });
                if let TwoNnFit::Regression { discard } = fit {
                    document["discard"] = json!(discard);
                }
            }
            Estimator::LevinaBickel { k } => document["k"] = json!(k),
            Estimator::Correlation { low, high } => {
                document["low"] = json!(low);
                document["high"] = json!(high);
            }
        }
        if let Some(scaling) = &scaling {
            document["scaling"] = json!(scaling);
        }
        println!("{}", crate::print::json_text(&document)?);
        return Ok(());
    }
    println!(
        "{} ({} points in {} coordinates): {} dimension {:.3} ± {:.3} at scale {:.4} ({} points used, {} discarded)",
        data.name(),
        data.len(),
        data.features(),
        estimator.name(),
        estimate.dimension,
        estimate.error,
        estimate.scale,
        estimate.points,
        estimate.discarded,
    );
    if let Some(scaling) = scaling {
        println!(
            "{:>8} {:>8} {:>12} {:>10} {:>8}",
            "subsets", "points", "scale", "dimension", "error"
        );
        for level in scaling {
            println!(
                "{:>8} {:>8} {:>12.5} {:>10.3} {:>8.3}",
                level.subsets, level.points, level.scale, level.dimension, level.error
            );
        }
    }
    Ok(())
}
