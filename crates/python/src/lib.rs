//! # quench-python: the native module behind `import quench`
//!
//! A thin layer with no physics of its own: every call goes to the library
//! crates through the same seams the command line uses, so a spec run from
//! Python gives the command line's tables bit for bit.
//!
//! ```text
//! quench (Python, python/quench/)           quench._quench (this crate)
//!   run(spec) ── Job (a Rust thread) ─────── quench_run::runner::run_source ── registry ── every family
//!       polls Job.progress(), Ctrl-C ──────── Control::request_stop (units save and stop)
//!   Result.tables ─── read_table ─────────── quench_run::table::Table (numeric columns moved, not copied)
//!   draw(spec) ────── draw ───────────────── Family::draw through the registry
//!   temper / anneal / sweep / exact ──────── quench_mc, quench_exact on a Sample built from numpy
//!   theory.* ──────── theory ─────────────── quench_run::theory (what `quench theory --json` prints)
//!   dimension / manifold ── geometry ─────── quench_geometry (what `quench dimension --json` prints)
//! ```
//!
//! Errors cross as the Python classes of `quench.errors`: bad input
//! (`SpecError`, `InputError`, both `ValueError`s) names the file, line,
//! key or parameter as the command line does; other failures are
//! `QuenchError`s. Long calls release the GIL.
//!
//! The module is built by maturin (`pip install ./crates/python`) against
//! the stable ABI (`abi3`, Python 3.9 and newer).

use pyo3::prelude::*;

mod arrays;
mod errors;
mod geometry;
mod run;
mod sampling;
mod theory;

/// The native half of the `quench` package (use `quench`, not this module).
#[pymodule]
fn _quench(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    run::register(module)?;
    sampling::register(module)?;
    theory::register(module)?;
    geometry::register(module)?;
    Ok(())
}
