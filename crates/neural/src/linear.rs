//! The matrix products of the hand-written networks ([`crate::dense`],
//! [`crate::recurrent`]): `matrixmultiply`'s single-threaded `dgemm`, whose
//! sums run in a fixed order, so that a network trains the same, bit for
//! bit, on any number of threads.

use matrixmultiply::dgemm;

/// $C = \beta C + \alpha A B$ for row-major $A$ ($m \times k$, or its
/// transpose when `a_transposed`) and $B$ ($k \times n$, or transposed),
/// into a row-major $C$ ($m \times n$).
#[allow(clippy::too_many_arguments)]
fn gemm(
    m: usize,
    k: usize,
    n: usize,
    alpha: f64,
    a: &[f64],
    a_transposed: bool,
    b: &[f64],
    b_transposed: bool,
    beta: f64,
    c: &mut [f64],
) {
    assert_eq!(a.len(), m * k, "left factor of a product");
    assert_eq!(b.len(), k * n, "right factor of a product");
    assert_eq!(c.len(), m * n, "result of a product");
    let (rsa, csa) = if a_transposed {
        (1, m as isize)
    } else {
        (k as isize, 1)
    };
    let (rsb, csb) = if b_transposed {
        (1, k as isize)
    } else {
        (n as isize, 1)
    };
    // SAFETY: the slices hold m k, k n and m n values (asserted above),
    // laid out with the strides given.
    unsafe {
        dgemm(
            m,
            k,
            n,
            alpha,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            beta,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// $C = \alpha A B$ ([`gemm`] with $\beta = 0$: `c`'s old values are ignored).
#[allow(clippy::too_many_arguments)]
pub(crate) fn product(
    m: usize,
    k: usize,
    n: usize,
    alpha: f64,
    a: &[f64],
    a_transposed: bool,
    b: &[f64],
    b_transposed: bool,
    c: &mut [f64],
) {
    gemm(m, k, n, alpha, a, a_transposed, b, b_transposed, 0.0, c);
}

/// $C \mathrel{+}= \alpha A B$ ([`gemm`] with $\beta = 1$).
#[allow(clippy::too_many_arguments)]
pub(crate) fn accumulate(
    m: usize,
    k: usize,
    n: usize,
    alpha: f64,
    a: &[f64],
    a_transposed: bool,
    b: &[f64],
    b_transposed: bool,
    c: &mut [f64],
) {
    gemm(m, k, n, alpha, a, a_transposed, b, b_transposed, 1.0, c);
}
