//! The moves of the design space: hidden-spin flips, weight rotations and
//! flips (with the output-loss cascade), sweeps, and the chains tempering
//! exchanges.

use super::*;

impl DesignSpace {
    /// The change of $E$ if hidden spin $S^\mu_{l,i}$ ($1 \le l \le L-1$) flipped.
    pub fn spin_change(
        &self,
        state: &DesignState,
        layer: usize,
        pattern: usize,
        neuron: usize,
    ) -> CountChange {
        let a = self.architecture();
        let (n, size) = (a.width, self.layer_size());
        let at = (layer - 1) * size + pattern * n + neuron;
        let s = state.spins[at + size];
        let h = state.fields[at];
        let mut delta = violated(-s * h, self.margin) - violated(s * h, self.margin);
        let factor = -2.0 * s * self.scale;
        let row = layer * size + pattern * n;
        let (spins, fields) = (
            &state.spins[row + size..row + size + n],
            &state.fields[row..row + n],
        );
        let range = self.data.wiring.reader_range(layer + 1, neuron);
        let outgoing = &state.outgoing[range.clone()];
        if self.data.wiring.is_global() {
            delta += gap_changes(spins, fields, outgoing, factor, self.margin);
        } else {
            let c = a.connectivity;
            for (&slot, &w) in self
                .data
                .wiring
                .readers(layer + 1, neuron)
                .iter()
                .zip(outgoing)
            {
                let k = slot as usize / c;
                let (s, h) = (spins[k], fields[k]);
                delta += violated(s * (h + factor * w), self.margin) - violated(s * h, self.margin);
            }
        }
        CountChange { delta }
    }

    /// Flips hidden spin $S^\mu_{l,i}$ whose change is `change`.
    pub fn flip_spin(
        &self,
        state: &mut DesignState,
        layer: usize,
        pattern: usize,
        neuron: usize,
        change: CountChange,
    ) {
        let a = self.architecture();
        let (n, size) = (a.width, self.layer_size());
        let at = (layer - 1) * size + pattern * n + neuron;
        let s = state.spins[at + size];
        state.spins[at + size] = -s;
        let factor = -2.0 * s * self.scale;
        let row = layer * size + pattern * n;
        let range = self.data.wiring.reader_range(layer + 1, neuron);
        let (fields, outgoing) = (&mut state.fields[row..row + n], &state.outgoing[range]);
        if self.data.wiring.is_global() {
            for (h, &w) in fields.iter_mut().zip(outgoing) {
                *h += factor * w;
            }
        } else {
            let c = a.connectivity;
            for (&slot, &w) in self
                .data
                .wiring
                .readers(layer + 1, neuron)
                .iter()
                .zip(outgoing)
            {
                fields[slot as usize / c] += factor * w;
            }
        }
        state.energy = (state.energy as i64 + change.delta) as u64;
    }

    /// Proposes new weights `scratch.weights` for perceptron $(l, k)$ and
    /// their fields `scratch.fields` on every pattern.
    fn propose_fields(
        &self,
        state: &DesignState,
        layer: usize,
        neuron: usize,
        scratch: &mut MoveScratch,
    ) {
        let a = self.architecture();
        let (n, m, c, size) = (
            a.width,
            self.data.patterns,
            a.connectivity,
            self.layer_size(),
        );
        let start = a.weight_index(layer, neuron, 0);
        let old = &state.weights[start..start + c];
        scratch.fields.resize(m, 0.0);
        let input = &state.spins[(layer - 1) * size..layer * size];
        let field = |mu: usize| state.fields[(layer - 1) * size + mu * n + neuron];
        // The change of the weights, dense and (when few entries move) sparse.
        scratch.eta.clear();
        scratch
            .eta
            .extend(scratch.weights.iter().zip(old).map(|(new, old)| new - old));
        scratch.sparse.clear();
        for (j, &d) in scratch.eta.iter().enumerate() {
            if d != 0.0 {
                scratch.sparse.push((j as u32, d));
            }
        }
        let delta = &scratch.eta;
        let changed = &scratch.sparse;
        let sparse = changed.len() * 4 < c;
        let inputs = self.data.wiring.inputs(layer, neuron);
        let global = self.data.wiring.is_global();
        for mu in 0..m {
            let row = &input[mu * n..(mu + 1) * n];
            let shift = if sparse {
                changed
                    .iter()
                    .map(|&(j, d)| d * row[inputs[j as usize] as usize])
                    .sum::<f64>()
            } else if global {
                dot(delta, row)
            } else {
                delta
                    .iter()
                    .zip(inputs)
                    .map(|(d, &i)| d * row[i as usize])
                    .sum()
            };
            scratch.fields[mu] = field(mu) + shift * self.scale;
        }
    }

    /// Decides the proposal in `scratch` for perceptron $(l, k)$ with
    /// `acceptance` and makes it if accepted; returns whether it was made.
    fn decide_weights<A, R>(
        &self,
        state: &mut DesignState,
        layer: usize,
        neuron: usize,
        acceptance: &A,
        scratch: &mut MoveScratch,
        rng: &mut R,
    ) -> bool
    where
        A: Acceptance<CountChange>,
        R: Rng + ?Sized,
    {
        let a = *self.architecture();
        let (n, m, size) = (a.width, self.data.patterns, self.layer_size());
        let base = (layer - 1) * size + neuron;
        match self.loss {
            Loss::Gaps => {
                let mut delta = 0i64;
                for mu in 0..m {
                    let s = state.spins[base + size + mu * n];
                    let (old, new) = (state.fields[base + mu * n], scratch.fields[mu]);
                    delta += violated(s * new, self.margin) - violated(s * old, self.margin);
                }
                let change = CountChange { delta };
                if !acceptance.accept(change, rng) {
                    return false;
                }
                for mu in 0..m {
                    state.fields[base + mu * n] = scratch.fields[mu];
                }
                self.write_weights(state, layer, neuron, scratch);
                state.energy = (state.energy as i64 + delta) as u64;
                true
            }
            Loss::OutputError => {
                scratch.field_log.clear();
                scratch.spin_log.clear();
                scratch.marked.resize(n, false);
                let mut delta = 0i64;
                for mu in 0..m {
                    let at = base + mu * n;
                    scratch.field_log.push((at as u32, state.fields[at]));
                    state.fields[at] = scratch.fields[mu];
                    let sign = if scratch.fields[mu] >= 0.0 { 1.0 } else { -1.0 };
                    if sign != state.spins[at + size] {
                        delta += self.cascade(state, layer, mu, neuron, scratch);
                    }
                }
                let change = CountChange { delta };
                if acceptance.accept(change, rng) {
                    self.write_weights(state, layer, neuron, scratch);
                    state.energy = (state.energy as i64 + delta) as u64;
                    true
                } else {
                    for &(at, old) in scratch.field_log.iter().rev() {
                        state.fields[at as usize] = old;
                    }
                    for &at in &scratch.spin_log {
                        state.spins[at as usize] = -state.spins[at as usize];
                    }
                    false
                }
            }
        }
    }

    /// Flips $S^\mu_{l,k}$ (whose field changed sign) and propagates the
    /// flip through layers $l+1..L$ on pattern $\mu$, logging every change;
    /// returns the change of the number of wrong output bits.
    fn cascade(
        &self,
        state: &mut DesignState,
        layer: usize,
        pattern: usize,
        neuron: usize,
        scratch: &mut MoveScratch,
    ) -> i64 {
        let a = *self.architecture();
        let (n, size, c, depth) = (a.width, self.layer_size(), a.connectivity, a.depth);
        let target = |k: usize| self.data.outputs[pattern * n + k];
        let flip =
            |state: &mut DesignState, scratch: &mut MoveScratch, l: usize, k: usize| -> i64 {
                let at = l * size + pattern * n + k;
                let before = state.spins[at];
                state.spins[at] = -before;
                scratch.spin_log.push(at as u32);
                if l == depth {
                    i64::from(-before != target(k)) - i64::from(before != target(k))
                } else {
                    0
                }
            };
        let mut delta = flip(state, scratch, layer, neuron);
        scratch.changed.clear();
        scratch.changed.push(neuron as u32);
        for l in layer + 1..=depth {
            scratch.touched.clear();
            let row = (l - 1) * size + pattern * n;
            for &i in &scratch.changed {
                let i = i as usize;
                // The spin of layer l-1 has already flipped: the old value is its opposite.
                let old = -state.spins[(l - 1) * size + pattern * n + i];
                let factor = -2.0 * old * self.scale;
                let range = self.data.wiring.reader_range(l, i);
                for (&slot, &w) in self
                    .data
                    .wiring
                    .readers(l, i)
                    .iter()
                    .zip(&state.outgoing[range])
                {
                    let k = slot as usize / c;
                    let at = row + k;
                    scratch.field_log.push((at as u32, state.fields[at]));
                    state.fields[at] += factor * w;
                    if !scratch.marked[k] {
                        scratch.marked[k] = true;
                        scratch.touched.push(k as u32);
                    }
                }
            }
            scratch.next.clear();
            for t in 0..scratch.touched.len() {
                let k = scratch.touched[t] as usize;
                scratch.marked[k] = false;
                let h = state.fields[row + k];
                let sign = if h >= 0.0 { 1.0 } else { -1.0 };
                if sign != state.spins[l * size + pattern * n + k] {
                    delta += flip(state, scratch, l, k);
                    scratch.next.push(k as u32);
                }
            }
            std::mem::swap(&mut scratch.changed, &mut scratch.next);
            if scratch.changed.is_empty() {
                break;
            }
        }
        delta
    }

    fn write_weights(
        &self,
        state: &mut DesignState,
        layer: usize,
        neuron: usize,
        scratch: &MoveScratch,
    ) {
        let a = self.architecture();
        let start = a.weight_index(layer, neuron, 0);
        for (j, &w) in scratch.weights.iter().enumerate() {
            state.weights[start + j] = w;
            state.outgoing[self.data.wiring.position(start + j)] = w;
        }
    }

    /// One rotation move of perceptron `(l, k)`'s spherical weights by
    /// about `step` radians (draws $c$ Gaussians, then what `acceptance`
    /// draws); returns whether it was made.
    pub fn rotate<A, R>(
        &self,
        state: &mut DesignState,
        (layer, neuron): (usize, usize),
        step: f64,
        acceptance: &A,
        scratch: &mut MoveScratch,
        rng: &mut R,
    ) -> bool
    where
        A: Acceptance<CountChange>,
        R: Rng + ?Sized,
    {
        let a = self.architecture();
        let c = a.connectivity;
        let start = a.weight_index(layer, neuron, 0);
        scratch.weights.clear();
        scratch
            .weights
            .extend_from_slice(&state.weights[start..start + c]);
        for w in &mut scratch.weights {
            *w += step * rng.sample::<f64, _>(StandardNormal);
        }
        let norm2: f64 = scratch.weights.iter().map(|w| w * w).sum();
        let s = (c as f64 / norm2).sqrt();
        scratch.weights.iter_mut().for_each(|w| *w *= s);
        self.propose_fields(state, layer, neuron, scratch);
        self.decide_weights(state, layer, neuron, acceptance, scratch, rng)
    }

    /// One flip of binary weight $J_{l,k,j}$ at `(l, k, j)` (draws what `acceptance` draws);
    /// returns whether it was made.
    pub fn flip_weight<A, R>(
        &self,
        state: &mut DesignState,
        (layer, neuron, input): (usize, usize, usize),
        acceptance: &A,
        scratch: &mut MoveScratch,
        rng: &mut R,
    ) -> bool
    where
        A: Acceptance<CountChange>,
        R: Rng + ?Sized,
    {
        let a = self.architecture();
        let start = a.weight_index(layer, neuron, 0);
        scratch.weights.clear();
        scratch
            .weights
            .extend_from_slice(&state.weights[start..start + a.connectivity]);
        scratch.weights[input] = -scratch.weights[input];
        self.propose_fields(state, layer, neuron, scratch);
        self.decide_weights(state, layer, neuron, acceptance, scratch, rng)
    }

    /// One sweep: every perceptron once in order $l = 1..L$, $k = 1..N$
    /// (one rotation of `step` radians, or a flip of each of its $c$
    /// binary weights in turn), then under [`Loss::Gaps`] every hidden
    /// spin once through the move seam in sequential order. Spherical
    /// states are refreshed every [`REFRESH_SWEEPS`] sweeps.
    pub fn sweep<A, R>(
        &self,
        state: &mut DesignState,
        acceptance: &A,
        step: f64,
        scratch: &mut MoveScratch,
        rng: &mut R,
    ) -> SweepMoves
    where
        A: Acceptance<CountChange>,
        R: Rng + ?Sized,
    {
        let a = *self.architecture();
        let mut moves = SweepMoves::default();
        for l in 1..=a.depth {
            for k in 0..a.width {
                match a.weights {
                    WeightKind::Spherical => {
                        moves.weight_attempts += 1;
                        moves.weights +=
                            u64::from(self.rotate(state, (l, k), step, acceptance, scratch, rng));
                    }
                    WeightKind::Binary => {
                        for j in 0..a.connectivity {
                            moves.weight_attempts += 1;
                            moves.weights += u64::from(self.flip_weight(
                                state,
                                (l, k, j),
                                acceptance,
                                scratch,
                                rng,
                            ));
                        }
                    }
                }
            }
        }
        if self.loss == Loss::Gaps && a.depth > 1 {
            let spins = HiddenSpins { space: self };
            moves.spin_attempts = spins.sites() as u64;
            moves.spins = sweep(
                &spins,
                state,
                acceptance,
                Visit::Sequential,
                &mut scratch.order,
                rng,
            );
        }
        state.sweeps += 1;
        if a.weights == WeightKind::Spherical && state.sweeps.is_multiple_of(REFRESH_SWEEPS) {
            self.refresh(state);
        }
        moves
    }
}

/// The hidden spins of a design space as a [`LocalMoves`] system: site
/// `((l-1) M + mu) N + i` is $S^\mu_{l,i}$, $1 \le l \le L-1$.
#[derive(Debug, Clone, Copy)]
pub struct HiddenSpins<'a> {
    /// The design space.
    pub space: &'a DesignSpace,
}

impl HiddenSpins<'_> {
    #[inline]
    fn locate(&self, site: usize) -> (usize, usize, usize) {
        let n = self.space.architecture().width;
        let size = self.space.layer_size();
        (1 + site / size, (site % size) / n, site % n)
    }
}

impl LocalMoves for HiddenSpins<'_> {
    type State = DesignState;
    type Change = CountChange;

    fn sites(&self) -> usize {
        let a = self.space.architecture();
        a.hidden_spins(self.space.data.patterns)
    }

    #[inline]
    fn change(&self, state: &DesignState, site: usize) -> CountChange {
        let (l, mu, i) = self.locate(site);
        self.space.spin_change(state, l, mu, i)
    }

    #[inline]
    fn apply(&self, state: &mut DesignState, site: usize, change: CountChange) {
        let (l, mu, i) = self.locate(site);
        self.space.flip_spin(state, l, mu, i, change);
    }
}

/// A network state with its own stream of moves (what tempering exchanges
/// and a checkpoint saves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignChain {
    /// Weights, spins, fields.
    pub state: DesignState,
    /// The chain's stream.
    pub rng: StreamRng,
}

impl Exchangeable for DesignChain {
    #[inline]
    fn energy(&self) -> f64 {
        self.state.energy as f64
    }

    #[inline]
    fn swap_configuration(&mut self, other: &mut Self) {
        std::mem::swap(&mut self.state, &mut other.state);
    }
}
