//! The float-lane kernel: every lane bit-identical to its scalar reference
//! for every instruction set, lattices and random graphs, with and without
//! a field; results independent of instructions and threads; thermal
//! averages equal to exact enumeration.

mod common;

use common::assert_agrees;
use quench_core::observables::{magnetisation, overlap};
use quench_core::{Bond, CouplingDistribution, ModelSpec, Sample};
use quench_exact::Enumeration;
use quench_mc::float_lanes::{LANES, LaneInstructions, reference};
use quench_mc::{FloatLaneConfig, FloatLaneTempering, TemperatureLadder};
use quench_stats::BinningAccumulator;
use rand::RngExt;

fn gaussian_ea(dimension: i64, length: i64, lanes: usize, seed: u64, field: f64) -> Vec<Sample> {
    let ensemble = ModelSpec::EdwardsAnderson {
        dimension,
        length,
        couplings: CouplingDistribution::Gaussian,
        field,
    }
    .ensemble()
    .unwrap();
    (0..lanes as u64)
        .map(|i| ensemble.draw(seed, i).unwrap())
        .collect()
}

/// `lanes` samples on the graph of `base` with independent Gaussian
/// couplings and, if `field` is not zero, Gaussian fields of that width.
fn gaussian_on_graph(base: &Sample, lanes: usize, seed: u64, field: f64) -> Vec<Sample> {
    (0..lanes)
        .map(|lane| {
            let mut rng = quench_core::stream(seed, quench_core::Purpose::Disorder, lane as u64, 7);
            let bonds = base
                .bonds()
                .unwrap()
                .iter()
                .map(|b| Bond {
                    coupling: rng.sample(rand_distr::StandardNormal),
                    ..*b
                })
                .collect();
            let fields = if field == 0.0 {
                vec![]
            } else {
                (0..base.n())
                    .map(|_| field * rng.sample::<f64, _>(rand_distr::StandardNormal))
                    .collect()
            };
            Sample::from_bonds(base.n(), bonds, fields, base.geometry().clone()).unwrap()
        })
        .collect()
}

fn base(model: ModelSpec) -> Sample {
    model.ensemble().unwrap().draw(3, 0).unwrap()
}

/// The test systems: a checkerboard lattice in 3D, a 2D lattice with a
/// field, a random regular graph (odd degree, swept sequentially) with
/// fields, and an Erdős–Rényi graph (irregular: padded slots).
fn systems(lanes: usize) -> Vec<(&'static str, Vec<Sample>)> {
    let rrg = base(ModelSpec::RandomRegular {
        n: 30,
        degree: 3,
        couplings: CouplingDistribution::Gaussian,
        field: 0.0,
    });
    let er = base(ModelSpec::ErdosRenyi {
        n: 40,
        mean_degree: 3.0,
        couplings: CouplingDistribution::Gaussian,
        field: 0.0,
    });
    vec![
        ("EA 3D L=4", gaussian_ea(3, 4, lanes, 5, 0.0)),
        ("EA 2D L=6 h=0.4", gaussian_ea(2, 6, lanes, 6, 0.4)),
        (
            "RRG c=3 with fields",
            gaussian_on_graph(&rrg, lanes, 7, 0.5),
        ),
        ("Erdős–Rényi", gaussian_on_graph(&er, lanes, 8, 0.0)),
    ]
}

fn instructions() -> Vec<LaneInstructions> {
    [
        LaneInstructions::Portable,
        LaneInstructions::Avx2,
        LaneInstructions::Avx512,
    ]
    .into_iter()
    .filter(|i| i.is_available())
    .collect()
}

fn config(
    temperatures: &[f64],
    replicas: usize,
    instructions: LaneInstructions,
) -> FloatLaneConfig {
    FloatLaneConfig {
        ladder: TemperatureLadder::from_list(temperatures.to_vec()).unwrap(),
        replicas,
        sweeps_per_exchange: 1,
        instructions,
    }
}

/// Every lane of every chain after 1, 2 and 5 more sweeps equals
/// [`reference::sweep`] from the lane's initial spins and generator, and
/// its energy equals [`reference::energy`], for every instruction set.
#[test]
fn every_lane_follows_its_reference_trajectory() {
    // 20 lanes: a full group and a padded one.
    for (label, samples) in systems(20) {
        let temperatures = [0.4, 1.0, 2.5];
        for &instructions in &instructions() {
            let tempering =
                FloatLaneTempering::new(config(&temperatures, 1, instructions), &samples).unwrap();
            let mut state = tempering.initial_state(11, 100);
            let mut lanes: Vec<(Vec<i8>, [u32; 4])> = Vec::new();
            for slot in 0..temperatures.len() {
                for (lane, _) in samples.iter().enumerate() {
                    let chain = tempering.chain(&state, 0, slot, lane);
                    let words = std::array::from_fn(|w| chain.rng.state[w * LANES + lane % LANES]);
                    lanes.push((tempering.lane_spins(&state, 0, slot, lane), words));
                }
            }
            for sweeps in [1, 2, 5] {
                tempering.sweeps(&mut state, sweeps);
                for slot in 0..temperatures.len() {
                    for (lane, sample) in samples.iter().enumerate() {
                        let (spins, words) = &mut lanes[slot * samples.len() + lane];
                        reference::sweep(sample, 1.0 / temperatures[slot], spins, words, sweeps);
                        let what = format!("{label} {instructions:?} slot {slot} lane {lane}");
                        assert_eq!(
                            &tempering.lane_spins(&state, 0, slot, lane),
                            spins,
                            "{what}: spins"
                        );
                        assert_eq!(
                            tempering.lane_energy(&state, 0, slot, lane).to_bits(),
                            reference::energy(sample, spins).to_bits(),
                            "{what}: energy"
                        );
                        // The kernel's energy is the sample's up to the
                        // rounding of the couplings to f32.
                        let exact = sample.energy(spins);
                        assert!(
                            (tempering.lane_energy(&state, 0, slot, lane) - exact).abs()
                                < 1e-5 * (1.0 + exact.abs()),
                            "{what}: {exact}"
                        );
                    }
                }
            }
        }
    }
}

/// Tempering rounds give the same state whatever the instructions and the
/// number of threads.
#[test]
fn results_do_not_depend_on_instructions_or_threads() {
    let samples = gaussian_ea(3, 4, 40, 9, 0.0);
    let mut states = Vec::new();
    for &instructions in &instructions() {
        for threads in [1, 2, 5] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let tempering =
                FloatLaneTempering::new(config(&[0.5, 0.8, 1.3], 2, instructions), &samples)
                    .unwrap();
            let state = pool.install(|| {
                let mut state = tempering.initial_state(4, 0);
                for _ in 0..30 {
                    tempering.step(&mut state);
                }
                state
            });
            states.push((instructions, threads, state));
        }
    }
    for (instructions, threads, state) in &states[1..] {
        assert!(
            state == &states[0].2,
            "{instructions:?} on {threads} threads differs from {:?} on {}",
            states[0].0,
            states[0].1
        );
    }
    // The exchanges moved walkers.
    assert!(
        states[0]
            .2
            .exchange
            .iter()
            .any(|l| l.exchange_accepts.iter().any(|&a| a > 0))
    );
}

/// Energy, |m|, m² and q² of two lanes of each system against exact
/// enumeration at three temperatures (two replicas, tempering), with
/// binning errors.
fn check_against_enumeration(label: &str, samples: &[Sample], checked: &[usize]) {
    let ladder = TemperatureLadder::from_list(vec![0.5, 0.9, 1.6]).unwrap();
    let tempering = FloatLaneTempering::new(
        FloatLaneConfig {
            ladder: ladder.clone(),
            replicas: 2,
            sweeps_per_exchange: 1,
            instructions: LaneInstructions::fastest(),
        },
        samples,
    )
    .unwrap();
    let mut state = tempering.initial_state(17, 0);
    let rounds = 40_000;
    for _ in 0..rounds / 10 {
        tempering.step(&mut state);
    }
    let k = ladder.len();
    let n = samples[0].n();
    let mut accumulators = vec![[(); 4].map(|_| BinningAccumulator::new()); checked.len() * k];
    for _ in 0..rounds {
        tempering.step(&mut state);
        for (c, &lane) in checked.iter().enumerate() {
            for slot in 0..k {
                let a = tempering.lane_spins(&state, 0, slot, lane);
                let b = tempering.lane_spins(&state, 1, slot, lane);
                let acc = &mut accumulators[c * k + slot];
                let (ea, eb) = (
                    tempering.lane_energy(&state, 0, slot, lane),
                    tempering.lane_energy(&state, 1, slot, lane),
                );
                let (ma, mb) = (magnetisation(&a), magnetisation(&b));
                let q = overlap(&a, &b);
                acc[0].push((ea + eb) / (2.0 * n as f64));
                acc[1].push((ma.abs() + mb.abs()) / 2.0);
                acc[2].push((ma * ma + mb * mb) / 2.0);
                acc[3].push(q * q);
            }
        }
    }
    for (c, &lane) in checked.iter().enumerate() {
        let exact = Enumeration::new(&samples[lane]).unwrap();
        for (slot, &t) in ladder.temperatures().iter().enumerate() {
            let thermal = exact.thermal(t).unwrap();
            let acc = &accumulators[c * k + slot];
            let what = format!("{label} lane {lane} T={t:.3}");
            assert_agrees(
                &format!("{what} energy"),
                acc[0].estimate(),
                thermal.energy_per_spin,
            );
            assert_agrees(
                &format!("{what} |m|"),
                acc[1].estimate(),
                thermal.absolute_magnetisation,
            );
            assert_agrees(
                &format!("{what} m^2"),
                acc[2].estimate(),
                thermal.magnetisation_squared,
            );
            assert_agrees(
                &format!("{what} q^2"),
                acc[3].estimate(),
                exact.replicas(&samples[lane], t).unwrap().overlap_squared,
            );
        }
    }
}

#[test]
fn float_lane_tempering_reproduces_enumeration_on_a_4x4_gaussian_lattice() {
    check_against_enumeration("EA 4x4", &gaussian_ea(2, 4, 20, 12, 0.0), &[0, 17]);
}

#[test]
fn float_lane_tempering_reproduces_enumeration_on_a_random_graph_with_fields() {
    let rrg = base(ModelSpec::RandomRegular {
        n: 14,
        degree: 3,
        couplings: CouplingDistribution::Gaussian,
        field: 0.0,
    });
    check_against_enumeration("RRG c=3 h", &gaussian_on_graph(&rrg, 16, 13, 0.6), &[3, 10]);
}

/// The values counted from the spin bits are those of each lane's
/// unpacked snapshot ([`SlotValues::of_state`]); the field part differs
/// only by the rounding of the fields to `f32`.
#[test]
fn lane_values_are_the_values_of_each_lanes_snapshot() {
    use quench_core::observables::MinimumWavevectorPhases;
    use quench_mc::SlotValues;
    for (label, samples) in systems(20) {
        let tempering = FloatLaneTempering::new(
            config(&[0.5, 1.5], 3, LaneInstructions::fastest()),
            &samples,
        )
        .unwrap();
        let mut state = tempering.initial_state(2, 0);
        for _ in 0..5 {
            tempering.step(&mut state);
        }
        let phases = samples[0].lattice().map(MinimumWavevectorPhases::new);
        let values = tempering.lane_values(&state, phases.as_ref());
        assert_eq!(values.len(), samples.len());
        for (lane, sample) in samples.iter().enumerate() {
            let snapshot = tempering.lane_tempering_state(&state, lane);
            for (slot, found) in values[lane].iter().enumerate() {
                let mut expected = SlotValues::of_state(sample, &snapshot, slot, phases.as_ref());
                for (e, f) in expected.chains.iter_mut().zip(&found.chains) {
                    assert!(
                        (e.coupling_energy - f.coupling_energy).abs() < 1e-5,
                        "{label} lane {lane}: {e:?} vs {f:?}"
                    );
                    e.coupling_energy = f.coupling_energy;
                }
                assert_eq!(&expected, found, "{label} lane {lane} slot {slot}");
            }
        }
    }
}
