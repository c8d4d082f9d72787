//! Walking the sites: the [`Sweeper`] that updates one site of `K` chains,
//! the lattice row loops (vector and portable 64-bit) and the table walk of
//! other graphs, and [`sweep_body`], one sweep of one segment.

use super::bonds::cubic_bond_row;
use super::flip::{count, cubic_halves, cubic_shared_flip, independent_flip, shared_flip};
use super::random::{BlockRng, Levels, Rngs, Uniforms};
use super::word::Word;
use super::{MultispinLayout, Segment, Walk};

/// The state of one sweep of `S::BLOCKS` blocks of `K` chains that share
/// the layout (and so the couplings): chain c's spin words (from block
/// `first`), its blocks' generators, uniforms and thresholds. `K` is a
/// constant so that the chains' state stays in registers.
pub(super) struct Sweeper<'a, S: Word, const INDEPENDENT: bool, const K: usize> {
    /// The coupling words, or with `bond_form` the one chain's words in
    /// bond form ([`super::bonds`]; its spin words are then unused).
    pub(super) couplings: *const u64,
    spins: [*mut u64; K],
    pub(super) rng: [Rngs<S>; K],
    pub(super) uniforms: [Uniforms<S>; K],
    pub(super) levels: [&'a Levels; K],
    /// Whether `couplings` holds the chain in bond form.
    pub(super) bond_form: bool,
}

impl<S: Word, const INDEPENDENT: bool, const K: usize> Sweeper<'_, S, INDEPENDENT, K> {
    /// Updates, in chain c, the site whose words start at `own[c]`; its `D`
    /// neighbours' words start at `neighbours[c][k]`, its bonds' coupling
    /// words at `bonds[k]` (read once for all chains).
    ///
    /// # Safety
    /// Each pointer must address `S::BLOCKS` words of the chain's spin
    /// buffer (`own` writable) or of the coupling buffer.
    #[inline(always)]
    unsafe fn site<const D: usize>(
        &mut self,
        own: [*mut u64; K],
        neighbours: [[*const u64; D]; K],
        bonds: [*const u64; D],
    ) {
        // SAFETY: guaranteed by the caller.
        let j: [S; D] = std::array::from_fn(|k| unsafe { S::read(bonds[k]) });
        for c in 0..K {
            if D == 6 && !INDEPENDENT && !S::THREE_INPUT_LOGIC {
                // SAFETY: guaranteed by the caller.
                let (spin, v) = unsafe {
                    let v: [S; D] = std::array::from_fn(|k| S::read(neighbours[c][k]) ^ j[k]);
                    (S::read(own[c]), v)
                };
                let halves = cubic_halves(spin, &v);
                let r = self.uniforms[c].take(&mut self.rng[c], self.levels[c], 3);
                let flip = cubic_shared_flip(halves, r, self.levels[c]);
                // SAFETY: as above.
                unsafe { (spin ^ flip).write(own[c]) };
                continue;
            }
            // SAFETY: guaranteed by the caller.
            let (spin, u) = unsafe {
                let spin = S::read(own[c]);
                let u: [S; D] =
                    std::array::from_fn(|k| S::xor3(spin, S::read(neighbours[c][k]), j[k]));
                (spin, u)
            };
            let planes = count::<S, D>(&u);
            let flip = if INDEPENDENT {
                independent_flip::<S, D>(&planes, &mut self.rng[c], self.levels[c])
            } else {
                let r = self.uniforms[c].take(&mut self.rng[c], self.levels[c], D.div_ceil(2));
                shared_flip::<S, D>(&planes, r, self.levels[c])
            };
            // SAFETY: as above.
            unsafe { (spin ^ flip).write(own[c]) };
        }
    }
}

/// The checkerboard walk of the sites of colour `colour` in rows `rows` of
/// a periodic lattice of dimension `D / 2` and even side `l` (see
/// [`Walk::Lattice`]), `w` words per site: rows ($x_1, x_2, \dots$ fixed) in
/// increasing order, every second site of a row. Row-constant offsets reach
/// the neighbours along the other axes; the row's end sites wrap along $x_0$.
///
/// # Safety
/// The chains' spin buffers must hold `l^(D/2) * w` words from their base
/// and the coupling buffer `(D/2) l^(D/2) w`, with `first + S::BLOCKS <= w`;
/// `rows` must lie in `0..l^(D/2 - 1)`.
#[inline(always)]
unsafe fn lattice_walk<S: Word, const D: usize, const INDEPENDENT: bool, const K: usize>(
    sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
    l: usize,
    w: usize,
    colour: usize,
    rows: std::ops::Range<usize>,
) {
    let dim = D / 2;
    // The row's coordinates (x_1, x_2, ...), advanced like an odometer.
    let mut coordinates = [0usize; D];
    let mut rest = rows.start;
    for x in &mut coordinates[1..dim] {
        *x = rest % l;
        rest /= l;
    }
    for row in rows.clone() {
        if row > rows.start {
            for x in &mut coordinates[1..dim] {
                *x += 1;
                if *x < l {
                    break;
                }
                *x = 0;
            }
        }
        let first_site = row * l;
        // Entries 2a, 2a + 1 (a >= 1): the first sites of the rows of
        // the forward and backward neighbours along axis a.
        let mut far = [first_site; D];
        let mut parity = 0;
        let mut stride = l;
        for a in 1..dim {
            let x = coordinates[a];
            parity += x;
            far[2 * a] = if x == l - 1 {
                first_site - (l - 1) * stride
            } else {
                first_site + stride
            };
            far[2 * a + 1] = if x == 0 {
                first_site + (l - 1) * stride
            } else {
                first_site - stride
            };
            stride *= l;
        }
        let even = (colour + parity).is_multiple_of(2);
        // SAFETY: every address a row forms is that of a site or bond of the
        // lattice (the caller's guarantee).
        unsafe {
            if K == 1 {
                // One chain: its row pointers (fewest additions per site).
                if sweeper.bond_form {
                    assert!(
                        D == 6 && !INDEPENDENT && S::BLOCKS == 1 && w == 1 && l <= 2 * ROW_UNIFORMS
                    );
                    cubic_bond_row(sweeper, first_site, [far[3], far[5]], l, even);
                    continue;
                }
                let row = LatticeRow::<D, K>::new(sweeper, first_site, &far, w);
                if D == 6 && !INDEPENDENT && S::BLOCKS == 1 && w == 1 && l <= 2 * ROW_UNIFORMS {
                    cubic_scalar_row(&row, sweeper, l, even);
                } else {
                    walk_row(&row, sweeper, l, even);
                }
            } else {
                assert!(!sweeper.bond_form);
                // Several chains: offsets shared by all chains (fewer registers).
                let row = LatticeOffsets::<D>::new(first_site, &far, w);
                walk_row(&row, sweeper, l, even);
            }
        }
    }
}

/// A lattice row that can update its sites (see [`lattice_walk`]).
trait Row<S: Word, const INDEPENDENT: bool, const K: usize> {
    /// Updates the site at $x_0$ = `x` of the row, whose $x_0$ neighbours
    /// are at `forward` and `backward`.
    ///
    /// # Safety
    /// See [`lattice_walk`].
    unsafe fn visit(
        &self,
        sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
        x: usize,
        forward: usize,
        backward: usize,
    );
}

/// Every second site of a row of `l` sites, from $x_0 = 0$ if `even` (the
/// first wrapping backward), else from $x_0 = 1$ (the last wrapping forward).
///
/// # Safety
/// See [`lattice_walk`].
#[inline(always)]
unsafe fn walk_row<S: Word, const INDEPENDENT: bool, const K: usize>(
    row: &impl Row<S, INDEPENDENT, K>,
    sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
    l: usize,
    even: bool,
) {
    // SAFETY: forwarded from the caller.
    unsafe {
        if even {
            row.visit(sweeper, 0, 1, l - 1);
            for x in (2..l).step_by(2) {
                row.visit(sweeper, x, x + 1, x - 1);
            }
        } else {
            for x in (1..l - 1).step_by(2) {
                row.visit(sweeper, x, x + 1, x - 1);
            }
            row.visit(sweeper, l - 1, 0, l - 2);
        }
    }
}

/// Most uniforms [`cubic_scalar_row`] draws ahead of a row (half its sites).
pub(super) const ROW_UNIFORMS: usize = 128;

/// [`walk_row`] for one chain of 64-bit words on a cubic lattice under the
/// shared policy, the portable path's hot loop. The row's uniforms are drawn
/// first (in visiting order, so the generator's stream is unchanged), which
/// keeps the generator and its batch out of the loop and leaves the
/// registers to the row's pointers: one load per neighbour and bond, the
/// XORs and adders of [`cubic_halves`] and the branch of
/// [`cubic_shared_flip`], about 70 instructions per site update on x86-64
/// (8 of them reloads of row pointers: nine pointers and the temporaries do
/// not fit in the 15 registers).
///
/// # Safety
/// See [`lattice_walk`]; `row` must have one word per site
/// (`S::BLOCKS == 1`, `w == 1`), `D == 6` and `l <= 2 ROW_UNIFORMS`.
#[inline(always)]
unsafe fn cubic_scalar_row<S: Word, const INDEPENDENT: bool, const K: usize, const D: usize>(
    row: &LatticeRow<D, K>,
    sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
    l: usize,
    even: bool,
) {
    debug_assert!(D == 6 && row.w == 1 && S::BLOCKS == 1 && l <= 2 * ROW_UNIFORMS);
    // Indexed by x0 (every second entry used), so that a site's uniform
    // shares the index register of its spin words.
    // Not initialised: zeroing it would cost more than a short row's sites.
    let mut uniforms = [const { std::mem::MaybeUninit::<S>::uninit() }; 2 * ROW_UNIFORMS];
    let (rng, levels) = (&mut sweeper.rng[0], sweeper.levels[0]);
    let odd = usize::from(!even);
    sweeper.uniforms[0].take_many(rng, levels, 3, l / 2, |k, r| {
        uniforms[2 * k + odd].write(r);
    });
    let (own, neighbours) = (row.own[0], row.neighbours[0]);
    // The forward bonds along a = 0, 1, 2 of site x are at 3 x + a from the
    // row's first one; the backward ones along a = 1, 2 are forward bonds
    // of the neighbour rows.
    let (forward, backward) = (row.bonds[0], [row.bonds[3], row.bonds[5]]);
    debug_assert!(
        row.bonds[2] == forward.wrapping_add(1) && row.bonds[4] == forward.wrapping_add(2)
    );
    /// Updates site x of the row (see the caller).
    ///
    /// # Safety
    /// As for `cubic_scalar_row`; `r` is the site's uniform.
    #[inline(always)]
    unsafe fn site<S: Word>(
        row: (*mut u64, [*const u64; 6], *const u64, [*const u64; 2]),
        levels: &Levels,
        r: S,
        x: usize,
        next: usize,
        previous: usize,
    ) {
        let (own, neighbours, forward, backward) = row;
        // SAFETY: the addresses `LatticeRow::visit` forms with one word per
        // site, the caller's guarantee.
        unsafe {
            let spin = S::read(own.add(x));
            let v = [
                S::read(own.add(next)) ^ S::read(forward.add(3 * x)),
                S::read(own.add(previous)) ^ S::read(forward.add(3 * previous)),
                S::read(neighbours[2].add(x)) ^ S::read(forward.add(3 * x + 1)),
                S::read(neighbours[3].add(x)) ^ S::read(backward[0].add(3 * x)),
                S::read(neighbours[4].add(x)) ^ S::read(forward.add(3 * x + 2)),
                S::read(neighbours[5].add(x)) ^ S::read(backward[1].add(3 * x)),
            ];
            let flip = cubic_shared_flip(cubic_halves(spin, &v), r, levels);
            (spin ^ flip).write(own.add(x));
        }
    }
    let neighbours: [*const u64; 6] = std::array::from_fn(|k| neighbours[k.min(D - 1)]);
    let row = (own, neighbours, forward, backward);
    // SAFETY: forwarded from the caller; `uniforms[x]` was written above
    // for every x of the row's colour.
    unsafe {
        if even {
            site::<S>(row, levels, uniforms[0].assume_init(), 0, 1, l - 1);
            for x in (2..l).step_by(2) {
                site::<S>(row, levels, uniforms[x].assume_init(), x, x + 1, x - 1);
            }
        } else {
            for x in (1..l - 1).step_by(2) {
                site::<S>(row, levels, uniforms[x].assume_init(), x, x + 1, x - 1);
            }
            site::<S>(row, levels, uniforms[l - 1].assume_init(), l - 1, 0, l - 2);
        }
    }
}

/// The row-constant offsets of one lattice row, in words from the chains'
/// spin base and the coupling base, shared by all chains.
struct LatticeOffsets<const D: usize> {
    /// Site index of the row's first site.
    first: usize,
    /// Entries 2a, 2a + 1 (a >= 1): word offset of the site at $x_0 = 0$ of
    /// the forward and backward neighbour rows along axis a.
    neighbours: [usize; D],
    /// Entry 0: the forward bond along $x_0$ of the row's first site; 2a
    /// (a >= 1): its forward bond along a; 2a + 1: the forward bond along a
    /// of the backward neighbour row's first site.
    bonds: [usize; D],
    /// Words per site.
    w: usize,
}

impl<const D: usize> LatticeOffsets<D> {
    #[inline(always)]
    fn new(first: usize, far: &[usize; D], w: usize) -> Self {
        let dim = D / 2;
        Self {
            first,
            neighbours: std::array::from_fn(|k| far[k] * w),
            bonds: std::array::from_fn(|k| {
                let (a, site) = (k / 2, if k % 2 == 0 { first } else { far[k] });
                (site * dim + a) * w
            }),
            w,
        }
    }
}

impl<S: Word, const INDEPENDENT: bool, const K: usize, const D: usize> Row<S, INDEPENDENT, K>
    for LatticeOffsets<D>
{
    #[inline(always)]
    unsafe fn visit(
        &self,
        sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
        x: usize,
        forward: usize,
        backward: usize,
    ) {
        let (w, dim) = (self.w, D / 2);
        let (i, c) = (x * w, x * dim * w);
        let own = (self.first + x) * w;
        let neighbour: [usize; D] = std::array::from_fn(|k| match k {
            0 => (self.first + forward) * w,
            1 => (self.first + backward) * w,
            _ => self.neighbours[k] + i,
        });
        let bond: [usize; D] = std::array::from_fn(|k| match k {
            1 => self.bonds[0] + backward * dim * w,
            _ => self.bonds[k] + c,
        });
        let (spins, couplings) = (sweeper.spins, sweeper.couplings);
        // SAFETY: guaranteed by the caller.
        unsafe {
            sweeper.site::<D>(
                std::array::from_fn(|ch| spins[ch].add(own)),
                std::array::from_fn(|ch| {
                    std::array::from_fn(|k| spins[ch].add(neighbour[k]).cast_const())
                }),
                std::array::from_fn(|k| couplings.add(bond[k])),
            )
        };
    }
}

/// The row-constant pointers of one lattice row (see [`lattice_walk`]), so
/// that a site costs one pointer addition per neighbour and bond.
struct LatticeRow<const D: usize, const K: usize> {
    /// Chain c's words of the row's site at $x_0 = 0$.
    own: [*mut u64; K],
    /// Chain c's entries 2a, 2a + 1 (a >= 1): the words of the site at
    /// $x_0 = 0$ of the forward and backward neighbour rows along axis a.
    neighbours: [[*const u64; D]; K],
    /// Entry 0: the forward bond along $x_0$ of the row's first site;
    /// 2a (a >= 1): its forward bond along a; 2a + 1: the forward bond
    /// along a of the backward neighbour row's first site.
    bonds: [*const u64; D],
    /// Words per site.
    w: usize,
}

impl<const D: usize, const K: usize> LatticeRow<D, K> {
    /// The pointers of the row starting at site `first`, whose neighbour
    /// rows along axis a >= 1 start at `far[2a]` (forward) and `far[2a + 1]`.
    #[inline(always)]
    fn new<S: Word, const INDEPENDENT: bool>(
        sweeper: &Sweeper<'_, S, INDEPENDENT, K>,
        first: usize,
        far: &[usize; D],
        w: usize,
    ) -> Self {
        let dim = D / 2;
        let own = std::array::from_fn(|c| sweeper.spins[c].wrapping_add(first * w));
        let neighbours = std::array::from_fn(|c| {
            std::array::from_fn(|k| sweeper.spins[c].wrapping_add(far[k] * w).cast_const())
        });
        let bonds = std::array::from_fn(|k| {
            let (a, site) = (k / 2, if k % 2 == 0 { first } else { far[k] });
            sweeper.couplings.wrapping_add((site * dim + a) * w)
        });
        Self {
            own,
            neighbours,
            bonds,
            w,
        }
    }
}

impl<S: Word, const INDEPENDENT: bool, const K: usize, const D: usize> Row<S, INDEPENDENT, K>
    for LatticeRow<D, K>
{
    #[inline(always)]
    unsafe fn visit(
        &self,
        sweeper: &mut Sweeper<'_, S, INDEPENDENT, K>,
        x: usize,
        forward: usize,
        backward: usize,
    ) {
        let (w, dim) = (self.w, D / 2);
        let (i, c) = (x * w, x * dim * w);
        let own = std::array::from_fn(|ch| self.own[ch].wrapping_add(i));
        let neighbours = std::array::from_fn(|ch| {
            let row = self.own[ch].cast_const();
            std::array::from_fn(|k| match k {
                0 => row.wrapping_add(forward * w),
                1 => row.wrapping_add(backward * w),
                _ => self.neighbours[ch][k].wrapping_add(i),
            })
        });
        let bonds = std::array::from_fn(|k| match k {
            1 => self.bonds[0].wrapping_add(backward * dim * w),
            _ => self.bonds[k].wrapping_add(c),
        });
        // SAFETY: guaranteed by the caller.
        unsafe { sweeper.site::<D>(own, neighbours, bonds) };
    }
}

/// A chain's spin words, and its words in bond form when it is swept in
/// that form ([`super::bonds`]; else null), shared by the tasks sweeping the
/// slabs of one colour at once.
#[derive(Clone, Copy)]
pub(super) struct SpinWords {
    pub(super) spins: *mut u64,
    pub(super) bond_form: *mut u64,
}

// SAFETY: the tasks of one colour write only the words of their own
// segment's sites, which are of that colour, and read only neighbours of
// the other colour (a proper two-colouring), which no task of the colour
// writes: no word is written by one task and read or written by another.
// Bond form: every bond has one end of each colour, so the tasks of one
// colour read and write disjoint sets of bond words (those of the bonds of
// their own sites), and each its own sites' spin words.
unsafe impl Send for SpinWords {}
// SAFETY: as above.
unsafe impl Sync for SpinWords {}

/// One sweep of segment `segment`, blocks `first..first + S::BLOCKS`, of
/// every chain: `spins[c]` chain c's spin words, `rngs[c]` its generators
/// of the segment's slab.
///
/// # Safety
/// `spins[c]` must address `layout.sites() * layout.blocks()` words, and no
/// other thread may touch the words of the segment's sites or read them
/// while this runs (see [`SpinWords`]).
#[inline(always)]
pub(super) unsafe fn sweep_body<
    S: Word,
    const D: usize,
    const INDEPENDENT: bool,
    const K: usize,
>(
    layout: &MultispinLayout,
    spins: &[SpinWords],
    rngs: &mut [&mut [BlockRng]],
    levels: &[Levels],
    segment: &Segment,
    first: usize,
) {
    let w = layout.blocks;
    assert!(first + S::BLOCKS <= w);
    assert_eq!(layout.antiferro.len(), layout.bond_ends.len() * w);
    assert!(spins.len() == K && rngs.len() == K && levels.len() == K);
    let bond_form = !spins[0].bond_form.is_null();
    assert!(!bond_form || (K == 1 && w == 1 && S::BLOCKS == 1));
    let mut sweeper = Sweeper::<S, INDEPENDENT, K> {
        couplings: if bond_form {
            spins[0].bond_form.cast_const()
        } else {
            // In bounds: first < w <= the buffer's length (bonds >= 1).
            layout.antiferro[first..].as_ptr()
        },
        spins: std::array::from_fn(|c| spins[c].spins.wrapping_add(first)),
        rng: std::array::from_fn(|c| Rngs::load(&rngs[c][first..first + S::BLOCKS])),
        uniforms: std::array::from_fn(|_| Uniforms::new(segment.positions.len())),
        levels: std::array::from_fn(|c| &levels[c]),
        bond_form,
    };
    match &layout.walk {
        Walk::Lattice { length } => {
            debug_assert!(D.is_multiple_of(2) && layout.bond_ends.len() == layout.n * D / 2);
            // Each row holds L/2 sites of each colour, colour 0 first in the
            // visiting order.
            let half = length / 2;
            let offset = segment.colour * layout.n / 2;
            let rows =
                (segment.positions.start - offset) / half..(segment.positions.end - offset) / half;
            // SAFETY: the layout checked N = L^(D/2), the bonds (i, i + e_a)
            // at index i D/2 + a, and L even; the buffers' lengths are
            // guaranteed by the caller.
            unsafe {
                if w == S::BLOCKS {
                    // One word per site: the strides are constants.
                    lattice_walk::<S, D, INDEPENDENT, K>(
                        &mut sweeper,
                        *length,
                        S::BLOCKS,
                        segment.colour,
                        rows,
                    )
                } else {
                    lattice_walk::<S, D, INDEPENDENT, K>(
                        &mut sweeper,
                        *length,
                        w,
                        segment.colour,
                        rows,
                    )
                }
            }
        }
        Walk::Table { neighbours, bonds } => {
            assert!(!bond_form);
            assert_eq!(neighbours.len(), layout.n * D);
            assert_eq!(bonds.len(), layout.n * D);
            for v in segment.positions.clone() {
                let site = layout.visit[v];
                let slots = v * D..(v + 1) * D;
                let (neighbours, bonds) = (&neighbours[slots.clone()], &bonds[slots]);
                // SAFETY: the tables hold (site * w) and (bond * w) of
                // existing sites and bonds (built by the layout).
                let spins = sweeper.spins;
                let couplings = sweeper.couplings;
                unsafe {
                    sweeper.site::<D>(
                        std::array::from_fn(|c| spins[c].add(site as usize * w)),
                        std::array::from_fn(|c| {
                            std::array::from_fn(|k| {
                                spins[c].add(neighbours[k] as usize).cast_const()
                            })
                        }),
                        std::array::from_fn(|k| couplings.add(bonds[k] as usize)),
                    );
                }
            }
        }
    }
    for (rng, rngs) in sweeper.rng.iter().zip(rngs.iter_mut()) {
        rng.store(&mut rngs[first..first + S::BLOCKS]);
    }
}
