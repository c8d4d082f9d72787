//! Measurements of a parallel-tempering run on one sample.
//!
//! At every measurement and every temperature slot, with $R$ real replicas:
//! the energy per spin and $|m|$, $m^2$ averaged over replicas; and over all
//! $R(R-1)/2$ replica pairs the overlap moments $|q|, q^2, q^4$, the link
//! overlap $q_\ell$, the Fourier overlap $|q(\mathbf k_{\min})|^2$ (lattices) and
//! the histogram of $q$ ([`overlap_binning`]: on the lattice of allowed
//! values); with three replicas or more, the ultrametric gaps of $|q|$
//! averaged over the replica triplets ([`quench_stats::OverlapMatrix`]). Each series feeds a [`BinningAccumulator`], so every thermal
//! average comes out as an [`Estimate`] with its autocorrelation time; the
//! energy and $q^2$ also feed [`TimeBlocks`], for the equilibration check
//! by logarithmic windows ([`Drift`]).

use quench_core::Sample;
use quench_core::observables::{MinimumWavevectorPhases, link_overlap, magnetisation, overlap};
use quench_stats::{
    BinningAccumulator, Drift, Estimate, Histogram, OverlapMatrix, OverlapSign, TimeBlocks,
};
use serde::{Deserialize, Serialize};

use crate::tempering::TemperingState;

/// Most bins of an overlap histogram [`overlap_histogram`] aims at when it
/// groups allowed values.
pub const OVERLAP_BINS: usize = 256;

/// How the $P(q)$ histogram of an $N$-spin sample lies on the allowed values
/// $q = -1 + 2j/N$, $j = 0, \dots, N$ ([`overlap_binning`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverlapBinning {
    /// $N$.
    pub spins: usize,
    /// Allowed values per bin, $k$.
    pub values_per_bin: usize,
    /// Number of bins.
    pub bins: usize,
    /// Empty value slots below $q = -1$ (the bins cover `bins` $\cdot k$
    /// slots of width $2/N$, centred on the allowed values, of which $N+1$
    /// are allowed; the others are split between the two ends).
    pub slots_below: usize,
}

impl OverlapBinning {
    /// Number of allowed values of $q$ in bin `bin` ($k$ everywhere when
    /// $k$ divides $N+1$; fewer in the two outermost bins otherwise).
    pub fn values_in_bin(&self, bin: usize) -> usize {
        let first = (bin * self.values_per_bin).saturating_sub(self.slots_below);
        let end = ((bin + 1) * self.values_per_bin)
            .saturating_sub(self.slots_below)
            .min(self.spins + 1);
        end.saturating_sub(first)
    }

    /// The empty histogram with this binning.
    pub fn histogram(&self) -> Histogram {
        // Half the spacing of allowed values; one bin per value gives edges at ±(1 + 1/N).
        let half = 1.0 / self.spins as f64;
        let above = self.bins * self.values_per_bin - (self.spins + 1) - self.slots_below;
        let low = -1.0 - half * (2 * self.slots_below + 1) as f64;
        let high = 1.0 + half * (2 * above + 1) as f64;
        Histogram::new(low, high, self.bins).expect("valid overlap histogram")
    }
}

/// The binning of $P(q)$ for $N$ spins, commensurate with the lattice of
/// allowed overlaps $q = -1 + 2j/N$: every bin is centred on a group of $k$
/// consecutive allowed values, its edges halfway between allowed values, so
/// no bin catches one value more than its neighbour (bins of a fixed width
/// such as 0.02 do, and their counts alternate: a comb).
///
/// One bin per value while $N + 1 \le$ [`OVERLAP_BINS`]. Above, $k$ is the
/// smallest divisor of $N+1$ that leaves at most [`OVERLAP_BINS`] bins, if
/// that leaves at least a quarter as many; every bin then holds exactly $k$
/// values. Otherwise ($N+1$ with no suitable divisor, e.g. prime)
/// $k = \lceil (N+1)/\text{OVERLAP\_BINS} \rceil$ and the two outermost bins hold
/// fewer values ([`OverlapBinning::values_in_bin`]; densities divide by it).
pub fn overlap_binning(n: usize) -> OverlapBinning {
    let n = n.max(1);
    let values = n + 1;
    let divisor = (1..=values)
        .filter(|&k| values.is_multiple_of(k))
        .find(|k| values / k <= OVERLAP_BINS)
        .filter(|k| values / k >= OVERLAP_BINS / 4);
    match divisor {
        Some(k) => OverlapBinning {
            spins: n,
            values_per_bin: k,
            bins: values / k,
            slots_below: 0,
        },
        None => {
            let k = values.div_ceil(OVERLAP_BINS);
            let bins = values.div_ceil(k);
            OverlapBinning {
                spins: n,
                values_per_bin: k,
                bins,
                slots_below: (bins * k - values) / 2,
            }
        }
    }
}

/// The histogram used for $P(q)$ of an $N$-spin sample ([`overlap_binning`]).
pub fn overlap_histogram(n: usize) -> Histogram {
    overlap_binning(n).histogram()
}

/// Accumulators of one temperature slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotAccumulators {
    /// $E/N$.
    pub energy: BinningAccumulator,
    /// Coupling part of the energy per spin, $E_J/N$ (equals $E/N$ without field).
    pub coupling_energy: BinningAccumulator,
    /// $|m|$.
    pub absolute_magnetisation: BinningAccumulator,
    /// $m^2$.
    pub magnetisation_squared: BinningAccumulator,
    /// $|q|$.
    pub absolute_overlap: BinningAccumulator,
    /// $q^2$.
    pub overlap_squared: BinningAccumulator,
    /// $q^4$.
    pub overlap_fourth: BinningAccumulator,
    /// $q_\ell$.
    pub link_overlap: BinningAccumulator,
    /// $|q(\mathbf k_{\min})|^2$ averaged over axes.
    pub fourier_overlap_squared: BinningAccumulator,
    /// Histogram of $q$ over all replica pairs.
    pub overlap_distribution: Histogram,
    /// $E/N$ in time order, for the equilibration check.
    #[serde(default)]
    pub energy_windows: TimeBlocks,
    /// $q^2$ in time order, for the equilibration check.
    #[serde(default)]
    pub overlap_squared_windows: TimeBlocks,
    /// The ultrametric lower gap $d_{12}$ of $|q|$ averaged over the
    /// replica triplets of a measurement (three replicas or more).
    #[serde(default)]
    pub ultrametric_lower_gap: BinningAccumulator,
    /// The upper gap $d_{23}$, likewise.
    #[serde(default)]
    pub ultrametric_upper_gap: BinningAccumulator,
}

/// Per-slot accumulators of a run on one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurements {
    /// Temperatures by slot.
    pub temperatures: Vec<f64>,
    /// Accumulators by slot.
    pub slots: Vec<SlotAccumulators>,
    /// Fourier phases of the sample's lattice, derived from the sample on
    /// first use (not serialised; rebuilt after a checkpoint is loaded).
    #[serde(skip)]
    phases: PhaseCache,
}

/// A cache of [`MinimumWavevectorPhases`]: derived data, so it never makes two
/// [`Measurements`] differ.
#[derive(Debug, Clone, Default)]
struct PhaseCache(Option<MinimumWavevectorPhases>);

impl PartialEq for PhaseCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl PhaseCache {
    fn for_sample(&mut self, sample: &Sample) -> Option<&MinimumWavevectorPhases> {
        let lattice = sample.lattice()?;
        Some(
            self.0
                .get_or_insert_with(|| MinimumWavevectorPhases::new(lattice)),
        )
    }
}

/// One chain's instantaneous values at a measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChainValues {
    /// $E$ (not per spin).
    pub energy: f64,
    /// $E_J = E - E_h$, the coupling part of $E$.
    pub coupling_energy: f64,
    /// $m = \frac1N \sum_i s_i$.
    pub magnetisation: f64,
}

/// One replica pair's instantaneous values at a measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairValues {
    /// $q_{ab}$.
    pub overlap: f64,
    /// $q_\ell$.
    pub link_overlap: f64,
    /// $|q(\mathbf k_{\min})|^2$ averaged over axes (lattices only).
    pub fourier_power: Option<f64>,
}

/// The instantaneous values of one temperature slot: its chains by replica,
/// and the replica pairs $(a, b)$, $a < b$, in lexicographic order.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotValues {
    /// By replica.
    pub chains: Vec<ChainValues>,
    /// By pair $(0,1), (0,2), \dots, (1,2), \dots$.
    pub pairs: Vec<PairValues>,
}

impl SlotValues {
    /// The values of slot `slot` of `state` on `sample`, computed from the
    /// spins (`phases` = the sample's lattice table, if it has one).
    pub fn of_state(
        sample: &Sample,
        state: &TemperingState,
        slot: usize,
        phases: Option<&MinimumWavevectorPhases>,
    ) -> Self {
        let chains: Vec<_> = state.chains_at(slot).collect();
        let values = chains
            .iter()
            .map(|chain| ChainValues {
                energy: chain.energy,
                coupling_energy: chain.energy - sample.field_energy(&chain.spins),
                magnetisation: magnetisation(&chain.spins),
            })
            .collect();
        let mut pairs = Vec::new();
        for a in 0..chains.len() {
            for b in a + 1..chains.len() {
                let (sa, sb) = (&chains[a].spins, &chains[b].spins);
                pairs.push(PairValues {
                    overlap: overlap(sa, sb),
                    link_overlap: link_overlap(sample, sa, sb),
                    fourier_power: phases.map(|p| p.mean_power(|j| f64::from(sa[j] * sb[j]))),
                });
            }
        }
        Self {
            chains: values,
            pairs,
        }
    }
}

/// Thermal averages of one sample at one temperature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThermalSummary {
    /// Temperature.
    pub temperature: f64,
    /// $\langle E\rangle/N$.
    pub energy: Estimate,
    /// $\langle E_J\rangle/N$.
    pub coupling_energy: Estimate,
    /// $\langle |m| \rangle$.
    pub absolute_magnetisation: Estimate,
    /// $\langle m^2 \rangle$.
    pub magnetisation_squared: Estimate,
    /// $\langle |q| \rangle$ (absent with one replica).
    pub absolute_overlap: Option<Estimate>,
    /// $\langle q^2 \rangle$.
    pub overlap_squared: Option<Estimate>,
    /// $\langle q^4 \rangle$.
    pub overlap_fourth: Option<Estimate>,
    /// $\langle q_\ell \rangle$.
    pub link_overlap: Option<Estimate>,
    /// $\langle |q(\mathbf k_{\min})|^2 \rangle$ (lattices only).
    pub fourier_overlap_squared: Option<Estimate>,
    /// $P(q)$ histogram.
    pub overlap_distribution: Histogram,
    /// Equilibration check of $E/N$: the last half against the quarter before.
    #[serde(default)]
    pub energy_drift: Option<Drift>,
    /// Equilibration check of $q^2$ (with two replicas or more).
    #[serde(default)]
    pub overlap_squared_drift: Option<Drift>,
    /// $\langle d_{12} \rangle$, the ultrametric lower gap of $|q|$
    /// ([`quench_stats::Triplet`]; three replicas or more).
    #[serde(default)]
    pub ultrametric_lower_gap: Option<Estimate>,
    /// $\langle d_{23} \rangle$, the upper gap.
    #[serde(default)]
    pub ultrametric_upper_gap: Option<Estimate>,
}

impl Measurements {
    /// Empty accumulators for `temperatures` and `n` spins.
    pub fn new(temperatures: &[f64], n: usize) -> Self {
        let slot = SlotAccumulators {
            energy: BinningAccumulator::new(),
            coupling_energy: BinningAccumulator::new(),
            absolute_magnetisation: BinningAccumulator::new(),
            magnetisation_squared: BinningAccumulator::new(),
            absolute_overlap: BinningAccumulator::new(),
            overlap_squared: BinningAccumulator::new(),
            overlap_fourth: BinningAccumulator::new(),
            link_overlap: BinningAccumulator::new(),
            fourier_overlap_squared: BinningAccumulator::new(),
            overlap_distribution: overlap_histogram(n),
            energy_windows: TimeBlocks::new(),
            overlap_squared_windows: TimeBlocks::new(),
            ultrametric_lower_gap: BinningAccumulator::new(),
            ultrametric_upper_gap: BinningAccumulator::new(),
        };
        Self {
            temperatures: temperatures.to_vec(),
            slots: vec![slot; temperatures.len()],
            phases: PhaseCache::default(),
        }
    }

    /// Records one measurement of every slot of `state`: the values of
    /// [`SlotValues::of_state`], then [`Self::record_values`].
    pub fn record(&mut self, sample: &Sample, state: &TemperingState) {
        let phases = self.phases.for_sample(sample);
        let values: Vec<SlotValues> = (0..self.slots.len())
            .map(|slot| SlotValues::of_state(sample, state, slot, phases))
            .collect();
        self.record_values(sample.n(), &values);
    }

    /// Records one measurement from its instantaneous values, `slots[k]` those
    /// of slot $k$ of an `n`-spin sample. Every kernel's measurements go
    /// through here, so equal values give bit-identical accumulators.
    pub fn record_values(&mut self, n: usize, slots: &[SlotValues]) {
        assert_eq!(slots.len(), self.slots.len(), "one set of values per slot");
        let n = n as f64;
        for (accumulators, values) in self.slots.iter_mut().zip(slots) {
            let (mut energy, mut coupling, mut m_abs, mut m_sq) = (0.0, 0.0, 0.0, 0.0);
            for chain in &values.chains {
                let m = chain.magnetisation;
                energy += chain.energy / n;
                coupling += chain.coupling_energy / n;
                m_abs += m.abs();
                m_sq += m * m;
            }
            let replicas = values.chains.len();
            let r = replicas as f64;
            accumulators.energy.push(energy / r);
            accumulators.energy_windows.push(energy / r);
            accumulators.coupling_energy.push(coupling / r);
            accumulators.absolute_magnetisation.push(m_abs / r);
            accumulators.magnetisation_squared.push(m_sq / r);
            if replicas < 2 {
                continue;
            }
            let (mut q_abs, mut q2, mut q4, mut ql, mut fourier, mut pairs) =
                (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
            for pair in &values.pairs {
                let q = pair.overlap;
                q_abs += q.abs();
                q2 += q * q;
                q4 += q * q * q * q;
                ql += pair.link_overlap;
                if let Some(power) = pair.fourier_power {
                    fourier += power;
                }
                accumulators.overlap_distribution.add(q);
                pairs += 1.0;
            }
            accumulators.absolute_overlap.push(q_abs / pairs);
            accumulators.overlap_squared.push(q2 / pairs);
            accumulators.overlap_squared_windows.push(q2 / pairs);
            accumulators.overlap_fourth.push(q4 / pairs);
            accumulators.link_overlap.push(ql / pairs);
            if values.pairs.iter().any(|p| p.fourier_power.is_some()) {
                accumulators.fourier_overlap_squared.push(fourier / pairs);
            }
            if replicas >= 3 {
                let overlaps = values.pairs.iter().map(|p| p.overlap).collect();
                let gaps = OverlapMatrix::from_pairs(replicas, overlaps)
                    .expect("one value per replica pair")
                    .gaps(OverlapSign::Absolute)
                    .expect("three replicas or more");
                accumulators.ultrametric_lower_gap.push(gaps.lower);
                accumulators.ultrametric_upper_gap.push(gaps.upper);
            }
        }
    }

    /// The thermal averages so far, by slot.
    pub fn summary(&self) -> Vec<ThermalSummary> {
        let optional = |a: &BinningAccumulator| (!a.is_empty()).then(|| a.estimate());
        let complete = |a: &BinningAccumulator, every: &BinningAccumulator| {
            (!a.is_empty() && a.len() == every.len()).then(|| a.estimate())
        };
        self.temperatures
            .iter()
            .zip(&self.slots)
            .map(|(&temperature, s)| ThermalSummary {
                temperature,
                energy: s.energy.estimate(),
                coupling_energy: s.coupling_energy.estimate(),
                absolute_magnetisation: s.absolute_magnetisation.estimate(),
                magnetisation_squared: s.magnetisation_squared.estimate(),
                absolute_overlap: optional(&s.absolute_overlap),
                overlap_squared: optional(&s.overlap_squared),
                overlap_fourth: optional(&s.overlap_fourth),
                link_overlap: optional(&s.link_overlap),
                fourier_overlap_squared: optional(&s.fourier_overlap_squared),
                overlap_distribution: s.overlap_distribution.clone(),
                energy_drift: Drift::of(&s.energy_windows),
                overlap_squared_drift: Drift::of(&s.overlap_squared_windows),
                // A checkpoint written before the gaps were measured resumes
                // without them: no partial series is reported.
                ultrametric_lower_gap: complete(&s.ultrametric_lower_gap, &s.energy),
                ultrametric_upper_gap: complete(&s.ultrametric_upper_gap, &s.energy),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adds every allowed overlap $q = -1 + 2j/N$ once, computed as the
    /// kernels compute it (a sum of products of spins over $N$).
    fn uniform_over_allowed_values(n: usize) -> Histogram {
        let mut histogram = overlap_histogram(n);
        for j in 0..=n {
            let agreeing = (n - j) as f64;
            histogram.add((agreeing - j as f64) / n as f64);
        }
        histogram
    }

    /// P(q) comb: a flat distribution over the allowed overlaps fills every
    /// bin equally (per allowed value where the outer bins hold fewer), for
    /// lattice sizes and random-graph sizes alike. Bins of width 0.02 (the
    /// old binning above N = 200) fail it: their counts alternate.
    #[test]
    fn overlap_histograms_have_no_comb_for_a_flat_distribution() {
        for n in [
            10, 64, 216, 255, 256, 343, 512, 1000, 1728, 2048, 4096, 8000, 10_007,
        ] {
            let binning = overlap_binning(n);
            let histogram = uniform_over_allowed_values(n);
            assert_eq!(histogram.bins(), binning.bins, "N = {n}");
            if n < OVERLAP_BINS {
                assert_eq!(binning.bins, n + 1, "N = {n}: one bin per value");
            } else {
                assert!(
                    binning.bins <= OVERLAP_BINS && binning.bins >= OVERLAP_BINS / 4,
                    "N = {n}: {binning:?}"
                );
            }
            assert_eq!(
                histogram.total_weight(),
                (n + 1) as f64,
                "N = {n}: all in range"
            );
            let per_value: Vec<f64> = histogram
                .counts()
                .iter()
                .enumerate()
                .map(|(b, c)| c / binning.values_in_bin(b) as f64)
                .collect();
            assert!(
                per_value.iter().all(|&c| c == 1.0),
                "N = {n}: {binning:?} counts per allowed value {per_value:?}"
            );
            let total: usize = (0..binning.bins).map(|b| binning.values_in_bin(b)).sum();
            assert_eq!(total, n + 1);
            if (n + 1).is_multiple_of(binning.values_per_bin) {
                assert!(
                    histogram
                        .counts()
                        .iter()
                        .all(|&c| c == binning.values_per_bin as f64),
                    "N = {n}: counts not flat: {:?}",
                    histogram.counts()
                );
            }
        }
        // Up to 255 spins: one bin per value, as before for N <= 200.
        assert_eq!(overlap_binning(200).values_per_bin, 1);
        let old = Histogram::new(-1.0 - 1.0 / 200.0, 1.0 + 1.0 / 200.0, 201).unwrap();
        assert_eq!(overlap_histogram(200), old);
        // The lattice sizes of 3D runs group exact divisors of N + 1.
        assert_eq!(overlap_binning(512).values_per_bin, 3); // 513 = 3 · 171
        assert_eq!(overlap_binning(1000).values_per_bin, 7); // 1001 = 7 · 143
    }
}
