//! Replica symmetry breaking in SK: $k$-step RSB and full RSB, at $T \ge 0$.
//!
//! The Parisi function $x(q)$ is a step function with $k$ steps; its free
//! energy is minimised over the breakpoints $q_l$ and values $x_l$ (see the
//! engine described in the crate's `parisi` module). At $T > 0$,
//! $x(q) = 0$ below $q_0$, $x_l$ on $[q_l, q_{l+1})$ and $1$ above
//! $q_{\max} = q_k$; at $T = 0$ every $x$ vanishes and the finite object is
//! the scaled $\gamma(q) = \lim \beta x(q)$ of Auffinger and Chen, with
//! $e_0 = -\min_\gamma\left[\Psi_\gamma(0,h) - \frac12\int_0^1 s\gamma(s)\\,ds\right]$.
//!
//! Full RSB is the limit $k \to \infty$, computed as the sequence
//! $k = 1, 2, 4, \dots$ (each warm-started from the previous one by halving
//! every step), with a geometric-tail extrapolation and an error estimate
//! from the last three terms, plus the grid error measured by re-evaluating
//! the final solution on a grid twice as fine.
//!
//! Thermodynamics at $T > 0$: $u = -\int_0^1 \gamma(s)\\,s\\,ds - hm$ (the
//! Gaussian integration-by-parts identity $u = -\frac\beta2(1 - \int_0^1 q(x)^2dx) - hm$),
//! $s = \beta(u - f)$, $\chi = \beta\int_0^1 x(q)\\,dq$.
//!
//! ## Low temperature
//!
//! As $T \to 0$ the last level ($\gamma = \beta$ on $[q_k, 1)$) becomes
//! $T\ln 2\cosh(\beta y)$, a kink of width $T$, with $1 - q_k = CT$. Below
//! $T = 0.25$ it is merged in closed form with the level below (see the
//! `parisi::kink` source): the functional is then the zero-temperature one
//! with its top at $q_k$, plus a correction of order $T^2$, and stays well
//! conditioned. The entropy is $-\partial f/\partial T$ at fixed
//! $C = \beta(1 - q_k)$ and the lower levels, the energy $f + Ts$. The
//! $T \to 0$ limits are those of the zero-temperature solution, whose
//! susceptibility includes $C$ (from $e_0 = -C - \int\gamma s\\,ds - hm$).
//! Full RSB (16 steps, accurate) gives $s \approx 0.72\\,T^2$ and
//! $e - e_0 \approx \frac23 0.72\\,T^3$ below $T = 0.05$; one step gives
//! $s \to -0.0139$ (a finite number of steps has a negative entropy at $T = 0$).
//! Between $0$ and [`MINIMUM_TEMPERATURE`] the solvers refuse.
//!
//! A minimisation that stops above its accepted gradient, or at a value that
//! is not finite, is a [`TheoryError::NotConverged`]; a full-RSB sequence
//! whose free energy falls with $k$ is a [`TheoryError::NoSolution`]. No
//! number that did not converge is returned.
//!
//! ## Near $T_c$ the $k$-step $q(x)$ is poorly determined
//!
//! Close to $T_c = 1$ (at $h = 0$) the Parisi solution is
//! $q(x) \approx x/2$ up to $x \approx 2\tau$, $\tau = 1 - T$, and flat at
//! $q_{\max} \approx \tau$ above. The breaking gains very little free energy
//! there, so the functional is nearly flat along the breakpoints and the
//! values: BFGS meets its gradient tolerance after a handful of iterations,
//! wherever the steps happen to be. The free energy is then still right, but
//! $q(x)$ (and the $P(q)$ built from it) is not. Measured with 4 steps
//! (`cargo run --release -p quench-theory --example krsb_conditioning`):
//!
//! | $T$ | preset | BFGS iterations | $q_0 \dots q_{\max}$ | $x$ breakpoints | $f$ |
//! |---|---|---|---|---|---|
//! | 0.5 | fast | 59 | 0.108 … 0.640 | 0.14 … 0.51 | −0.791178783 |
//! | 0.5 | accurate | 147 | 0.076 … 0.636 | 0.10 … 0.41 | −0.791178035 |
//! | 0.9 | fast | 3 | 0.085 … 0.125 | 0.34 … 0.83 | −0.901411975 |
//! | 0.9 | accurate | 53 | 0.024 … 0.111 | 0.07 … 0.61 | −0.901411602 |
//! | 0.95 | fast | 3 | 0.037 … 0.073 | 0.48 … 0.87 | −0.921625378 |
//! | 0.95 | accurate | 4 | 0.045 … 0.057 | 0.25 … 0.81 | −0.921624991 |
//! | 0.98 | fast | 0 | 0.013 … 0.027 | 0.49 … 0.87 | −0.934384956 |
//! | 0.98 | accurate | 2 | 0.018 … 0.022 | 0.23 … 0.81 | −0.934384897 |
//!
//! At $T = 0.5$ the two presets agree on the shape of $q(x)$. At
//! $T \ge 0.95$ the overlaps crowd in a narrow band just below $q_{\max}$
//! (0.045 to 0.057 at $T = 0.95$, where Parisi's $q(x)$ runs from 0 to
//! about 0.05) and the breakpoints spread over $x \in (0.2, 0.9)$ instead of
//! lying below $2\tau = 0.1$, while the two free energies differ by
//! $4\cdot 10^{-7}$, the size of the presets' own accuracy. Near $T_c$ use
//! $f$, $u$ and $q_{\max}$ from these solvers, and not their $q(x)$ or $P(q)$.

use serde::Serialize;

use crate::error::{self, TheoryError};
use crate::parisi::engine::{LOW_TEMPERATURE, Measure, Mixture, Problem};
use crate::parisi::solve::{Solved, optimise, refine, split_widest};
use crate::sk::replica_symmetric;
use quench_core::ParameterError;

/// Accuracy and speed of the Parisi solvers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParisiOptions {
    /// Grid spacing of the cavity-field variable (error $O(dx^2)$ through the
    /// thin steps; the grid is refined automatically so that the thinnest
    /// step spans 2.5 spacings; $0.05$ keeps the grid error below $10^{-8}$).
    pub grid_spacing: f64,
    /// Largest gradient component at which the minimisation stops.
    pub tolerance: f64,
    /// Largest number of BFGS iterations per number of steps.
    pub max_iterations: usize,
    /// Full RSB: the largest number of steps in the sequence $1, 2, 4, \dots$.
    pub max_steps: usize,
}

impl ParisiOptions {
    /// Up to 4 steps: about $10^{-6}$ on the free energy at $T \ge 0.3$, $10^{-4}$ at
    /// $T = 0$; 30 to 150 ms per point in release (for overlays on many temperatures).
    pub fn fast() -> Self {
        Self {
            grid_spacing: 0.05,
            tolerance: 1e-6,
            max_iterations: 200,
            max_steps: 4,
        }
    }

    /// Up to 16 steps: about $10^{-6}$ on the full-RSB free energy at $T = 0$
    /// (a few seconds in release), better at $T > 0$.
    pub fn accurate() -> Self {
        Self {
            grid_spacing: 0.05,
            tolerance: 1e-8,
            max_iterations: 1000,
            max_steps: 16,
        }
    }

    fn check(&self) -> Result<(), ParameterError> {
        if !(self.grid_spacing > 0.0 && self.grid_spacing <= 0.2) {
            return Err(ParameterError::new(
                "grid_spacing",
                self.grid_spacing,
                "a spacing in (0, 0.2]",
            ));
        }
        if self.tolerance.is_nan() || self.tolerance <= 0.0 {
            return Err(ParameterError::new(
                "tolerance",
                self.tolerance,
                "a positive number",
            ));
        }
        if self.max_steps == 0 || self.max_steps > 256 {
            return Err(ParameterError::new(
                "max_steps",
                self.max_steps,
                "an integer in 1..=256",
            ));
        }
        Ok(())
    }
}

impl Default for ParisiOptions {
    fn default() -> Self {
        Self::accurate()
    }
}

/// One step of the Parisi order parameter: $q(x) = $ `overlap` for `x_low` $< x <$ `x_high`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParisiStep {
    /// The overlap $q_l$ of this step.
    pub overlap: f64,
    /// Lower end of the $x$ interval (0 for the first step).
    pub x_low: f64,
    /// Upper end of the $x$ interval (1 for the last step at $T > 0$).
    pub x_high: f64,
    /// $\beta x$ just above $q_l$: the Auffinger–Chen $\gamma(q)$, finite at $T = 0$.
    pub beta_x: f64,
}

/// An atom of the overlap distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OverlapAtom {
    /// Overlap $q$.
    pub overlap: f64,
    /// Probability weight.
    pub weight: f64,
}

/// A point of the continuous part of $P(q) = dx/dq$.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DensityPoint {
    /// Overlap $q$.
    pub overlap: f64,
    /// Density $dx/dq$.
    pub density: f64,
}

/// The overlap distribution $P(q) = dx/dq$ for $q \ge 0$ (it is even in $q$ at $h = 0$).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverlapDistribution {
    /// The $k$-step distribution exactly: an atom at each $q_l$ of weight $x_l - x_{l-1}$.
    pub atoms: Vec<OverlapAtom>,
    /// The continuous part of the full-RSB $P(q)$ estimated from the steps:
    /// $x(q)$ interpolated linearly through the step midpoints, differentiated.
    /// Empty for one step and at $T = 0$.
    pub density: Vec<DensityPoint>,
    /// The $\delta$ peak at $q_{\max}$ (weight $1 - x(q_{\max}^-)$).
    pub plateau: OverlapAtom,
}

/// A $k$-step RSB solution of SK.
#[derive(Debug, Clone, Serialize)]
pub struct ReplicaBreaking {
    /// Temperature $T \ge 0$.
    pub temperature: f64,
    /// Field $h$.
    pub field: f64,
    /// Number of steps $k$ (0 when the replica-symmetric solution is stable).
    pub steps: usize,
    /// Free energy per spin (the ground-state energy at $T = 0$).
    pub free_energy: f64,
    /// Energy per spin.
    pub energy: f64,
    /// Entropy per spin; `None` at $T = 0$, where the zero-temperature
    /// functional gives the energy only (the full-RSB entropy vanishes there).
    pub entropy: Option<f64>,
    /// Magnetisation per spin.
    pub magnetisation: f64,
    /// Susceptibility $\chi = \beta\left(1 - \int_0^1 q(x)\\,dx\right) = \int_0^1\gamma$. At $T = 0$
    /// this includes $C = \lim\beta(1 - q_{\max})$, the part of $\int\gamma$ concentrated at
    /// $q = 1$, from the energy identity $e_0 = -C - \int_0^1\gamma(s)\\,s\\,ds - hm$.
    pub susceptibility: f64,
    /// The Parisi order parameter $q(x)$ as steps.
    pub order_parameter: Vec<ParisiStep>,
    /// $P(q)$.
    pub overlap_distribution: OverlapDistribution,
    /// Largest gradient component at the end of the minimisation.
    pub gradient_norm: f64,
    /// BFGS iterations used.
    pub iterations: usize,
    /// Grid spacing used.
    pub grid_spacing: f64,
}

/// One term of the full-RSB sequence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StepConvergence {
    /// Number of steps $k$.
    pub steps: usize,
    /// Free energy of the $k$-step solution.
    pub free_energy: f64,
    /// Energy of the $k$-step solution.
    pub energy: f64,
    /// Entropy of the $k$-step solution (`None` at $T = 0$).
    pub entropy: Option<f64>,
}

/// The full-RSB solution: the finest $k$-step solution, the sequence that
/// led to it, and the extrapolation $k \to \infty$ with its error.
#[derive(Debug, Clone, Serialize)]
pub struct FullReplicaBreaking {
    /// The solution with the most steps (its $q(x)$ and $P(q)$ approximate the continuous ones).
    pub solution: ReplicaBreaking,
    /// Free energy against the number of steps.
    pub convergence: Vec<StepConvergence>,
    /// Free energy extrapolated to $k \to \infty$ (the best estimate).
    pub free_energy: f64,
    /// Estimated error of [`FullReplicaBreaking::free_energy`]: the size of the
    /// extrapolation plus the grid error.
    pub error_estimate: f64,
    /// Grid error: change of the final free energy on a grid twice as fine.
    pub discretisation_error: f64,
    /// Energy extrapolated to $k \to \infty$ like the free energy.
    pub energy: f64,
    /// Size of the energy extrapolation (the last difference where the terms
    /// do not decrease geometrically).
    pub energy_error: f64,
    /// Entropy extrapolated to $k \to \infty$ (`None` at $T = 0$, where the
    /// full-RSB entropy vanishes). Each $k$-step entropy is below it: a
    /// finite number of steps gives a negative entropy as $T \to 0$
    /// (one step: $-0.014$), which the sequence removes.
    pub entropy: Option<f64>,
    /// Size of the entropy extrapolation.
    pub entropy_error: Option<f64>,
}

/// The lowest temperature above zero at which the $k$-step and full-RSB
/// solutions are supported. Below it the minimisation over many steps is no
/// longer reliable (at $T = 0.003$ two steps stall, and four steps land on a
/// free energy $7\cdot10^{-4}$ below the Parisi value), while the solution
/// differs from the $T = 0$ one by $O(T^2)$ in the energy and $O(T)$ in the
/// free energy ($-Ts$, with $s \approx 0.72\\,T^2$ in full RSB): use $T = 0$ there.
pub const MINIMUM_TEMPERATURE: f64 = 0.005;

fn check_inputs(temperature: f64, field: f64) -> Result<(f64, f64), TheoryError> {
    let temperature = error::temperature(temperature)?;
    if temperature > 0.0 && temperature < MINIMUM_TEMPERATURE {
        return Err(ParameterError::new(
            "temperature",
            temperature,
            format!(
                "T = 0 (the ground state) or T >= {MINIMUM_TEMPERATURE} for replica symmetry breaking \
                 (below, the many-step minimisation is not reliable; the solution is the T = 0 one to O(T))"
            ),
        )
        .into());
    }
    Ok((temperature, error::finite("field", field)?))
}

/// Refuses a full-RSB sequence whose free energy falls with the number of
/// steps: $f_k = -\min P$ over a growing family can only rise, so a fall
/// means a minimisation stopped at the wrong place.
fn monotone(convergence: &[StepConvergence]) -> Result<(), TheoryError> {
    for pair in convergence.windows(2) {
        // Beyond the presets' own accuracy (about 1e-6; near T_c, 2 and 4
        // steps can differ by 2e-7 in either direction).
        if pair[1].free_energy < pair[0].free_energy - 1e-5 {
            return Err(TheoryError::NoSolution {
                what: "converged full-RSB sequence",
                reason: format!(
                    "the free energy fell from {} ({} steps) to {} ({} steps); f can only rise with the number of steps",
                    pair[0].free_energy, pair[0].steps, pair[1].free_energy, pair[1].steps
                ),
            });
        }
    }
    Ok(())
}

fn problem(temperature: f64, field: f64, options: &ParisiOptions) -> Problem {
    Problem {
        mixture: Mixture { p: 2 },
        temperature,
        field: field.abs(),
        dx: options.grid_spacing,
    }
}

/// First guess for one step of RSB. Below [`LOW_TEMPERATURE`] it is the
/// zero-temperature one-step solution continued to $T$: $\gamma_0 = y$, and
/// $q_1 = 1 - CT$ with $C$ from the energy identity (see [`plateau_gap`]).
fn one_step_guess(
    temperature: f64,
    field: f64,
    options: &ParisiOptions,
) -> Result<Measure, TheoryError> {
    let field = field.abs();
    let zero_temperature_guess = || {
        let q0 = 0.4 + 0.5 * (1.0 - (-field).exp());
        Measure {
            starts: vec![q0],
            gammas: vec![1.5],
        }
    };
    if temperature == 0.0 {
        return Ok(zero_temperature_guess());
    }
    let beta = 1.0 / temperature;
    if temperature < LOW_TEMPERATURE {
        let ground = problem(0.0, field, options);
        let solved = optimise(
            &ground,
            &zero_temperature_guess(),
            options.tolerance,
            options.max_iterations,
        );
        let (q0, y) = (solved.measure.starts[0], solved.measure.gammas[0]);
        let gap = plateau_gap(&solved, field)
            .filter(|c| c.is_finite() && *c > 0.0)
            .unwrap_or(1.0);
        let upper = (1.0 - gap * temperature).max(0.5 * (1.0 + q0));
        return Ok(Measure {
            starts: vec![q0.min(0.9 * upper), upper],
            gammas: vec![y.min(0.5 * beta), beta],
        });
    }
    let q = replica_symmetric::solve_overlap(beta, field)?.max(1e-3);
    let q0 = 0.5 * q;
    Ok(Measure {
        starts: vec![q0, (q * 1.05).min(0.5 * (1.0 + q))],
        gammas: vec![0.5 * beta, beta],
    })
}

/// $C = \lim_{T\to0}\beta(1 - q_{\max})$ of a zero-temperature solution, from
/// the energy identity $u = -\frac\beta2\left(1 - \int_0^1 q^2dx\right) - hm$,
/// which in the limit reads $e_0 = -C - \int_0^1\gamma(s)\\,s\\,ds - hm$ (for one
/// step at $h = 0$: $e_0 = -C - y(1 - q_0^2)/2$). `None` at $T > 0$.
fn plateau_gap(solved: &Solved, field: f64) -> Option<f64> {
    let measure = &solved.measure;
    let levels = measure.starts.len();
    if levels != measure.gammas.len() {
        return None;
    }
    let integral: f64 = (0..levels)
        .map(|l| {
            let end = if l + 1 < levels {
                measure.starts[l + 1]
            } else {
                1.0
            };
            0.5 * measure.gammas[l] * (end * end - measure.starts[l].powi(2))
        })
        .sum();
    let ground = -solved.evaluation.value;
    Some(-ground - integral - field.abs() * solved.evaluation.magnetisation)
}

/// Refuses a minimisation that did not reach its tolerance or whose value
/// is not a finite number: its free energy would not be the stated precision.
fn converged(solved: Solved, options: &ParisiOptions, steps: usize) -> Result<Solved, TheoryError> {
    let finite = solved.evaluation.value.is_finite()
        && solved.gradient_norm.is_finite()
        && solved.measure.starts.iter().all(|s| s.is_finite())
        && solved.measure.gammas.iter().all(|g| g.is_finite());
    if finite && solved.gradient_norm <= accepted_gradient(options) {
        return Ok(solved);
    }
    Err(TheoryError::NotConverged {
        method: match steps {
            1 => "the one-step Parisi minimisation",
            2 => "the two-step Parisi minimisation",
            _ => "the k-step Parisi minimisation",
        },
        iterations: solved.iterations,
        residual: if finite {
            solved.gradient_norm
        } else {
            f64::NAN
        },
        tolerance: accepted_gradient(options),
        advice: "no number is given at this point; try the other --accuracy, or the point T = 0",
    })
}

/// The largest gradient at which a minimisation still counts as converged.
/// BFGS stops at its tolerance, or earlier at the round-off floor of the
/// discretised functional, whose continuum gradient differs from the
/// discrete one by $O(dx^2)$: with many steps at low $T$ (8 steps at
/// $T = 0.005$) that floor is near $10^{-4}$ in the unconstrained coordinates,
/// where the free energy is still within $10^{-8}$ of its minimum (quadratic
/// in the gradient). Beyond this the minimum was not found: an error.
fn accepted_gradient(options: &ParisiOptions) -> f64 {
    (1000.0 * options.tolerance).max(2e-4)
}

/// The $k$-step RSB solution of SK at $T \ge 0$, field $h$.
///
/// Where the replica-symmetric solution is stable (above the
/// de Almeida–Thouless line) every $k$-step solution collapses onto it, and
/// it is returned with `steps = 0`. One step takes milliseconds; $k$ steps
/// are warm-started from $1, 2, 4, \dots$ steps.
pub fn replica_symmetry_breaking(
    temperature: f64,
    field: f64,
    steps: usize,
    options: &ParisiOptions,
) -> Result<ReplicaBreaking, TheoryError> {
    let (temperature, field) = check_inputs(temperature, field)?;
    options.check()?;
    if steps == 0 || steps > 256 {
        return Err(ParameterError::new(
            "steps",
            steps,
            "an integer in 1..=256 (use replica_symmetric for 0)",
        )
        .into());
    }
    if let Some(rs) = stable_replica_symmetric(temperature, field)? {
        return Ok(rs);
    }
    let problem = problem(temperature, field, options);
    let zero = temperature == 0.0;
    let mut solved = converged(
        optimise(
            &problem,
            &one_step_guess(temperature, field, options)?,
            options.tolerance,
            options.max_iterations,
        ),
        options,
        1,
    )?;
    let mut current = 1;
    while 2 * current <= steps {
        current *= 2;
        solved = converged(
            optimise(
                &problem,
                &refine(&solved.measure, zero),
                options.tolerance,
                options.max_iterations,
            ),
            options,
            current,
        )?;
    }
    if current < steps {
        let mut measure = solved.measure.clone();
        while current < steps {
            measure = split_widest(&measure, zero);
            current += 1;
        }
        solved = converged(
            optimise(
                &problem,
                &measure,
                options.tolerance,
                options.max_iterations,
            ),
            options,
            steps,
        )?;
    }
    finite(result(&problem, field, steps, &solved))
}

/// Full RSB: the $k$-step sequence $1, 2, 4, \dots$, `options.max_steps`, extrapolated.
///
/// At $T = 0$, $h = 0$ the ground-state energy comes out as $-0.763166\dots$
/// (Crisanti & Rizzo 2002 give $-0.7631667$).
pub fn full_replica_symmetry_breaking(
    temperature: f64,
    field: f64,
    options: &ParisiOptions,
) -> Result<FullReplicaBreaking, TheoryError> {
    let (temperature, field) = check_inputs(temperature, field)?;
    options.check()?;
    if let Some(rs) = stable_replica_symmetric(temperature, field)? {
        return Ok(FullReplicaBreaking {
            convergence: vec![StepConvergence {
                steps: 0,
                free_energy: rs.free_energy,
                energy: rs.energy,
                entropy: rs.entropy,
            }],
            free_energy: rs.free_energy,
            error_estimate: 0.0,
            discretisation_error: 0.0,
            energy: rs.energy,
            energy_error: 0.0,
            entropy: rs.entropy,
            entropy_error: rs.entropy.map(|_| 0.0),
            solution: rs,
        });
    }
    let problem = problem(temperature, field, options);
    let zero = temperature == 0.0;
    let mut solved = converged(
        optimise(
            &problem,
            &one_step_guess(temperature, field, options)?,
            options.tolerance,
            options.max_iterations,
        ),
        options,
        1,
    )?;
    let mut steps = 1;
    let term = |steps: usize, solved: &Solved| {
        let r = result(&problem, field, steps, solved);
        StepConvergence {
            steps,
            free_energy: r.free_energy,
            energy: r.energy,
            entropy: r.entropy,
        }
    };
    let mut convergence = vec![term(steps, &solved)];
    while 2 * steps <= options.max_steps {
        steps *= 2;
        solved = converged(
            optimise(
                &problem,
                &refine(&solved.measure, zero),
                options.tolerance,
                options.max_iterations,
            ),
            options,
            steps,
        )?;
        convergence.push(term(steps, &solved));
    }
    monotone(&convergence)?;
    let fine = Problem {
        dx: 0.5 * problem.dx,
        ..problem
    };
    let discretisation_error =
        (fine.evaluate(&solved.measure, false).value - solved.evaluation.value).abs();
    let column = |f: fn(&StepConvergence) -> f64| convergence.iter().map(f).collect::<Vec<f64>>();
    let (extrapolated, extrapolation_error) = extrapolate(&column(|c| c.free_energy));
    let (energy, energy_error) = extrapolate(&column(|c| c.energy));
    let (entropy, entropy_error) = if temperature > 0.0 {
        let (value, error) = extrapolate(&column(|c| c.entropy.unwrap_or(f64::NAN)));
        (Some(value), Some(error))
    } else {
        (None, None)
    };
    let full = FullReplicaBreaking {
        solution: finite(result(&problem, field, steps, &solved))?,
        convergence,
        free_energy: extrapolated,
        error_estimate: extrapolation_error + discretisation_error,
        discretisation_error,
        energy,
        energy_error,
        entropy,
        entropy_error,
    };
    // (The error estimate is NaN, honestly unknown, for a one-term sequence.)
    let numbers = [full.free_energy, full.energy, full.entropy.unwrap_or(0.0)];
    if numbers.iter().all(|v| v.is_finite()) {
        Ok(full)
    } else {
        Err(TheoryError::NoSolution {
            what: "full-RSB extrapolation",
            reason: format!(
                "the k-step sequence {:?} does not give finite numbers",
                full.convergence
                    .iter()
                    .map(|c| c.free_energy)
                    .collect::<Vec<_>>()
            ),
        })
    }
}

/// Geometric-tail extrapolation of the last three terms: with
/// $r = (f_{k} - f_{2k})/(f_{k/2} - f_k)$, $f_\infty = f_{2k} - (f_k - f_{2k})\\,r/(1-r)$.
/// The error estimate is the size of that correction (or the last difference
/// when the terms do not decrease geometrically).
fn extrapolate(sequence: &[f64]) -> (f64, f64) {
    let n = sequence.len();
    let last = sequence[n - 1];
    if n < 3 {
        let difference = if n == 2 {
            (sequence[0] - last).abs()
        } else {
            f64::NAN
        };
        return (last, difference);
    }
    let (a, b, c) = (sequence[n - 3], sequence[n - 2], last);
    let ratio = (b - c) / (a - b);
    if ratio.is_finite() && ratio > 0.0 && ratio < 0.5 {
        let correction = (b - c) * ratio / (1.0 - ratio);
        (c - correction, correction.abs())
    } else {
        (c, (b - c).abs())
    }
}

/// Refuses a solution with a number that is not finite (never printed).
fn finite(solution: ReplicaBreaking) -> Result<ReplicaBreaking, TheoryError> {
    let numbers = [
        solution.free_energy,
        solution.energy,
        solution.entropy.unwrap_or(0.0),
        solution.magnetisation,
        solution.susceptibility,
    ];
    if numbers.iter().all(|v| v.is_finite()) {
        Ok(solution)
    } else {
        Err(TheoryError::NoSolution {
            what: "finite k-step RSB solution",
            reason: format!(
                "the minimisation ended at f = {}, u = {}, s = {:?}, chi = {}",
                solution.free_energy, solution.energy, solution.entropy, solution.susceptibility
            ),
        })
    }
}

/// The replica-symmetric solution in the shape of a $k$-step one, if it is stable.
fn stable_replica_symmetric(
    temperature: f64,
    field: f64,
) -> Result<Option<ReplicaBreaking>, TheoryError> {
    if temperature == 0.0 {
        return Ok(None);
    }
    let rs = replica_symmetric::replica_symmetric(temperature, field)?;
    if !rs.stable {
        return Ok(None);
    }
    let beta = 1.0 / temperature;
    Ok(Some(ReplicaBreaking {
        temperature,
        field,
        steps: 0,
        free_energy: rs.free_energy,
        energy: rs.energy,
        entropy: Some(rs.entropy),
        magnetisation: rs.magnetisation,
        susceptibility: rs.susceptibility,
        order_parameter: vec![ParisiStep {
            overlap: rs.overlap,
            x_low: 0.0,
            x_high: 1.0,
            beta_x: beta,
        }],
        overlap_distribution: OverlapDistribution {
            atoms: vec![OverlapAtom {
                overlap: rs.overlap,
                weight: 1.0,
            }],
            density: Vec::new(),
            plateau: OverlapAtom {
                overlap: rs.overlap,
                weight: 1.0,
            },
        },
        gradient_norm: 0.0,
        iterations: 0,
        grid_spacing: 0.0,
    }))
}

fn result(problem: &Problem, field: f64, steps: usize, solved: &Solved) -> ReplicaBreaking {
    let temperature = problem.temperature;
    let measure = &solved.measure;
    let levels = measure.starts.len();
    let end = |l: usize| {
        if l + 1 < levels {
            measure.starts[l + 1]
        } else {
            1.0
        }
    };
    let sign = if field < 0.0 { -1.0 } else { 1.0 };
    let magnetisation = sign * solved.evaluation.magnetisation;
    let free_energy = -solved.evaluation.value;
    // chi = beta (1 - int q dx) = int gamma: at T > 0 the last level gives
    // beta (1 - q_max); at T = 0 its limit C comes from the energy identity.
    let plateau = if temperature > 0.0 {
        0.0
    } else {
        plateau_gap(solved, field).unwrap_or(f64::NAN)
    };
    let susceptibility: f64 = plateau
        + (0..levels)
            .map(|l| measure.gammas[l] * (end(l) - measure.starts[l]))
            .sum::<f64>();
    let (energy, entropy) = if temperature > 0.0 {
        let integral: f64 = (0..levels)
            .map(|l| 0.5 * measure.gammas[l] * (end(l).powi(2) - measure.starts[l].powi(2)))
            .sum();
        let energy = -integral - field * magnetisation;
        // Low T: s = -df/dT directly, where beta (u - f) would divide the
        // minimisation error by T, and u = f + T s, which is insensitive to
        // the error of C = beta (1 - q_max) that the identity above carries
        // at first order (the tests hold the two energies together).
        match problem.entropy(measure) {
            Some(entropy) => (free_energy + temperature * entropy, Some(entropy)),
            None => (energy, Some((energy - free_energy) / temperature)),
        }
    } else {
        (free_energy, None)
    };
    let x = |l: usize| {
        if temperature > 0.0 {
            measure.gammas[l] * temperature
        } else {
            0.0
        }
    };
    let order_parameter: Vec<ParisiStep> = (0..levels)
        .map(|l| ParisiStep {
            overlap: measure.starts[l],
            x_low: if l == 0 { 0.0 } else { x(l - 1) },
            x_high: x(l),
            beta_x: measure.gammas[l],
        })
        .collect();
    let overlap_distribution = if temperature > 0.0 {
        let atoms: Vec<OverlapAtom> = order_parameter
            .iter()
            .map(|step| OverlapAtom {
                overlap: step.overlap,
                weight: step.x_high - step.x_low,
            })
            .collect();
        // x(q) through the midpoints (mid_l, x_l) of the steps below the plateau.
        let middles: Vec<(f64, f64)> = (0..levels - 1)
            .map(|l| (0.5 * (measure.starts[l] + end(l)), x(l)))
            .collect();
        let density = middles
            .windows(2)
            .map(|w| DensityPoint {
                overlap: 0.5 * (w[0].0 + w[1].0),
                density: (w[1].1 - w[0].1) / (w[1].0 - w[0].0),
            })
            .collect();
        OverlapDistribution {
            plateau: *atoms.last().expect("at least one level"),
            atoms,
            density,
        }
    } else {
        let one = OverlapAtom {
            overlap: 1.0,
            weight: 1.0,
        };
        OverlapDistribution {
            atoms: vec![one],
            density: Vec::new(),
            plateau: one,
        }
    };
    ReplicaBreaking {
        temperature,
        field,
        steps,
        free_energy,
        energy,
        entropy,
        magnetisation,
        susceptibility,
        order_parameter,
        overlap_distribution,
        gradient_norm: solved.gradient_norm,
        iterations: solved.iterations,
        grid_spacing: problem.dx,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parisi::engine::Evaluation;

    fn solved(value: f64, gradient_norm: f64) -> Solved {
        Solved {
            measure: Measure {
                starts: vec![0.4, 0.99],
                gammas: vec![1.3, 50.0],
            },
            evaluation: Evaluation {
                value,
                grad_starts: vec![0.0; 2],
                grad_gammas: vec![0.0; 2],
                magnetisation: 0.0,
                entropy: None,
            },
            iterations: 12,
            gradient_norm,
        }
    }

    /// A minimisation that stopped far from its tolerance, or at a value that
    /// is not a number, is an error and never a result.
    #[test]
    fn unconverged_or_non_finite_minimisations_are_refused() {
        let options = ParisiOptions::fast();
        assert!(converged(solved(0.76, 1e-7), &options, 1).is_ok());
        for (value, gradient) in [(0.76, 1.0), (f64::INFINITY, 1e-7), (f64::NAN, 1e-7)] {
            let error = converged(solved(value, gradient), &options, 2).unwrap_err();
            assert!(
                matches!(error, TheoryError::NotConverged { .. }),
                "{value} {gradient}: {error}"
            );
        }
    }

    /// f_k = -min P over a growing family can only rise with k.
    #[test]
    fn a_free_energy_falling_with_the_number_of_steps_is_refused() {
        let term = |steps, free_energy| StepConvergence {
            steps,
            free_energy,
            energy: free_energy,
            entropy: None,
        };
        assert!(monotone(&[term(1, -0.7652), term(2, -0.7636)]).is_ok());
        // Round-off near T_c (seen at T = 0.5) is not a fall.
        assert!(monotone(&[term(2, -0.8265691), term(4, -0.8265693)]).is_ok());
        assert!(monotone(&[term(1, -0.7652), term(2, -0.7756)]).is_err());
    }
}
