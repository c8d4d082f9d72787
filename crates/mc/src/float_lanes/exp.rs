//! The exponential of the Metropolis test, $e^y$ for $y \le 0$ in `f32`, and
//! the exact decision it serves.
//!
//! Cody–Waite reduction and a polynomial: $n = \mathrm{round}(y \log_2 e)$ (by
//! the float trick $(t + 1.5 \cdot 2^{23}) - 1.5 \cdot 2^{23}$, ties to even),
//! $r = (y - n\\,\ln 2_{\rm hi}) - n\\,\ln 2_{\rm lo}$ with $|r| \lesssim \ln 2 / 2$, the
//! Taylor polynomial of degree 7 in Horner form ($r^8/8! < 6 \cdot 10^{-9}$
//! relative), and $2^n$ by its exponent bits. Inputs below [`EXP_FLOOR`]
//! are raised to it (see [`accepts`]). Every step is one rounded `f32`
//! multiplication, addition or subtraction (no fused multiply-add), so
//! [`exp_portable`] and the vector code give the same bits.
//!
//! The relative error is below [`EXP_ERROR`] $= 2^{-20}$ on
//! $[$[`EXP_FLOOR`]$, 0]$: the rounding of about ten operations is a few
//! units of $2^{-24}$, and the test `exp_error_is_within_its_bound` measures
//! the largest error over a dense grid against `f64` (below $2^{-21}$).

/// Inputs are raised to this before the polynomial ($e^{-87} \approx 1.6 \cdot 10^{-38}$,
/// still a normal `f32`).
pub const EXP_FLOOR: f32 = -87.0;

/// The bound on the relative error of [`exp_portable`] on $[-87, 0]$.
pub const EXP_ERROR: f32 = 1.0 / 1_048_576.0;

/// The half-width of the undecided band of [`accepts`], relative: the
/// exponential's error, the rounding of $k$ to `f32` ($2^{-24}$) and of the
/// band's products, with a factor of four to spare.
pub const BAND: f32 = 4.0 * (EXP_ERROR + 4.0 / 16_777_216.0);

pub(crate) const LOG2_E: f32 = std::f32::consts::LOG2_E;
pub(crate) const LN2_HI: f32 = 0.693_359_4;
pub(crate) const LN2_LO: f32 = -2.121_944_4e-4;
pub(crate) const ROUND: f32 = 12_582_912.0;
/// $1/k!$ for $k = 7, 6, \dots, 0$, Horner order.
pub(crate) const TAYLOR: [f32; 8] = [
    1.0 / 5040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    0.5,
    1.0,
    1.0,
];
/// $2^{32}$.
pub const TWO_32: f32 = 4_294_967_296.0;

/// $\tilde p \approx e^{y}$ for $y \le 0$ (inputs below [`EXP_FLOOR`] raised to it).
#[inline]
pub fn exp_portable(y: f32) -> f32 {
    // The vector `max` (y if y > floor, else floor).
    let y = if y > EXP_FLOOR { y } else { EXP_FLOOR };
    let n = (y * LOG2_E + ROUND) - ROUND;
    let r = (y - n * LN2_HI) - n * LN2_LO;
    let mut p = TAYLOR[0];
    for &c in &TAYLOR[1..] {
        p = p * r + c;
    }
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
    p * scale
}

/// The exact Metropolis decision of one lane: $k < e^{y} 2^{32}$, with
/// $e^y$ evaluated in `f64` (exact to $10^{-16}$ relative, far below the
/// spacing $2^{-32}$ of the uniforms).
#[inline]
pub fn accepts_exactly(y: f32, k: u32) -> bool {
    f64::from(k) < f64::from(y).exp() * 4_294_967_296.0
}

/// The fast part of the decision: `(accepted, rejected)` by the fast
/// exponential, both false where $k$ lies in the band around the
/// threshold. Inputs below [`EXP_FLOOR`] give a threshold above the true
/// one but below 1, so only $k = 0$ is accepted, as it should be.
#[inline(always)]
pub fn decide_outside_band(y: f32, k: u32) -> (bool, bool) {
    let threshold = exp_portable(y) * TWO_32;
    let kf = k as f32;
    let accepted = y == 0.0 || kf < threshold * (1.0 - BAND);
    (accepted, kf > threshold * (1.0 + BAND))
}

/// The decision of [`accepts_exactly`]: [`decide_outside_band`], and
/// [`accepts_exactly`] inside the band.
#[inline]
pub fn accepts(y: f32, k: u32) -> bool {
    match decide_outside_band(y, k) {
        (true, _) => true,
        (false, true) => false,
        (false, false) => accepts_exactly(y, k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest relative error over a grid of 2 million points of
    /// $[-87, 0]$ (and the points near 0 and the reduction's breakpoints)
    /// is measured against `f64` and must be within half the bound the
    /// band relies on.
    #[test]
    fn exp_error_is_within_its_bound() {
        let mut worst = 0.0f64;
        let steps = 2_000_000;
        let mut check = |y: f32| {
            let exact = f64::from(y).exp();
            let error = (f64::from(exp_portable(y)) / exact - 1.0).abs();
            worst = worst.max(error);
        };
        for step in 0..=steps {
            check(-87.0 * step as f32 / steps as f32);
        }
        let mut y = -1e-3f32;
        while y < 0.0 {
            check(y);
            y = f32::from_bits(y.to_bits() - 1000);
        }
        for n in -126..=0 {
            let centre = (n as f32 + 0.5) * std::f32::consts::LN_2;
            for d in -50..=50 {
                check(f32::from_bits((centre.to_bits() as i32 + d) as u32).clamp(-87.0, 0.0));
            }
        }
        assert!(
            worst < f64::from(EXP_ERROR) / 2.0,
            "largest relative error {worst:e}"
        );
        // The exponential is exactly 1 at 0 (the y = 0 shortcut relies on nothing else).
        assert_eq!(exp_portable(0.0), 1.0);
    }

    /// The fast decision equals the exact one for every uniform near the
    /// threshold (the band) and far from it, at many inputs.
    #[test]
    fn fast_decisions_are_the_exact_decisions() {
        let mut undecided = 0u64;
        let mut total = 0u64;
        for step in 0..4000 {
            let y = -100.0 * (step as f32 / 4000.0);
            let t = f64::from(y).exp() * 4_294_967_296.0;
            let centre = t.min(4_294_967_295.0) as u32;
            let near = (0..200).map(|d| centre.saturating_add(d).saturating_sub(100));
            let far = (0..64).map(|s| (s as u32).wrapping_mul(67_108_864).wrapping_add(step));
            for k in near.chain(far).chain([0, 1, u32::MAX]) {
                total += 1;
                assert_eq!(accepts(y, k), accepts_exactly(y, k), "y = {y}, k = {k}");
                let threshold = exp_portable(y) * TWO_32;
                let kf = k as f32;
                if !(kf < threshold * (1.0 - BAND) || kf > threshold * (1.0 + BAND)) {
                    undecided += 1;
                }
            }
        }
        // The band is narrow: mostly the points placed next to the threshold.
        assert!(undecided < total / 2, "{undecided} of {total}");
    }
}
