//! Learning and inference: the perceptron's storage and teacher–student
//! theories, the deep network of perceptrons and the spiked Wigner model,
//! for `quench theory perceptron`, `teacher-student`, `deep-network` and
//! `spiked-wigner`.

use std::fmt;
use std::str::FromStr;

use super::{Naming, TheoryResult, unknown};
use crate::error::RunError;

/// Weights of a perceptron.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerceptronWeights {
    /// On the sphere $|w|^2 = N$ (`"spherical"`).
    Spherical,
    /// $w_i = \pm 1$ (`"binary"`).
    Binary,
}

choice!(PerceptronWeights, "weights", Spherical => "spherical", Binary => "binary");

/// How a student perceptron is chosen from its training set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Learning {
    /// Drawn from the posterior at the given temperature, weighted by the
    /// number of training errors (`"gibbs"`).
    Gibbs,
    /// The Bayes-optimal student, on the Nishimori line of the label noise (`"bayes"`).
    Bayes,
}

choice!(Learning, "learning", Gibbs => "gibbs", Bayes => "bayes");

/// Prior of the spike of a spiked Wigner matrix (unit variance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalPrior {
    /// $x_i = \pm 1$ (`"rademacher"`).
    Rademacher,
    /// $x_i \sim \mathcal N(0, 1)$ (`"gaussian"`).
    Gaussian,
}

choice!(SignalPrior, "prior", Rademacher => "rademacher", Gaussian => "gaussian");

/// `quench theory perceptron`: Gardner's storage capacity and volume.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerceptronParameters {
    /// Spherical or binary weights.
    pub weights: PerceptronWeights,
    /// Margin $\kappa$ (stability threshold), $\kappa \ge -10$.
    pub kappa: f64,
    /// Also the overlap and entropy of the solution space at this load $\alpha = P/N$.
    pub alpha: Option<f64>,
}

/// `quench theory teacher-student`: generalisation of a student perceptron.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TeacherStudentParameters {
    /// Weights of teacher and student.
    pub weights: PerceptronWeights,
    /// Gibbs or Bayes-optimal student.
    pub learning: Learning,
    /// Load $\alpha = P/N$ (examples per weight), $\alpha \ge 0$.
    pub alpha: f64,
    /// Temperature of the Gibbs student, $T \ge 0$ (Bayes uses the Nishimori temperature).
    pub temperature: f64,
    /// Probability $\eta \in [0, 1/2)$ that a teacher label is flipped.
    pub label_noise: f64,
}

/// Which data a deep network learns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeepNetworkScenario {
    /// Random inputs with random outputs (`"random"`): a random constraint
    /// satisfaction problem.
    Random,
    /// Labels of a teacher network of the same architecture (`"teacher"`),
    /// the student drawn from the Gardner volume: the Nishimori line.
    Teacher,
}

choice!(DeepNetworkScenario, "scenario", Random => "random", Teacher => "teacher");

/// `quench theory deep-network`: the replica-symmetric theory of a deep
/// network of perceptrons (Yoshino, SciPost Phys. Core 2, 005 (2020)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeepNetworkParameters {
    /// Random outputs or a teacher's labels.
    pub scenario: DeepNetworkScenario,
    /// Number of layers $L$, in `1..=1000`.
    pub depth: usize,
    /// Stability threshold $\kappa \ge -10$ of the gaps.
    pub kappa: f64,
    /// The layer profile at this load $\alpha = M/c$ (patterns per weight
    /// of a perceptron); without it, the first replica-symmetry-breaking load.
    pub alpha: Option<f64>,
}

/// `quench theory spiked-wigner`: Bayes-optimal estimation of a rank-one spike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpikedWignerParameters {
    /// Signal-to-noise ratio $\lambda \ge 0$ (the transition is at $\lambda = 1$).
    pub snr: f64,
    /// Prior of the spike.
    pub prior: SignalPrior,
}

/// The perceptron's storage problem (Gardner 1988; Gardner & Derrida 1988;
/// Krauth & Mézard 1989), replica symmetric: the capacity at margin
/// $\kappa$ and, with `alpha`, the typical overlap of two solutions and the
/// entropy (log-volume per weight) of the solution space.
pub fn perceptron(
    parameters: &PerceptronParameters,
    naming: Naming,
) -> Result<TheoryResult, RunError> {
    use quench_theory::perceptron as theory;
    let failure = |e| naming.failure(e);
    let kappa = parameters.kappa;
    let (document, lines) = match parameters.weights {
        PerceptronWeights::Spherical => {
            let alpha_c = theory::spherical_capacity(kappa).map_err(failure)?;
            let volume = parameters
                .alpha
                .map(|alpha| theory::spherical_volume(alpha, kappa))
                .transpose()
                .map_err(failure)?;
            let document = serde_json::json!({
                "weights": "spherical",
                "kappa": kappa,
                "alpha_c": alpha_c,
                "alpha": parameters.alpha,
                "volume": volume,
            });
            let line = format!(
                "spherical perceptron (Gardner), kappa = {kappa}: alpha_c = {alpha_c:.8} \
                 = 1 / int_(-kappa)^inf Dt (t + kappa)^2"
            );
            let mut lines = vec![line];
            if let Some(v) = &volume {
                lines.push(format!(
                    "  alpha = {}: overlap q = {:.8}, entropy = {:.8} per weight",
                    v.alpha, v.q, v.entropy
                ));
            }
            (document, lines)
        }
        PerceptronWeights::Binary => {
            let capacity = theory::binary_capacity(kappa).map_err(failure)?;
            let volume = parameters
                .alpha
                .map(|alpha| theory::binary_volume(alpha, kappa))
                .transpose()
                .map_err(failure)?;
            let document = serde_json::json!({
                "weights": "binary",
                "kappa": kappa,
                "alpha_c": capacity.alpha_entropy_zero,
                "alpha_rs_overlap_one": capacity.alpha_rs_overlap_one,
                "alpha": parameters.alpha,
                "volume": volume,
            });
            let line = format!(
                "binary perceptron (Krauth–Mézard), kappa = {kappa}: alpha_c = {:.8} \
                 (replica-symmetric entropy vanishes); the RS overlap reaches 1 at {:.8}",
                capacity.alpha_entropy_zero, capacity.alpha_rs_overlap_one
            );
            let mut lines = vec![line];
            if let Some(v) = &volume {
                lines.push(format!(
                    "  alpha = {}: overlap q = {:.8}, entropy = {:.8} per weight{}",
                    v.alpha,
                    v.q,
                    v.entropy,
                    if v.entropy < 0.0 {
                        " (negative: beyond the capacity, the RS volume is unphysical)"
                    } else {
                        ""
                    }
                ));
            }
            (document, lines)
        }
    };
    TheoryResult::new(&document, lines)
}

/// A student perceptron learning a teacher of the same architecture
/// (replica symmetric; Györgyi 1990, Seung, Sompolinsky & Tishby 1992): the
/// generalisation error, the overlaps and the free entropy at load
/// $\alpha$, with the metastable branch of binary weights. For the Bayes
/// student the state evolution of Bayes-optimal AMP is given beside it: the
/// overlap an efficient algorithm reaches from an uninformed start, which
/// for binary weights stays on the poor branch until the spinodal. For
/// binary weights without label noise the first-order transition and the
/// spinodal are given too.
pub fn teacher_student(
    parameters: &TeacherStudentParameters,
    naming: Naming,
) -> Result<TheoryResult, RunError> {
    use quench_theory::perceptron::{self as theory, amp};
    let failure = |e| naming.failure(e);
    let (weights, prior) = match parameters.weights {
        PerceptronWeights::Spherical => (theory::Weights::Spherical, amp::WeightPrior::Gaussian),
        PerceptronWeights::Binary => (theory::Weights::Binary, amp::WeightPrior::Binary),
    };
    let learning = match parameters.learning {
        Learning::Gibbs => theory::Learning::Gibbs,
        Learning::Bayes => theory::Learning::Bayes,
    };
    let point = theory::teacher_student(
        weights,
        learning,
        parameters.alpha,
        parameters.temperature,
        parameters.label_noise,
    )
    .map_err(failure)?;
    let algorithmic = match parameters.learning {
        Learning::Bayes => Some(
            amp::perceptron_state_evolution_fixed_point(
                prior,
                parameters.alpha,
                parameters.label_noise,
                0.0,
            )
            .map_err(failure)?,
        ),
        Learning::Gibbs => None,
    };
    let transition = match (parameters.weights, parameters.label_noise == 0.0) {
        (PerceptronWeights::Binary, true) => Some(theory::binary_transition().map_err(failure)?),
        _ => None,
    };
    let document = serde_json::json!({
        "weights": parameters.weights.name(),
        "learning": parameters.learning.name(),
        "alpha": point.alpha,
        "temperature": point.temperature,
        "label_noise": point.label_noise,
        "generalization_error": point.generalization_error,
        "teacher_overlap": point.teacher_overlap,
        "student_overlap": point.student_overlap,
        "free_entropy": point.free_entropy,
        "branch": point.branch,
        "metastable": point.metastable,
        "amp_state_evolution": algorithmic,
        "binary_transition": transition,
    });
    let mut lines = vec![format!(
        "{} teacher and student, {} learning, alpha = {}, T = {}, label noise {}: \
         generalisation error {:.8}, R = {:.8}, q = {:.8} ({:?} branch)",
        parameters.weights.name(),
        parameters.learning.name(),
        point.alpha,
        point.temperature,
        point.label_noise,
        point.generalization_error,
        point.teacher_overlap,
        point.student_overlap,
        point.branch
    )];
    if let Some(state) = &point.metastable {
        lines.push(format!(
            "  metastable {:?} branch: generalisation error {:.8}, free entropy {:.8} (equilibrium {:.8})",
            state.branch, state.generalization_error, state.free_entropy, point.free_entropy
        ));
    }
    if let Some(se) = &algorithmic {
        lines.push(format!(
            "  Bayes-optimal AMP (state evolution from an uninformed start): generalisation error {:.8}, overlap {:.8}",
            se.generalization_error, se.overlap
        ));
    }
    if let Some(t) = &transition {
        lines.push(format!(
            "  binary weights, noiseless: perfect generalisation from alpha = {:.6} (first order), AMP finds it from alpha = {:.6} (spinodal)",
            t.alpha_transition, t.alpha_spinodal
        ));
    }
    TheoryResult::new(&document, lines)
}

/// Largest depth whose layer profile the summary prints line by line.
const LAYERS_PRINTED: usize = 40;

/// The deep network of perceptrons (Yoshino 2020), replica symmetric: with
/// `alpha`, the overlap profile $q_l$ (neurons, $l = 0..L$) and $Q_l$
/// (weights, $l = 1..L$), the free entropy and the replicon (document keys
/// `q`, `Q`, `free_entropy`, `replicon`, `stable`, ...); without it, the
/// smallest load at which replica symmetry breaks, `alpha_glass`
/// ($1/m(\kappa)^4$; the layers in `glassy_layers`), beside the seed's
/// full-RSB values `seed_alpha_glass` (2.03) and `seed_second_alpha_glass`
/// (15.38).
pub fn deep_network(
    parameters: &DeepNetworkParameters,
    naming: Naming,
) -> Result<TheoryResult, RunError> {
    use quench_theory::deep_network as theory;
    let failure = |e| naming.failure(e);
    let (depth, kappa) = (parameters.depth, parameters.kappa);
    if parameters.scenario == DeepNetworkScenario::Teacher {
        return deep_network_teacher(parameters, naming);
    }
    match parameters.alpha {
        Some(alpha) => {
            let point = theory::deep_network_profile(alpha, depth, kappa).map_err(failure)?;
            let mut document =
                serde_json::to_value(&point).map_err(|e| RunError::Encoding(e.to_string()))?;
            document["liquid_instability"] =
                serde_json::json!(theory::deep_network_liquid_instability(depth, kappa).ok());
            let mut lines = vec![format!(
                "deep network of perceptrons (Yoshino, replica symmetric), L = {depth}, kappa = {kappa}, \
                 alpha = {alpha}: replica symmetry {} (replicon {:.6e}), free entropy {:.10}{}",
                if point.stable { "stable" } else { "unstable" },
                point.replicon,
                point.free_entropy,
                point
                    .liquid_free_entropy
                    .map(|f| format!(" (liquid {f:.10})"))
                    .unwrap_or_default()
            )];
            lines.push(format!(
                "  non-liquid hidden layers: {} from the input, {} from the output",
                point.non_liquid_from_input, point.non_liquid_from_output
            ));
            if depth <= LAYERS_PRINTED {
                lines.push("  layer  q_l           Q_l           replicon weight".to_string());
                for l in 0..=depth {
                    let (bond, weight) = if l == 0 {
                        ("-".to_string(), "-".to_string())
                    } else {
                        (
                            format!("{:.10}", point.bond_overlap[l - 1]),
                            format!("{:.4}", point.replicon_profile[l - 1]),
                        )
                    };
                    lines.push(format!(
                        "  {l:>5}  {:<12.10}  {bond:<12}  {weight}",
                        point.q[l]
                    ));
                }
            } else {
                lines.push("  use --json for the profile of every layer".to_string());
            }
            TheoryResult::new(&document, lines)
        }
        None => {
            let transition =
                theory::deep_network_glass_transition(depth, kappa).map_err(failure)?;
            let document = serde_json::json!({
                "depth": transition.depth,
                "kappa": transition.kappa,
                "alpha_glass": transition.alpha_glass,
                "liquid_instability": transition.liquid_instability,
                "glassy_layers": transition.glassy_layers,
                "replicon_profile": transition.replicon_profile,
                "seed_alpha_glass": theory::SEED_FIRST_GLASS_TRANSITION,
                "seed_second_alpha_glass": theory::SEED_SECOND_GLASS_TRANSITION,
            });
            let layers = transition
                .glassy_layers
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let lines = vec![
                format!(
                    "deep network of perceptrons (Yoshino, replica symmetric), L = {depth}, kappa = {kappa}: \
                     replica symmetry breaks at alpha_glass = {:.10} (layers {layers})",
                    transition.alpha_glass
                ),
                format!(
                    "  = 1/m(kappa)^4{} with m the inverse Mills ratio: the liquid turns unstable; \
                     the seed's full-RSB values are {} and {}",
                    if depth == 2 { " / 2" } else { "" },
                    theory::SEED_FIRST_GLASS_TRANSITION,
                    theory::SEED_SECOND_GLASS_TRANSITION
                ),
            ];
            TheoryResult::new(&document, lines)
        }
    }
}

/// The teacher scenario of [`deep_network`]: the Nishimori line, $\kappa = 0$.
fn deep_network_teacher(
    parameters: &DeepNetworkParameters,
    naming: Naming,
) -> Result<TheoryResult, RunError> {
    use quench_theory::deep_network as theory;
    let failure = |e| naming.failure(e);
    let depth = parameters.depth;
    if parameters.kappa != 0.0 {
        return Err(failure(
            quench_core::ParameterError::new(
                "kappa",
                parameters.kappa,
                "0 in the teacher scenario (a teacher's own gaps are only >= 0)",
            )
            .into(),
        ));
    }
    let threshold = theory::deep_network_teacher_threshold(depth).ok();
    let Some(alpha) = parameters.alpha else {
        let t = theory::deep_network_teacher_transitions(depth).map_err(failure)?;
        let document = serde_json::json!({
            "scenario": "teacher",
            "depth": depth,
            "kappa": 0.0,
            "alpha_learning": t.alpha_learning,
            "alpha_spinodal": t.alpha_spinodal,
            "alpha_transition": t.alpha_transition,
            "alpha_merge": t.alpha_merge,
        });
        let show = |x: Option<f64>| x.map_or("none".to_string(), |a| format!("{a:.6}"));
        let lines = vec![
            format!(
                "deep network of perceptrons learning a teacher (Nishimori line, replica symmetric), L = {depth}:"
            ),
            format!(
                "  the uninformed student starts to learn (end layers) at alpha = {}",
                show(t.alpha_learning)
            ),
            format!(
                "  a teacher-like solution exists from alpha = {} (spinodal), is the equilibrium from {} \
                 (first order), and the uninformed branch joins it at {}",
                show(t.alpha_spinodal),
                show(t.alpha_transition),
                show(t.alpha_merge)
            ),
        ];
        return TheoryResult::new(&document, lines);
    };
    let point = theory::deep_network_teacher_profile(alpha, depth).map_err(failure)?;
    let equilibrium = point.equilibrium_branch();
    let document = serde_json::json!({
        "scenario": "teacher",
        "alpha": alpha,
        "depth": depth,
        "kappa": 0.0,
        "q": equilibrium.q,
        "Q": equilibrium.bond_overlap,
        "test_overlap": equilibrium.test_overlap,
        "generalization_error": equilibrium.generalization_error,
        "free_entropy": equilibrium.free_entropy,
        "stable": true,
        "equilibrium": point.equilibrium,
        "informed": point.informed,
        "uninformed": point.uninformed,
        "intermediate": point.intermediate,
        "alpha_learning": threshold,
    });
    let mut lines = vec![format!(
        "deep network of perceptrons learning a teacher (Nishimori line: r = q, R = Q), L = {depth}, \
         alpha = {alpha}: equilibrium on the {} branch, generalisation error {:.8}, free entropy {:.10}",
        match point.equilibrium {
            theory::TeacherBranchKind::Informed => "informed",
            theory::TeacherBranchKind::Uninformed => "uninformed",
            theory::TeacherBranchKind::Intermediate => "an intermediate",
        },
        equilibrium.generalization_error,
        equilibrium.free_entropy
    )];
    if depth <= LAYERS_PRINTED {
        lines.push(
            "  layer  informed: r_l        R_l           r_test      uninformed: r_l   R_l           r_test"
                .to_string(),
        );
        let (a, b) = (&point.informed, &point.uninformed);
        for l in 0..=depth {
            let bond = |branch: &theory::DeepNetworkTeacherBranch| {
                if l == 0 {
                    "-".to_string()
                } else {
                    format!("{:.10}", branch.bond_overlap[l - 1])
                }
            };
            lines.push(format!(
                "  {l:>5}  {:<12.10}  {:<12}  {:<10.8}  {:<12.10}  {:<12}  {:.8}",
                a.q[l],
                bond(a),
                a.test_overlap[l],
                b.q[l],
                bond(b),
                b.test_overlap[l]
            ));
        }
    } else {
        lines.push("  use --json for the profile of every layer".to_string());
    }
    TheoryResult::new(&document, lines)
}

/// The spiked Wigner model $Y = \frac{\sqrt\lambda}{N} x x^\top + W$ ($W$
/// symmetric Gaussian, off-diagonal variance $1/N$): the Bayes-optimal
/// overlap and errors from the state evolution of AMP, which for these two
/// priors is also the information-theoretic optimum (no hard phase);
/// the transition is at $\lambda = 1$.
pub fn spiked_wigner(
    parameters: &SpikedWignerParameters,
    naming: Naming,
) -> Result<TheoryResult, RunError> {
    use quench_theory::spiked_wigner as theory;
    let prior = match parameters.prior {
        SignalPrior::Rademacher => theory::SignalPrior::Rademacher,
        SignalPrior::Gaussian => theory::SignalPrior::Gaussian,
    };
    let point = theory::spiked_wigner_state_evolution(parameters.snr, prior)
        .map_err(|e| naming.failure(e))?;
    let document = serde_json::json!({
        "snr": point.snr,
        "prior": parameters.prior.name(),
        "overlap": point.overlap,
        "mmse": point.mmse,
        "matrix_mmse": point.matrix_mmse,
        "critical_snr": 1.0,
    });
    let line = format!(
        "spiked Wigner, {} spike, snr = {}: overlap {:.10}, MMSE {:.10}, matrix MMSE {:.10} (transition at snr = 1)",
        parameters.prior.name(),
        point.snr,
        point.overlap,
        point.mmse,
        point.matrix_mmse
    );
    TheoryResult::new(&document, vec![line])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(document: &serde_json::Value, key: &str) -> f64 {
        document[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} missing in {document}"))
    }

    /// Gardner: $\alpha_c(0) = 2$; Krauth & Mézard, J. Phys. France 50, 3057
    /// (1989): $\alpha_c = 0.833$ for binary weights.
    #[test]
    fn perceptron_capacities_at_zero_margin() {
        let capacity = |weights| {
            let parameters = PerceptronParameters {
                weights,
                kappa: 0.0,
                alpha: Some(0.5),
            };
            let result = perceptron(&parameters, Naming::Argument).unwrap();
            assert!(result.document["volume"]["q"].as_f64().unwrap() > 0.0);
            number(&result.document, "alpha_c")
        };
        assert!((capacity(PerceptronWeights::Spherical) - 2.0).abs() < 1e-10);
        assert!((capacity(PerceptronWeights::Binary) - 0.833).abs() < 5e-4);
    }

    /// Binary teacher and student without noise: the poor branch below the
    /// transition (AMP agrees), perfect generalisation in equilibrium between
    /// transition and spinodal while AMP stays poor (Barbier et al., PNAS
    /// 116, 5451 (2019)).
    #[test]
    fn binary_teacher_student_has_a_hard_phase() {
        let at = |alpha| {
            let parameters = TeacherStudentParameters {
                weights: PerceptronWeights::Binary,
                learning: Learning::Bayes,
                alpha,
                temperature: 0.0,
                label_noise: 0.0,
            };
            teacher_student(&parameters, Naming::Flag).unwrap().document
        };
        let easy = at(1.0);
        let amp = number(&easy["amp_state_evolution"], "generalization_error");
        assert!(number(&easy, "generalization_error") > 0.1);
        assert!((number(&easy, "generalization_error") - amp).abs() < 1e-7);
        let hard = at(1.4);
        assert_eq!(number(&hard, "generalization_error"), 0.0);
        assert!(number(&hard["amp_state_evolution"], "generalization_error") > 0.1);
        let transition = number(&hard["binary_transition"], "alpha_transition");
        assert!((transition - 1.245).abs() < 1e-3, "{transition}");
    }

    /// One layer is Gardner's perceptron; the first RS instability of a
    /// deeper network is $(\pi/2)^2$ at zero margin.
    #[test]
    fn deep_network_profile_and_glass_transition() {
        let profile = |depth, alpha| DeepNetworkParameters {
            scenario: DeepNetworkScenario::Random,
            depth,
            kappa: 0.0,
            alpha,
        };
        let one = deep_network(&profile(1, Some(1.2)), Naming::Argument).unwrap();
        let gardner = perceptron(
            &PerceptronParameters {
                weights: PerceptronWeights::Spherical,
                kappa: 0.0,
                alpha: Some(1.2),
            },
            Naming::Argument,
        )
        .unwrap();
        let q = gardner.document["volume"]["q"].as_f64().unwrap();
        assert!((one.document["Q"][0].as_f64().unwrap() - q).abs() < 1e-9);
        assert_eq!(one.document["stable"], true);
        let deep = deep_network(&profile(6, Some(3.0)), Naming::Argument).unwrap();
        assert_eq!(deep.document["q"].as_array().unwrap().len(), 7);
        assert_eq!(deep.document["stable"], false);
        assert_eq!(deep.summary.lines().count(), 3 + 7);
        let glass = deep_network(&profile(5, None), Naming::Argument).unwrap();
        let pi = std::f64::consts::PI;
        assert!((number(&glass.document, "alpha_glass") - pi * pi / 4.0).abs() < 1e-8);
        assert_eq!(number(&glass.document, "seed_alpha_glass"), 2.03);
        let error = deep_network(&profile(0, None), Naming::Flag).unwrap_err();
        assert_eq!(error.exit_status(), 2);
        assert!(error.to_string().starts_with("--depth:"), "{error}");
    }

    /// The teacher scenario: one layer is the perceptron learning its
    /// teacher in the version space; a margin is refused (status 2).
    #[test]
    fn deep_network_teacher_scenario() {
        let teacher = |depth, kappa, alpha| DeepNetworkParameters {
            scenario: DeepNetworkScenario::Teacher,
            depth,
            kappa,
            alpha,
        };
        let one = deep_network(&teacher(1, 0.0, Some(2.0)), Naming::Argument).unwrap();
        let perceptron = teacher_student(
            &TeacherStudentParameters {
                weights: PerceptronWeights::Spherical,
                learning: Learning::Gibbs,
                alpha: 2.0,
                temperature: 0.0,
                label_noise: 0.0,
            },
            Naming::Argument,
        )
        .unwrap();
        let r = number(&perceptron.document, "teacher_overlap");
        assert!((one.document["Q"][0].as_f64().unwrap() - r).abs() < 1e-9);
        assert_eq!(one.document["stable"], true);
        assert_eq!(one.document["scenario"], "teacher");
        let deep = deep_network(&teacher(4, 0.0, Some(16.0)), Naming::Argument).unwrap();
        assert_eq!(deep.document["equilibrium"], "intermediate");
        assert_eq!(deep.document["test_overlap"].as_array().unwrap().len(), 5);
        let error = deep_network(&teacher(3, 0.5, Some(4.0)), Naming::Flag).unwrap_err();
        assert_eq!(error.exit_status(), 2);
        assert!(error.to_string().starts_with("--kappa:"), "{error}");
        assert_eq!(
            "teacher".parse::<DeepNetworkScenario>(),
            Ok(DeepNetworkScenario::Teacher)
        );
    }

    /// Gaussian spike: overlap $1 - 1/\lambda$ above the transition.
    #[test]
    fn spiked_wigner_gaussian_overlap() {
        let parameters = SpikedWignerParameters {
            snr: 4.0,
            prior: SignalPrior::Gaussian,
        };
        let result = spiked_wigner(&parameters, Naming::Argument).unwrap();
        assert!((number(&result.document, "overlap") - 0.75).abs() < 1e-12);
        assert_eq!(result.document["prior"], "gaussian");
    }

    /// Out-of-domain parameters are bad input (status 2), named as the caller spells them.
    #[test]
    fn bad_parameters_are_named() {
        let parameters = TeacherStudentParameters {
            weights: PerceptronWeights::Spherical,
            learning: Learning::Gibbs,
            alpha: 1.0,
            temperature: 0.0,
            label_noise: 0.7,
        };
        let error = teacher_student(&parameters, Naming::Flag).unwrap_err();
        assert_eq!(error.exit_status(), 2);
        assert!(error.to_string().starts_with("--label-noise:"), "{error}");
        let parameters = PerceptronParameters {
            weights: PerceptronWeights::Binary,
            kappa: f64::NAN,
            alpha: None,
        };
        let error = perceptron(&parameters, Naming::Argument).unwrap_err();
        assert!(error.to_string().starts_with("kappa:"), "{error}");
        let parameters = SpikedWignerParameters {
            snr: -1.0,
            prior: SignalPrior::Rademacher,
        };
        let error = spiked_wigner(&parameters, Naming::Flag).unwrap_err();
        assert!(error.to_string().starts_with("--snr:"), "{error}");
        assert_eq!("binary".parse(), Ok(PerceptronWeights::Binary));
        assert!(
            "ising"
                .parse::<Learning>()
                .unwrap_err()
                .contains("\"gibbs\"")
        );
    }
}
