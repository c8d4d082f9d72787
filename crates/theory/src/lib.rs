//! # quench-theory: the theory that predicts the simulations
//!
//! Conventions are those of `quench-core`:
//! $H = -\sum_{i<j}J_{ij}s_is_j - h\sum_i s_i$, SK couplings of variance $1/N$,
//! $k_B = 1$, every extensive quantity per spin.
//!
//! ## Main types and how data flows
//!
//! ```text
//! (T, h) ──sk::replica_symmetric──────────> ReplicaSymmetric  (q, f, u, s, chi, replicon)
//!   T    ──sk::almeida_thouless_field─────> AlmeidaThoulessPoint (h_AT)
//! (T, h, k, ParisiOptions)
//!        ──sk::replica_symmetry_breaking──> ReplicaBreaking (f, u, s, q(x) steps, P(q))
//! (T, h, ParisiOptions)
//!        ──sk::full_replica_symmetry_breaking──> FullReplicaBreaking
//!                                           (k = 1, 2, 4, ... sequence, extrapolation, error)
//!   p    ──pspin::spherical_p_spin / ising_p_spin──> SphericalThresholds / IsingThresholds
//! (Covariance xi, T, t_max, waiting times, GridOptions)
//!        ──dynamics::quench──> QuenchDynamics (Cugliandolo–Kurchan: e(t), z(t), C(t, t_w),
//!                                chi(t, t_w), error from a half grid, ageing asymptotics)
//! (xi, T) ──dynamics::equilibrium──> EquilibriumDynamics (C(tau) with FDT, plateau, tau_alpha)
//! (p, T < T_d) ──dynamics::ageing──> AgeingAsymptotics (plateau, x, e_inf, z_inf)
//! Sample (quench-core) ──mean_field::tap──> TapSolution (m_i, diagnostics, TAP free energy)
//!                      ──mean_field::amp──> AmpRun (q_hat_t beside state evolution q_t)
//!                      ──cavity::belief_propagation──> BeliefPropagation
//! (GraphEnsemble, couplings, T)
//!        ──cavity::population_dynamics──> CavityPoint (Estimates of f, u, s, q)
//!        ──cavity::instability_temperature──> T_c
//!   (GraphEnsemble: RandomRegular { degree } or ErdosRenyi { mean_degree })
//!
//! Hopfield network (AGS replica-symmetric theory), load alpha = P/N:
//! (alpha, T) ──hopfield::retrieval_state / spin_glass_state / paramagnetic_state──>
//!                                            HopfieldState (branch, m, q, r, f, u, s, replicon)
//!            ──hopfield::saddle_points / equilibrium_state──> [HopfieldState]
//!   T    ──hopfield::capacity_at_temperature──> CapacityPoint (alpha_c, m, q, r, ...)
//! alpha  ──hopfield::retrieval_temperature────> CapacityPoint at T_M(alpha)
//! points ──hopfield::phase_diagram────────────> PhaseDiagram (T_g, T_M, T_c, T_R lines)
//! (n, N, P), rho, (ensemble, lambda)
//!        ──hopfield::dense::*─────────────────> dense-memory capacities (polynomial,
//!                                               exponential, log-sum-exp)
//!
//! Perceptron (Gardner volume, teacher–student learning), load alpha = P/N:
//!  kappa ──perceptron::spherical_capacity──> alpha_c(kappa)
//! (alpha, kappa) ──perceptron::spherical_volume──> GardnerPoint (q, entropy)
//!                ──perceptron::binary_volume────> BinaryGardnerPoint (q, q_hat, entropy)
//!  kappa ──perceptron::binary_capacity────> BinaryCapacity (Krauth–Mézard, RS q -> 1)
//! (Weights, Learning, alpha, T, label_noise)
//!        ──perceptron::teacher_student────> TeacherStudentPoint (eps_g, R, q, free
//!                                           entropy, branch, metastable branch)
//!        ──perceptron::binary_transition──> BinaryTransition (alpha_transition,
//!                                           alpha_spinodal)
//! Deep network of perceptrons (Yoshino 2020, replica symmetric), load alpha = M/c:
//! (alpha, L, kappa) ──deep_network::deep_network_profile──> DeepNetworkPoint (q_l, Q_l, f,
//!                                           replicon and the layers it sits in)
//!      (L, kappa) ──deep_network::deep_network_glass_transition──> DeepNetworkGlassTransition
//!                                           (alpha_glass = 1/m(kappa)^4, glassy layers)
//!      (alpha, L) ──deep_network::deep_network_teacher_profile──> DeepNetworkTeacherPoint
//!                                           (teacher-student, Nishimori line: informed,
//!                                           uninformed, intermediate solutions, r_test)
//!           (L) ──deep_network::deep_network_teacher_transitions──> DeepNetworkTeacherTransitions
//! Inference and learning (Bayes-optimal AMP beside its state evolution):
//! (n, alpha, prior, inputs, eta, seed)
//!        ──perceptron::amp::draw_perceptron──> PerceptronSample (X, y, w*)
//! (X, y, prior, eta, IterationOptions, w*?)
//!        ──perceptron::amp::perceptron_amp──> PerceptronAmpRun (w_hat, m_t, q_t beside SE m_t,
//!                                               generalisation error)
//! (prior, alpha, eta, m0)
//!        ──perceptron::amp::perceptron_state_evolution_fixed_point──> PerceptronPoint
//!                                               (m, m_hat, arccos(sqrt m)/pi)
//! (n, lambda, prior, seed)
//!        ──spiked_wigner::draw_spiked_wigner──> SpikedWignerSample (Y, x)
//! (Y, lambda, prior, WignerStart, IterationOptions, x?)
//!        ──spiked_wigner::spiked_wigner_amp──> SpikedWignerAmpRun (x_hat, m_t beside SE m_t)
//! (lambda, prior)
//!        ──spiked_wigner::spiked_wigner_state_evolution──> SpikedWignerPoint (overlap, mmse)
//!
//! Two-dimensional critical points (phase-classification experiments):
//! (J_v, J_h, J_d) ──triangular::houtappel_critical_temperature──> T_c
//!                 ──triangular::disorder_temperature──> T_d (J_v = J_h, J_d < 0)
//! triangular::ISING_EXPONENTS, BAXTER_WU_EXPONENTS ──> nu, alpha, beta, gamma, eta
//! ```
//!
//! All result types derive `Serialize` (the command line prints them as JSON)
//! and every bad parameter gives a [`TheoryError`] naming it.
//!
//! ## Which solver
//!
//! * Overlays of SK thermodynamics: [`sk::replica_symmetric_curve`] (microseconds per
//!   point) and [`sk::full_replica_symmetry_breaking`] with
//!   [`sk::ParisiOptions::fast`] (tens of milliseconds per point at $T > 0$).
//! * Precise Parisi values: [`sk::ParisiOptions::accurate`]: the $T = 0$ ground
//!   state $-0.7631666 \pm 7\cdot 10^{-7}$ in a few seconds.
//! * Hopfield: [`hopfield::capacity_at_temperature`] (about a millisecond) for
//!   $\alpha_c(T)$; [`hopfield::phase_diagram()`] for all four AGS lines (a few
//!   tenths of a second at 32 points per line); the Hopfield conventions
//!   (self-couplings excluded, $J_{ij} = \frac1N\sum_\mu\xi_i^\mu\xi_j^\mu$) are
//!   in the module docs.
//! * The full-RSB engine minimises the Parisi functional over step functions
//!   (Cole–Hopf steps on a grid, BFGS); its numerics are described in the
//!   `parisi` module source.

pub mod cavity;
pub mod deep_network;
pub mod dynamics;
pub mod error;
pub mod hopfield;
pub mod inverse;
pub mod mean_field;
pub(crate) mod numerics;
pub(crate) mod parisi;
pub mod perceptron;
pub mod pspin;
pub mod sk;
pub mod spiked_wigner;
pub mod triangular;

pub use error::TheoryError;
