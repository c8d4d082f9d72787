//! The samplers against exact enumeration and Kaufman's finite-lattice
//! solution; snapshots against their own measured decorrelation.

use quench_core::{Purpose, stream};
use quench_exact::kaufman::KaufmanIsing;
use quench_stats::{Estimate, estimate_from_series};
use quench_theory::triangular::TriangularCouplings;

use crate::chain::{Kernel, LatticeChain};
use crate::enumeration::exact_averages;
use crate::lattice::TriangularLattice;
use crate::model::CriticalModel;
use crate::snapshots::{SnapshotOptions, generate_snapshots, pack, unpack};

/// Which moves a test chain makes per step.
#[derive(Clone, Copy)]
enum Moves {
    Step,
    MetropolisOnly,
    ClustersOnly,
}

/// Energy per site and order parameter over `steps` steps after `burn_in`.
fn measure(
    model: CriticalModel,
    lattice: &TriangularLattice,
    temperature: f64,
    moves: Moves,
    steps: usize,
    seed: u64,
) -> (Estimate, Estimate) {
    let mut kernel = Kernel::new(model, lattice, 1.0 / temperature);
    let mut chain = LatticeChain::random(lattice, stream(seed, Purpose::Dynamics, 0, 0));
    if matches!(moves, Moves::Step) {
        kernel.calibrate_clusters(&mut chain, 100);
    }
    let n = lattice.sites() as f64;
    let mut energy = Vec::with_capacity(steps);
    let mut order = Vec::with_capacity(steps);
    for step in 0..steps + steps / 10 {
        match moves {
            Moves::Step => kernel.step(&mut chain),
            Moves::MetropolisOnly => {
                kernel.metropolis_sweep(&mut chain);
            }
            Moves::ClustersOnly => {
                for _ in 0..4 {
                    kernel.cluster_move(&mut chain);
                }
            }
        }
        if step >= steps / 10 {
            energy.push(model.energy(lattice, &chain.spins) / n);
            order.push(model.order_parameter(lattice, &chain.spins));
        }
    }
    (estimate_from_series(&energy), estimate_from_series(&order))
}

/// |z| below this for every compared average: the errors come from binning
/// (autocorrelations included); with a dozen comparisons per test a correct
/// sampler exceeds 4.5 sigma with probability below 1e-4.
const SIGMAS: f64 = 4.5;

fn compare_with_enumeration(model: CriticalModel, lattice: &TriangularLattice, moves: Moves) {
    let temperatures = [1.5, 2.269, 4.0];
    let exact = exact_averages(&model, lattice, &temperatures).unwrap();
    for (k, point) in exact.iter().enumerate() {
        let (energy, order) = measure(
            model,
            lattice,
            point.temperature,
            moves,
            40_000,
            11 + k as u64,
        );
        let z_energy = energy.z_score(point.energy);
        let z_order = order.z_score(point.order_parameter);
        assert!(
            z_energy.abs() < SIGMAS && z_order.abs() < SIGMAS,
            "T = {}: energy {energy} vs exact {:.6} (z = {z_energy:.2}), order {order} vs {:.6} (z = {z_order:.2})",
            point.temperature,
            point.energy,
            point.order_parameter
        );
    }
}

#[test]
fn baxter_wu_steps_sample_the_exact_distribution() {
    let lattice = TriangularLattice::new(3, 6).unwrap();
    let model = CriticalModel::baxter_wu(1.0).unwrap();
    compare_with_enumeration(model, &lattice, Moves::Step);
}

#[test]
fn baxter_wu_metropolis_alone_samples_the_exact_distribution() {
    let lattice = TriangularLattice::new(6, 3).unwrap();
    let model = CriticalModel::baxter_wu(1.0).unwrap();
    compare_with_enumeration(model, &lattice, Moves::MetropolisOnly);
}

#[test]
fn baxter_wu_clusters_alone_sample_the_exact_distribution() {
    let lattice = TriangularLattice::new(3, 6).unwrap();
    let model = CriticalModel::baxter_wu(1.0).unwrap();
    compare_with_enumeration(model, &lattice, Moves::ClustersOnly);
}

#[test]
fn anisotropic_ising_with_an_antiferromagnetic_diagonal_samples_the_exact_distribution() {
    let lattice = TriangularLattice::new(4, 4).unwrap();
    let couplings = TriangularCouplings::new(1.0, 0.6, -0.3).unwrap();
    for moves in [Moves::Step, Moves::MetropolisOnly, Moves::ClustersOnly] {
        compare_with_enumeration(CriticalModel::Ising(couplings), &lattice, moves);
    }
}

#[test]
fn triangular_ising_samples_the_exact_distribution() {
    let lattice = TriangularLattice::new(5, 4).unwrap();
    let couplings = TriangularCouplings::new(1.0, 1.0, 1.0).unwrap();
    compare_with_enumeration(CriticalModel::Ising(couplings), &lattice, Moves::Step);
}

#[test]
fn enumeration_of_the_square_lattice_agrees_with_kaufman() {
    // J_d = 0 is the square lattice; Kaufman's rows are our y, columns our x.
    let lattice = TriangularLattice::new(4, 5).unwrap();
    let model = CriticalModel::square_ising();
    let kaufman = KaufmanIsing::new(5, 4).unwrap();
    let exact = exact_averages(&model, &lattice, &[1.0, 2.269, 3.5]).unwrap();
    for point in exact {
        let beta = 1.0 / point.temperature;
        let log_z = kaufman.log_partition_function(beta).unwrap();
        assert!((point.log_partition_function - log_z).abs() < 1e-10 * log_z.abs());
        let energy = kaufman.energy_per_spin(beta).unwrap();
        assert!(
            (point.energy - energy).abs() < 1e-10,
            "{} vs {energy}",
            point.energy
        );
        let heat = kaufman.specific_heat_per_spin(beta).unwrap();
        assert!(
            (point.specific_heat - heat).abs() < 1e-9,
            "{} vs {heat}",
            point.specific_heat
        );
    }
}

#[test]
fn square_ising_at_l16_agrees_with_kaufman_near_t_c() {
    let lattice = TriangularLattice::square(16).unwrap();
    let model = CriticalModel::square_ising();
    let kaufman = KaufmanIsing::new(16, 16).unwrap();
    for (k, temperature) in [2.0, 2.269, 2.6].into_iter().enumerate() {
        let (energy, _) = measure(
            model,
            &lattice,
            temperature,
            Moves::Step,
            6_000,
            40 + k as u64,
        );
        let exact = kaufman.energy_per_spin(1.0 / temperature).unwrap();
        let z = energy.z_score(exact);
        assert!(
            z.abs() < SIGMAS,
            "T = {temperature}: {energy} vs Kaufman {exact:.6} (z = {z:.2})"
        );
    }
}

#[test]
fn local_energies_sum_to_the_energy_and_ground_states_have_order_one() {
    let lattice = TriangularLattice::new(6, 9).unwrap();
    let baxter_wu = CriticalModel::baxter_wu(1.0).unwrap();
    // The four ground states: all up, or two sublattices down.
    for flipped in [
        [false; 3],
        [true, true, false],
        [true, false, true],
        [false, true, true],
    ] {
        let spins: Vec<i8> = (0..lattice.sites())
            .map(|s| if flipped[lattice.colour(s)] { -1 } else { 1 })
            .collect();
        assert_eq!(
            baxter_wu.energy(&lattice, &spins),
            -2.0 * lattice.sites() as f64
        );
        assert_eq!(baxter_wu.order_parameter(&lattice, &spins), 1.0);
    }
    let chain = LatticeChain::random(&lattice, stream(3, Purpose::InitialState, 0, 0));
    let couplings = TriangularCouplings::new(0.7, 1.1, -0.2).unwrap();
    for model in [baxter_wu, CriticalModel::Ising(couplings)] {
        let mut local = vec![0.0; lattice.sites()];
        model.local_energies(&lattice, &chain.spins, &mut local);
        // Direct sums over bonds and triangles.
        let direct: f64 = match model {
            CriticalModel::Ising(c) => (0..lattice.sites())
                .map(|i| {
                    let row = lattice.neighbours(i);
                    let s = |k: usize| f64::from(chain.spins[row[k] as usize]);
                    -f64::from(chain.spins[i])
                        * (c.horizontal * s(0) + c.vertical * s(2) + c.diagonal * s(4))
                })
                .sum(),
            CriticalModel::BaxterWu { coupling } => lattice
                .triangles()
                .map(|[a, b, c]| {
                    -coupling * f64::from(chain.spins[a] * chain.spins[b] * chain.spins[c])
                })
                .sum(),
        };
        let total: f64 = local.iter().sum();
        assert!((total - direct).abs() < 1e-9, "{total} vs {direct}");
    }
}

#[test]
fn baxter_wu_needs_sides_divisible_by_three() {
    let model = CriticalModel::baxter_wu(1.0).unwrap();
    let error = model
        .check_lattice(&TriangularLattice::new(4, 6).unwrap())
        .unwrap_err();
    assert!(error.to_string().contains("divisible by 3"), "{error}");
    assert!(CriticalModel::baxter_wu(-1.0).is_err());
}

#[test]
fn packing_round_trips() {
    let lattice = TriangularLattice::new(5, 3).unwrap();
    let chain = LatticeChain::random(&lattice, stream(5, Purpose::InitialState, 0, 0));
    let mut bytes = Vec::new();
    pack(&chain.spins, &mut bytes);
    assert_eq!(bytes.len(), 2);
    let mut back = vec![0; 15];
    unpack(&bytes, 15, &mut back);
    assert_eq!(back, chain.spins);
}

#[test]
fn snapshots_are_spaced_by_their_measured_autocorrelation_time() {
    let lattice = TriangularLattice::square(12).unwrap();
    let model = CriticalModel::square_ising();
    let temperature = 2.269;
    let mut kernel = Kernel::new(model, &lattice, 1.0 / temperature);
    let mut chain = LatticeChain::random(&lattice, stream(8, Purpose::Dynamics, 0, 0));
    let options = SnapshotOptions {
        snapshots: 400,
        pilot: 2000,
        ..SnapshotOptions::default()
    };
    let set = generate_snapshots(&mut kernel, &mut chain, temperature, &options).unwrap();
    assert_eq!(set.len(), 400);
    let tau = set
        .pilot
        .energy
        .tau_int
        .max(set.pilot.order_parameter.tau_int);
    assert_eq!(set.spacing, ((2.0 * tau).ceil() as usize).max(1));
    // Kept snapshots decorrelated: tau_int of the kept series within three
    // of its errors of 1/2 (or below it).
    for kept in [set.kept.energy, set.kept.order_parameter] {
        assert!(
            kept.tau_int < 0.5 + 3.0 * kept.tau_int_error + 0.1,
            "{kept:?}"
        );
    }
    // The stored energies are those of the stored spins.
    for index in [0, 199, 399] {
        let spins = set.snapshot(index);
        let energy = model.energy(&lattice, &spins) / lattice.sites() as f64;
        assert_eq!(energy, set.energy[index]);
    }
    // A limit below the measured need is an error naming the remedy.
    let strict = SnapshotOptions {
        maximum_spacing: 1,
        pilot: 500,
        snapshots: 10,
        ..SnapshotOptions::default()
    };
    let mut chain = LatticeChain::random(&lattice, stream(9, Purpose::Dynamics, 0, 0));
    let mut baxter_wu_kernel =
        Kernel::new(CriticalModel::baxter_wu(1.0).unwrap(), &lattice, 1.0 / 2.3);
    let error = generate_snapshots(&mut baxter_wu_kernel, &mut chain, 2.3, &strict).unwrap_err();
    assert!(error.to_string().contains("maximum_spacing"), "{error}");
}
