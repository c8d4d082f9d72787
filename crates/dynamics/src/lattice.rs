//! Metropolis dynamics of $\pm J$ spin glasses on lattices (the 3D
//! Edwards–Anderson model) with quench-mc's multispin kernel: every lane of
//! a word is one sample (or one copy of a sample), every real replica of
//! the driver one thermal history, one temperature, no exchanges.
//!
//! A unit of time is one checkerboard sweep (every site once, colour by
//! colour, in [`MultispinLayout::visit_order`]), each update an exact
//! Metropolis test with its own uniform per lane
//! ([`RandomPolicy::IndependentPerLane`]), so that lanes and histories are
//! independent Markov chains. Measured: $e(t) = H/N$ from the kernel's
//! unsatisfied-bond counts and $C(t_w+\tau, t_w) = \frac1N\sum_i s_i(t_w+\tau)s_i(t_w)$
//! from the packed spins. The kernel has no field, so there is no response
//! here (use [`crate::ising_history`] with the move seam for $\chi$).

use quench_core::{Sample, Spin};
use quench_mc::multispin::unpack_lane;
use quench_mc::temperature::TemperatureLadder;
use quench_mc::{MultispinConfig, MultispinLayout, MultispinTempering, RandomPolicy, WordWidth};

use crate::DynamicsError;
use crate::schedule::{DynamicsRecord, Schedule};
use quench_core::ParameterError;

/// Settings of the multispin ageing runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatticeSettings {
    /// Temperature $T > 0$ after the quench.
    pub temperature: f64,
    /// Thermal histories per lane (the driver's real replicas).
    pub histories: usize,
    /// Word width of the kernel; results do not depend on it.
    pub width: WordWidth,
}

/// Quenches every sample in `samples` (lane $\ell$ = `samples[l]`, disorder
/// index `first_sample + l`) from uniformly random spins, `histories` times
/// each, and records `schedule` (times in sweeps). Initial states come from
/// `(seed, InitialState, first_sample + l, history)`, the Metropolis
/// uniforms from the kernel's block streams (see
/// [`MultispinTempering::initial_state`]). Records are in the order (lane,
/// history); they do not depend on the width or the thread count.
pub fn multispin_histories(
    samples: &[Sample],
    settings: &LatticeSettings,
    schedule: &Schedule,
    seed: u64,
    first_sample: u64,
) -> Result<Vec<DynamicsRecord>, DynamicsError> {
    if !(settings.temperature.is_finite() && settings.temperature > 0.0) {
        return Err(
            ParameterError::new("temperature", settings.temperature, "a finite T > 0").into(),
        );
    }
    if settings.histories == 0 {
        return Err(ParameterError::new("histories", 0, "at least 1").into());
    }
    let not_applicable = |e: quench_mc::SamplerError| {
        DynamicsError::Parameter(ParameterError::new(
            "samples",
            samples.len(),
            format!("samples the multispin kernel can run: {e}"),
        ))
    };
    let config = MultispinConfig {
        ladder: TemperatureLadder::from_list(vec![settings.temperature])?,
        replicas: settings.histories,
        sweeps_per_exchange: 1,
        policy: RandomPolicy::IndependentPerLane,
        width: settings.width.checked().map_err(not_applicable)?,
    };
    let driver = MultispinTempering::new(config, samples).map_err(not_applicable)?;
    let layout: &MultispinLayout = driver.layout();
    let (n, blocks, lanes) = (layout.sites(), layout.blocks(), samples.len());
    let steps = schedule.steps(1.0)?;
    let mut state = driver.initial_state(seed, first_sample);
    let mut records: Vec<DynamicsRecord> = (0..lanes)
        .flat_map(|lane| (0..settings.histories).map(move |history| (lane, history)))
        .map(|(lane, history)| {
            DynamicsRecord::new(
                first_sample + lane as u64,
                history as u64,
                &steps,
                1.0,
                false,
            )
        })
        .collect();
    // The snapshots at the waiting times: [history][waiting time] -> packed words.
    let mut snapshots: Vec<Vec<Option<Vec<u64>>>> =
        vec![vec![None; steps.waiting.len()]; settings.histories];
    let mut events: Vec<u64> = steps.times.clone();
    events.extend(steps.waiting.iter().copied());
    for &tw in &steps.waiting {
        events.extend(steps.lags.iter().map(|&lag| tw + lag));
    }
    events.sort_unstable();
    events.dedup();
    let (mut now, mut current, mut reference) = (0u64, vec![0 as Spin; n], vec![0 as Spin; n]);
    for &event in &events {
        driver.sweeps(&mut state, event - now);
        now = event;
        for (history, chain) in state.chains.iter().enumerate() {
            for (slot, &t) in steps.times.iter().enumerate() {
                if t != now {
                    continue;
                }
                for lane in 0..lanes {
                    let record = &mut records[lane * settings.histories + history];
                    record.energy[slot] = layout.energy(chain.unsatisfied[lane]) / n as f64;
                }
            }
            for (w, &tw) in steps.waiting.iter().enumerate() {
                if tw == now {
                    snapshots[history][w] = Some(chain.spins.to_vec());
                }
                for (l, &lag) in steps.lags.iter().enumerate() {
                    if tw + lag != now {
                        continue;
                    }
                    let snapshot = snapshots[history][w].as_ref().expect("taken at t_w");
                    for lane in 0..lanes {
                        unpack_lane(&chain.spins, blocks, lane, &mut current);
                        unpack_lane(snapshot, blocks, lane, &mut reference);
                        let overlap: i64 = current
                            .iter()
                            .zip(&reference)
                            .map(|(&a, &b)| i64::from(a) * i64::from(b))
                            .sum();
                        records[lane * settings.histories + history].correlation[w][l] =
                            overlap as f64 / n as f64;
                    }
                }
            }
        }
    }
    Ok(records)
}
