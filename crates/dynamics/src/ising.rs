//! Ising $p$-spin samples as hypergraphs, with local fields kept up to date,
//! moved through `quench_mc`'s move seam.

use rand::RngExt;

use crate::DynamicsError;
use crate::glauber::IsingSystem;
use crate::spherical::SphericalPSpin;
use quench_core::ParameterError;
use quench_core::Spin;
use quench_core::rng::{Purpose, stream};
use quench_mc::moves::{LocalMoves, SpinFlip};

/// Attempts of the configuration model before [`IsingPSpin::diluted`] gives up.
pub const HYPERGRAPH_ATTEMPTS: usize = 10_000;

/// An Ising $p$-spin sample on $\pm1$ spins: a list of hyperedges $e$ (sets
/// of distinct sites) with couplings $J_e$,
/// $H(s) = -\sum_e J_e \prod_{i\in e} s_i$, and for each site the hyperedges
/// that contain it. The local field is $h_i = \sum_{e\ni i} J_e \prod_{j\in e, j\ne i} s_j$,
/// so that $H = -s_i h_i + (\text{terms without } s_i)$ and $\Delta E_i = 2 s_i h_i$.
#[derive(Debug, Clone, PartialEq)]
pub struct IsingPSpin {
    n: usize,
    edge_offsets: Vec<usize>,
    edge_sites: Vec<u32>,
    edge_couplings: Vec<f64>,
    incidence_offsets: Vec<usize>,
    incidence: Vec<u32>,
}

/// A configuration of an [`IsingPSpin`] with its local fields and energy.
#[derive(Debug, Clone, PartialEq)]
pub struct IsingState {
    /// The spins $s_i = \pm1$.
    pub spins: Vec<Spin>,
    /// The local fields $h_i$.
    pub fields: Vec<f64>,
    /// The energy $H(s)$, updated at every flip.
    pub energy: f64,
}

impl IsingPSpin {
    /// A sample from hyperedges given as `(sites, coupling)`: every site
    /// below `n`, distinct within an edge, at least one site per edge.
    pub fn from_hyperedges(n: usize, edges: &[(Vec<u32>, f64)]) -> Result<Self, DynamicsError> {
        let mut offsets = vec![0];
        let mut sites = Vec::new();
        let mut couplings = Vec::with_capacity(edges.len());
        for (edge, &(ref members, coupling)) in edges.iter().enumerate() {
            let distinct = members
                .iter()
                .enumerate()
                .all(|(a, x)| !members[..a].contains(x));
            if members.is_empty() || !distinct || members.iter().any(|&i| i as usize >= n) {
                return Err(ParameterError::new(
                    "edges",
                    format!("edge {edge} = {members:?}"),
                    format!("distinct sites below n = {n}, at least one"),
                )
                .into());
            }
            sites.extend_from_slice(members);
            offsets.push(sites.len());
            couplings.push(coupling);
        }
        Ok(Self::build(n, offsets, sites, couplings))
    }

    /// The fully connected Ising model with the couplings of `sample` (every
    /// tuple $i_1<\dots<i_p$ of every order, coefficients $a_p$ included),
    /// so that both models share one Hamiltonian on $\pm1$ spins.
    pub fn fully_connected(sample: &SphericalPSpin) -> Self {
        let n = sample.size();
        let mut offsets = vec![0];
        let mut sites = Vec::new();
        let mut couplings = Vec::new();
        for order in sample.orders() {
            let p = order.order as usize;
            let mut tuple: Vec<u32> = (0..p as u32).collect();
            for &coupling in &order.couplings {
                sites.extend_from_slice(&tuple);
                offsets.push(sites.len());
                couplings.push(coupling);
                // Next tuple in lexicographic order.
                let mut k = p;
                while k > 0 {
                    k -= 1;
                    if (tuple[k] as usize) < n - p + k {
                        tuple[k] += 1;
                        for m in k + 1..p {
                            tuple[m] = tuple[m - 1] + 1;
                        }
                        break;
                    }
                }
            }
        }
        Self::build(n, offsets, sites, couplings)
    }

    /// A diluted $p$-spin glass: $M = cN/p$ hyperedges of $p$ distinct
    /// sites, every site in exactly $c$ of them (a random $c$-regular
    /// $p$-uniform hypergraph from the configuration model: $c$ copies of
    /// each site shuffled and cut into $p$-tuples, redrawn until no tuple
    /// repeats a site; two hyperedges may share the same sites), couplings
    /// $J_e = \pm1$ with equal probability. Everything from the stream
    /// `(seed, Disorder, sample_index, 0)`.
    pub fn diluted(
        n: usize,
        order: u32,
        connectivity: usize,
        seed: u64,
        sample_index: u64,
    ) -> Result<Self, DynamicsError> {
        let p = order as usize;
        if !(2..=16).contains(&p) {
            return Err(ParameterError::new("order", order, "an integer in 2..=16").into());
        }
        if n < p || n > u32::MAX as usize {
            return Err(ParameterError::new(
                "n",
                n,
                format!("at least the order p = {p}, below 2^32"),
            )
            .into());
        }
        if connectivity == 0 || !(connectivity * n).is_multiple_of(p) {
            return Err(ParameterError::new(
                "connectivity",
                connectivity,
                format!("a positive integer c with c * n divisible by p = {p} (n = {n})"),
            )
            .into());
        }
        let mut rng = stream(seed, Purpose::Disorder, sample_index, 0);
        let mut stubs: Vec<u32> = (0..n as u32)
            .flat_map(|i| std::iter::repeat_n(i, connectivity))
            .collect();
        for _ in 0..HYPERGRAPH_ATTEMPTS {
            for t in (1..stubs.len()).rev() {
                let j = rng.random_range(0..=t);
                stubs.swap(t, j);
            }
            let simple = stubs
                .chunks_exact(p)
                .all(|edge| edge.iter().enumerate().all(|(a, x)| !edge[..a].contains(x)));
            if simple {
                let edges = stubs.len() / p;
                let offsets = (0..=edges).map(|e| e * p).collect();
                let couplings = (0..edges)
                    .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
                    .collect();
                return Ok(Self::build(n, offsets, stubs, couplings));
            }
        }
        Err(DynamicsError::Hypergraph {
            n,
            order,
            connectivity,
            attempts: HYPERGRAPH_ATTEMPTS,
        })
    }

    fn build(
        n: usize,
        edge_offsets: Vec<usize>,
        edge_sites: Vec<u32>,
        edge_couplings: Vec<f64>,
    ) -> Self {
        let mut degree = vec![0usize; n + 1];
        for &i in &edge_sites {
            degree[i as usize + 1] += 1;
        }
        for i in 0..n {
            degree[i + 1] += degree[i];
        }
        let incidence_offsets = degree.clone();
        let mut fill = degree;
        let mut incidence = vec![0u32; edge_sites.len()];
        for edge in 0..edge_couplings.len() {
            for &i in &edge_sites[edge_offsets[edge]..edge_offsets[edge + 1]] {
                incidence[fill[i as usize]] = edge as u32;
                fill[i as usize] += 1;
            }
        }
        Self {
            n,
            edge_offsets,
            edge_sites,
            edge_couplings,
            incidence_offsets,
            incidence,
        }
    }

    /// Number of spins $N$.
    pub fn size(&self) -> usize {
        self.n
    }

    /// Number of hyperedges.
    pub fn edge_count(&self) -> usize {
        self.edge_couplings.len()
    }

    /// The sites and coupling of hyperedge `edge`.
    pub fn edge(&self, edge: usize) -> (&[u32], f64) {
        (
            &self.edge_sites[self.edge_offsets[edge]..self.edge_offsets[edge + 1]],
            self.edge_couplings[edge],
        )
    }

    /// The hyperedges containing `site`.
    pub fn edges_of(&self, site: usize) -> &[u32] {
        &self.incidence[self.incidence_offsets[site]..self.incidence_offsets[site + 1]]
    }

    /// $H(s)$ by a sum over hyperedges.
    pub fn energy(&self, spins: &[Spin]) -> f64 {
        assert_eq!(spins.len(), self.n, "configuration length");
        -(0..self.edge_count())
            .map(|e| {
                let (sites, coupling) = self.edge(e);
                coupling * f64::from(sites.iter().map(|&i| spins[i as usize]).product::<Spin>())
            })
            .sum::<f64>()
    }

    /// The state of `spins`: local fields and energy computed afresh.
    pub fn state(&self, spins: Vec<Spin>) -> IsingState {
        assert_eq!(spins.len(), self.n, "configuration length");
        let mut fields = vec![0.0; self.n];
        let mut energy = 0.0;
        for e in 0..self.edge_count() {
            let (sites, coupling) = self.edge(e);
            let product = f64::from(sites.iter().map(|&i| spins[i as usize]).product::<Spin>());
            energy -= coupling * product;
            for &i in sites {
                fields[i as usize] += coupling * product * f64::from(spins[i as usize]);
            }
        }
        IsingState {
            spins,
            fields,
            energy,
        }
    }
}

impl LocalMoves for IsingPSpin {
    type State = IsingState;
    type Change = SpinFlip<f64>;

    #[inline]
    fn sites(&self) -> usize {
        self.n
    }

    #[inline]
    fn change(&self, state: &IsingState, site: usize) -> SpinFlip<f64> {
        SpinFlip {
            spin: state.spins[site],
            field: state.fields[site],
        }
    }

    /// Flips `site`: every hyperedge $e \ni i$ with spin product $P_e$
    /// changes the field of each other member $j$ by $-2J_eP_e s_j$.
    fn apply(&self, state: &mut IsingState, site: usize, change: SpinFlip<f64>) {
        let spins = &state.spins;
        let fields = &mut state.fields;
        for &e in self.edges_of(site) {
            let e = e as usize;
            let sites = &self.edge_sites[self.edge_offsets[e]..self.edge_offsets[e + 1]];
            let product = sites.iter().map(|&i| spins[i as usize]).product::<Spin>();
            let scaled = -2.0 * self.edge_couplings[e] * f64::from(product);
            for &j in sites {
                if j as usize != site {
                    fields[j as usize] += scaled * f64::from(spins[j as usize]);
                }
            }
        }
        state.energy += 2.0 * f64::from(change.spin) * change.field;
        state.spins[site] = -state.spins[site];
    }
}

impl IsingSystem for IsingPSpin {
    fn configure(&self, spins: Vec<Spin>) -> IsingState {
        self.state(spins)
    }

    fn spins<'a>(&self, state: &'a IsingState) -> &'a [Spin] {
        &state.spins
    }

    fn energy_of(&self, state: &IsingState) -> f64 {
        state.energy
    }
}
