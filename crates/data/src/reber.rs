//! The Reber grammar: a small symbolic data set for recurrent networks,
//! generated rather than shipped.
//!
//! Strings of the seven symbols `B T P S X V E` are walks on a finite
//! automaton (A. S. Reber, J. Verbal Learn. Verbal Behav. 6, 855 (1967); the
//! graph of Fahlman (1991) and of Hochreiter and Schmidhuber, Neural Comput.
//! 9, 1735 (1997)): `B`, then from node 0 `T`→1 or `P`→5; node 1 `S`→1 or
//! `X`→2; node 2 `S`→3 or `X`→5; node 3 `E` (the end); node 4 `V`→3 or `P`→2;
//! node 5 `V`→4 or `T`→5, each of two branches with probability ½ — so
//! `BTXSE`, `BPVVE`, `BTSSXXTVVE`. The **embedded** grammar wraps a Reber
//! string between `B`,`T` … `T`,`E` or `B`,`P` … `P`,`E`: the symbol before
//! the last must repeat the second, across the whole inner string, which is
//! what makes it a test of memory.
//!
//! The task of a network reading a string symbol by symbol is to name, after
//! each symbol, the set of symbols that may come next ([`ReberString::successors`]):
//! a deterministic function of the prefix, so a network can learn it
//! exactly. After the final `E` nothing may follow.

use rand::{Rng, RngExt};

/// The seven symbols, in the order of the one-hot codes.
pub const REBER_SYMBOLS: [char; 7] = ['B', 'T', 'P', 'S', 'X', 'V', 'E'];

const B: u8 = 0;
const T: u8 = 1;
const P: u8 = 2;
const S: u8 = 3;
const X: u8 = 4;
const V: u8 = 5;
const E: u8 = 6;

/// The inner automaton: from each node, its two (symbol, next node) branches;
/// node 3 ends the string with `E`.
const GRAPH: [[(u8, u8); 2]; 6] = [
    [(T, 1), (P, 5)],
    [(S, 1), (X, 2)],
    [(S, 3), (X, 5)],
    [(E, 6), (E, 6)],
    [(V, 3), (P, 2)],
    [(V, 4), (T, 5)],
];

/// One string with, after each of its symbols, the set of symbols that may
/// follow (a bit mask over [`REBER_SYMBOLS`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReberString {
    symbols: Vec<u8>,
    successors: Vec<u8>,
}

impl ReberString {
    /// The symbols, as indices into [`REBER_SYMBOLS`].
    pub fn symbols(&self) -> &[u8] {
        &self.symbols
    }

    /// Its length.
    pub fn len(&self) -> usize {
        self.symbols.len()
    }

    /// Whether it has no symbol (never, for a drawn string).
    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }

    /// After symbol `t`, the symbols that may come next, as a bit mask
    /// (bit $k$ for [`REBER_SYMBOLS`]`[k]`; 0 after the final `E`).
    pub fn successors(&self, t: usize) -> u8 {
        self.successors[t]
    }

    /// The string as text.
    pub fn text(&self) -> String {
        self.symbols
            .iter()
            .map(|&s| REBER_SYMBOLS[s as usize])
            .collect()
    }
}

fn mask(node: u8) -> u8 {
    let [(a, _), (b, _)] = GRAPH[node as usize];
    (1 << a) | (1 << b)
}

/// Draws a string of the (embedded, when `embedded`) Reber grammar from
/// `rng`, each branch with probability ½.
pub fn reber_string<R: Rng + ?Sized>(embedded: bool, rng: &mut R) -> ReberString {
    let mut symbols = vec![B];
    let mut successors = Vec::new();
    let wrapper = if embedded {
        successors.push((1 << T) | (1 << P));
        let w = if rng.random::<bool>() { T } else { P };
        symbols.push(w);
        successors.push(1 << B);
        symbols.push(B);
        Some(w)
    } else {
        None
    };
    // The inner string's B has been read: node 0 next.
    let mut node = 0u8;
    loop {
        successors.push(mask(node));
        let (symbol, next) = GRAPH[node as usize][usize::from(rng.random::<bool>())];
        symbols.push(symbol);
        if symbol == E {
            break;
        }
        node = next;
    }
    if let Some(w) = wrapper {
        successors.push(1 << w);
        symbols.push(w);
        successors.push(1 << E);
        symbols.push(E);
    }
    successors.push(0);
    ReberString {
        symbols,
        successors,
    }
}

/// The probability that a string of the grammar has exactly `length`
/// symbols, for `length` in `0..=max_length`: the inner automaton's walks,
/// each branch ½ (node 3's `E` is certain).
pub fn reber_length_distribution(embedded: bool, max_length: usize) -> Vec<f64> {
    let offset = if embedded { 4 } else { 0 };
    // probability[node] of being at `node` after `k` symbols (B included).
    let mut probability = [0.0f64; 6];
    probability[0] = 1.0;
    let mut distribution = vec![0.0; max_length + 1];
    for k in 1..=max_length {
        let mut next = [0.0f64; 6];
        for (node, &p) in probability.iter().enumerate() {
            if p == 0.0 {
                continue;
            }
            if node == 3 {
                // E after k symbols: the inner string has k + 1 with its B.
                if k + 1 + offset <= max_length {
                    distribution[k + 1 + offset] += p;
                }
                continue;
            }
            for (_, to) in GRAPH[node] {
                next[to as usize] += 0.5 * p;
            }
        }
        probability = next;
    }
    distribution
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Every drawn string is a walk of the graph: each symbol is among the
    /// successors named before it, the embedded wrapper repeats its symbol,
    /// and the known shortest strings appear.
    #[test]
    fn strings_follow_the_grammar() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for embedded in [false, true] {
            let mut seen = std::collections::BTreeSet::new();
            for _ in 0..2000 {
                let s = reber_string(embedded, &mut rng);
                assert_eq!(s.symbols()[0], B);
                for t in 1..s.len() {
                    assert_ne!(
                        s.successors(t - 1) & (1 << s.symbols()[t]),
                        0,
                        "{}: symbol {t} not allowed",
                        s.text()
                    );
                }
                assert_eq!(s.successors(s.len() - 1), 0);
                assert_eq!(*s.symbols().last().unwrap(), E);
                if embedded {
                    assert_eq!(s.symbols()[1], s.symbols()[s.len() - 2], "{}", s.text());
                }
                seen.insert(s.text());
            }
            let shortest = if embedded {
                ["BTBTXSETE", "BPBPVVEPE"]
            } else {
                ["BTXSE", "BPVVE"]
            };
            for text in shortest {
                assert!(seen.contains(text), "{text} never drawn");
            }
        }
    }

    /// The exact length distribution: the two shortest strings each have
    /// probability 1/8, and the empirical frequencies of 20000 draws agree
    /// with it within four standard errors at every length.
    #[test]
    fn lengths_follow_the_exact_distribution() {
        for embedded in [false, true] {
            let shortest = if embedded { 9 } else { 5 };
            let exact = reber_length_distribution(embedded, 40);
            assert!((exact[shortest] - 0.25).abs() < 1e-15, "{exact:?}");
            assert!(exact[..shortest].iter().all(|&p| p == 0.0));
            let total: f64 = exact.iter().sum();
            assert!(total > 0.99 && total <= 1.0 + 1e-12, "{total}");
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
            let draws = 20000;
            let mut counts = vec![0usize; 41];
            for _ in 0..draws {
                let n = reber_string(embedded, &mut rng).len();
                if n <= 40 {
                    counts[n] += 1;
                }
            }
            for (n, &p) in exact.iter().enumerate() {
                let frequency = counts[n] as f64 / draws as f64;
                let error = (p * (1.0 - p) / draws as f64).sqrt().max(1e-4);
                assert!(
                    (frequency - p).abs() < 4.0 * error,
                    "length {n}: {frequency} drawn, {p} exact"
                );
            }
        }
    }
}
