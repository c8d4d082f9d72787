//! Integer kernels of the Hopfield network (tier 1: no allocation, no RNG).
//!
//! Every kernel is a plain loop over contiguous slices that LLVM vectorises,
//! compiled for each instruction set of [`Simd`]; the portable instance is
//! the scalar reference the tests hold the others equal to.
//!
//! * Pattern-based: the field of spin $i$ is the dot product of its column
//!   $(\xi_i^\mu)_\mu$ (`i8`, contiguous in the spin-major copy) with the
//!   overlaps $M_\mu$ (`i32`); a flip adds $\pm 2\,\xi_i^\mu$ to every $M_\mu$.
//! * Coupling-based: a flip of spin $k$ adds $\pm 2 (N J_{kj})$ to every
//!   cached field $N h_j$; the integer couplings are `i16` when $P \le 32767$
//!   (since $|N J_{ij}| \le P$), `i32` otherwise.

pub use crate::simd::Simd;
use crate::simd::dispatched;

dispatched! {
    /// $\sum_\mu \xi_i^\mu M_\mu$: the column of spin $i$ against the overlaps.
    pub fn column_dot_overlaps(column: &[i8], overlaps: &[i32]) -> i32 {
        let mut sum = 0i32;
        for (&x, &m) in column.iter().zip(overlaps) {
            sum += i32::from(x) * m;
        }
        sum
    }
}

dispatched! {
    /// $M_\mu \mathrel{+}= \mathrm{step}\cdot\xi_i^\mu$ for every $\mu$.
    pub fn add_column(overlaps: &mut [i32], column: &[i8], step: i32) {
        for (m, &x) in overlaps.iter_mut().zip(column) {
            *m += step * i32::from(x);
        }
    }
}

dispatched! {
    /// $N h_j \mathrel{+}= \mathrm{step}\cdot N J_{kj}$ for every $j$ (`i16` couplings).
    pub fn add_row_narrow(fields: &mut [i32], row: &[i16], step: i32) {
        for (h, &j) in fields.iter_mut().zip(row) {
            *h += step * i32::from(j);
        }
    }
}

dispatched! {
    /// $N h_j \mathrel{+}= \mathrm{step}\cdot N J_{kj}$ for every $j$ (`i32` couplings).
    pub fn add_row_wide(fields: &mut [i32], row: &[i32], step: i32) {
        for (h, &j) in fields.iter_mut().zip(row) {
            *h += step * j;
        }
    }
}

dispatched! {
    /// $\sum_\mu a_\mu b_\mu$ of two `i8` vectors of length $P$ (four at once:
    /// `a` against `b0..b3`), for building $N J_{ij}$.
    pub fn dot_four(a: &[i8], b0: &[i8], b1: &[i8], b2: &[i8], b3: &[i8]) -> [i32; 4] {
        let (mut s0, mut s1, mut s2, mut s3) = (0i32, 0i32, 0i32, 0i32);
        for k in 0..a.len() {
            let x = i32::from(a[k]);
            s0 += x * i32::from(b0[k]);
            s1 += x * i32::from(b1[k]);
            s2 += x * i32::from(b2[k]);
            s3 += x * i32::from(b3[k]);
        }
        [s0, s1, s2, s3]
    }
}

dispatched! {
    /// $\sum_\mu a_\mu b_\mu$ of two `i8` vectors.
    pub fn dot(a: &[i8], b: &[i8]) -> i32 {
        let mut sum = 0i32;
        for (&x, &y) in a.iter().zip(b) {
            sum += i32::from(x) * i32::from(y);
        }
        sum
    }
}

/// The integer couplings $N J_{ij} = \sum_\mu \xi_i^\mu \xi_j^\mu$ ($i \ne j$),
/// $N J_{ii} = 0$, row-major $N \times N$.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CouplingMatrix {
    /// `i16` entries (used when $P \le 32767$).
    Narrow(Vec<i16>),
    /// `i32` entries.
    Wide(Vec<i32>),
}

impl CouplingMatrix {
    /// Builds the matrix from the spin-major patterns ($N \times P$).
    ///
    /// Cost $N^2 P / 2$ multiply-adds: the dot products of pairs of spin
    /// columns, four columns $j$ per pass over column $i$.
    pub fn hebbian(simd: Simd, spin_major: &[i8], neurons: usize, patterns: usize) -> Self {
        let n = neurons;
        let column = |i: usize| &spin_major[i * patterns..(i + 1) * patterns];
        let mut wide = vec![0i32; n * n];
        for i in 0..n {
            let a = column(i);
            let mut j = i + 1;
            while j + 4 <= n {
                let sums = dot_four(
                    simd,
                    a,
                    column(j),
                    column(j + 1),
                    column(j + 2),
                    column(j + 3),
                );
                wide[i * n + j..i * n + j + 4].copy_from_slice(&sums);
                j += 4;
            }
            for j in j..n {
                wide[i * n + j] = dot(simd, a, column(j));
            }
        }
        for i in 0..n {
            for j in 0..i {
                wide[i * n + j] = wide[j * n + i];
            }
        }
        if patterns <= i16::MAX as usize {
            CouplingMatrix::Narrow(wide.into_iter().map(|x| x as i16).collect())
        } else {
            CouplingMatrix::Wide(wide)
        }
    }

    /// $N J_{ij}$.
    pub fn get(&self, i: usize, j: usize, neurons: usize) -> i32 {
        match self {
            CouplingMatrix::Narrow(values) => i32::from(values[i * neurons + j]),
            CouplingMatrix::Wide(values) => values[i * neurons + j],
        }
    }

    /// Adds $\mathrm{step} \cdot N J_{kj}$ to every `fields[j]`.
    #[inline]
    pub fn add_row(&self, simd: Simd, fields: &mut [i32], k: usize, step: i32) {
        let n = fields.len();
        match self {
            CouplingMatrix::Narrow(values) => {
                add_row_narrow(simd, fields, &values[k * n..(k + 1) * n], step)
            }
            CouplingMatrix::Wide(values) => {
                add_row_wide(simd, fields, &values[k * n..(k + 1) * n], step)
            }
        }
    }

    /// Bytes held by the matrix.
    pub fn bytes(&self) -> usize {
        match self {
            CouplingMatrix::Narrow(values) => 2 * values.len(),
            CouplingMatrix::Wide(values) => 4 * values.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::rng::{Purpose, stream};
    use rand::RngExt;

    fn random_i8(len: usize, seed: u64) -> Vec<i8> {
        let mut rng = stream(seed, Purpose::Named("kernel test"), 0, 0);
        (0..len)
            .map(|_| if rng.random::<bool>() { 1 } else { -1 })
            .collect()
    }

    #[test]
    fn vector_instances_equal_the_portable_reference() {
        let detected = Simd::detect();
        for len in [0, 1, 7, 31, 64, 65, 1000, 1027] {
            let column = random_i8(len, len as u64);
            let other = random_i8(len, len as u64 + 100);
            let overlaps: Vec<i32> = (0..len as i32).map(|k| (k * 37) % 201 - 100).collect();
            let narrow: Vec<i16> = overlaps.iter().map(|&x| x as i16).collect();
            for simd in [Simd::Portable, detected] {
                assert_eq!(
                    column_dot_overlaps(simd, &column, &overlaps),
                    column_dot_overlaps(Simd::Portable, &column, &overlaps)
                );
                assert_eq!(
                    dot(simd, &column, &other),
                    dot(Simd::Portable, &column, &other)
                );
                let four = dot_four(simd, &column, &other, &column, &other, &other);
                let reference = dot(Simd::Portable, &column, &other);
                assert_eq!(four, [reference, len as i32, reference, reference]);
                let mut a = overlaps.clone();
                let mut b = overlaps.clone();
                add_column(simd, &mut a, &column, -2);
                add_column(Simd::Portable, &mut b, &column, -2);
                assert_eq!(a, b);
                add_row_narrow(simd, &mut a, &narrow, 2);
                add_row_wide(Simd::Portable, &mut b, &overlaps, 2);
                assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn hebbian_couplings_match_the_definition() {
        let (n, p) = (13, 5);
        let spin_major = random_i8(n * p, 3);
        let matrix = CouplingMatrix::hebbian(Simd::detect(), &spin_major, n, p);
        for i in 0..n {
            for j in 0..n {
                let expected: i32 = if i == j {
                    0
                } else {
                    (0..p)
                        .map(|mu| i32::from(spin_major[i * p + mu] * spin_major[j * p + mu]))
                        .sum()
                };
                assert_eq!(matrix.get(i, j, n), expected);
            }
        }
    }
}
