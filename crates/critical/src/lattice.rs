//! The periodic triangular lattice, drawn as a square lattice with one diagonal.
//!
//! Site $(x, y)$, $0 \le x < W$, $0 \le y < H$, has index $i = x + W y$ and six
//! neighbours, in the order of [`Direction`]: $(x \pm 1, y)$ (horizontal),
//! $(x, y \pm 1)$ (vertical) and $(x \pm 1, y \pm 1)$ (diagonal), all periodic.
//! The elementary triangles are $\\{(x,y), (x+1,y), (x+1,y+1)\\}$ and
//! $\\{(x,y), (x,y+1), (x+1,y+1)\\}$: $2N$ triangles and $3N$ bonds for $N = WH$
//! sites. The colouring $c = (x + y) \bmod 3$ gives every triangle one site of
//! each colour; it is proper on the torus only when $3$ divides $W$ and $H$,
//! which the Baxter–Wu model needs for its ground states.

use serde::{Deserialize, Serialize};

use quench_core::ParameterError;

/// Largest side accepted (the index of a site must fit in `u32`).
pub const MAX_SIDE: usize = 1 << 15;

/// The six neighbour directions of a site, in the order of
/// [`TriangularLattice::neighbours`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// $(x+1, y)$.
    Right,
    /// $(x-1, y)$.
    Left,
    /// $(x, y+1)$.
    Up,
    /// $(x, y-1)$.
    Down,
    /// $(x+1, y+1)$.
    UpRight,
    /// $(x-1, y-1)$.
    DownLeft,
}

impl Direction {
    /// All six, in neighbour order.
    pub const ALL: [Direction; 6] = [
        Direction::Right,
        Direction::Left,
        Direction::Up,
        Direction::Down,
        Direction::UpRight,
        Direction::DownLeft,
    ];

    /// The bond type: 0 horizontal, 1 vertical, 2 diagonal.
    pub fn bond_type(self) -> usize {
        match self {
            Direction::Right | Direction::Left => 0,
            Direction::Up | Direction::Down => 1,
            Direction::UpRight | Direction::DownLeft => 2,
        }
    }

    fn offset(self) -> (isize, isize) {
        match self {
            Direction::Right => (1, 0),
            Direction::Left => (-1, 0),
            Direction::Up => (0, 1),
            Direction::Down => (0, -1),
            Direction::UpRight => (1, 1),
            Direction::DownLeft => (-1, -1),
        }
    }
}

/// A periodic $W \times H$ triangular lattice with its neighbour and triangle
/// tables (module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriangularLattice {
    width: usize,
    height: usize,
    neighbours: Vec<[u32; 6]>,
    /// For site $i$ and direction $k$: the third sites of the two triangles
    /// that contain the bond from $i$ in direction $k$.
    bond_thirds: Vec<[[u32; 2]; 6]>,
}

/// The shape of a lattice, as stored with snapshots and checkpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    /// $W$.
    pub width: usize,
    /// $H$.
    pub height: usize,
}

impl TriangularLattice {
    /// A lattice with sides $2 \le W, H \le$ [`MAX_SIDE`]. Sides of 2 make
    /// forward and backward neighbours coincide (two bonds join the same pair,
    /// as on the hypercubic lattices of `quench-core`).
    pub fn new(width: usize, height: usize) -> Result<Self, ParameterError> {
        for (name, value) in [("width", width), ("height", height)] {
            if !(2..=MAX_SIDE).contains(&value) {
                return Err(ParameterError::new(
                    name,
                    value,
                    format!("an integer side 2 <= {name} <= {MAX_SIDE}"),
                ));
            }
        }
        let sites = width * height;
        let index = |x: usize, y: usize| (x + width * y) as u32;
        let shift =
            |x: usize, d: isize, n: usize| ((x as isize + d).rem_euclid(n as isize)) as usize;
        let mut neighbours = Vec::with_capacity(sites);
        for y in 0..height {
            for x in 0..width {
                let mut row = [0u32; 6];
                for (k, direction) in Direction::ALL.iter().enumerate() {
                    let (dx, dy) = direction.offset();
                    row[k] = index(shift(x, dx, width), shift(y, dy, height));
                }
                neighbours.push(row);
            }
        }
        // The third vertex of each of the two triangles on a bond, from the
        // offsets of the six triangles around a site.
        let mut bond_thirds = Vec::with_capacity(sites);
        for y in 0..height {
            for x in 0..width {
                let at = |dx: isize, dy: isize| index(shift(x, dx, width), shift(y, dy, height));
                bond_thirds.push([
                    // Right (x+1, y): triangles with (x+1, y+1) and (x, y-1).
                    [at(1, 1), at(0, -1)],
                    // Left (x-1, y): with (x, y+1) and (x-1, y-1).
                    [at(0, 1), at(-1, -1)],
                    // Up (x, y+1): with (x+1, y+1) and (x-1, y).
                    [at(1, 1), at(-1, 0)],
                    // Down (x, y-1): with (x+1, y) and (x-1, y-1).
                    [at(1, 0), at(-1, -1)],
                    // UpRight (x+1, y+1): with (x+1, y) and (x, y+1).
                    [at(1, 0), at(0, 1)],
                    // DownLeft (x-1, y-1): with (x-1, y) and (x, y-1).
                    [at(-1, 0), at(0, -1)],
                ]);
            }
        }
        Ok(Self {
            width,
            height,
            neighbours,
            bond_thirds,
        })
    }

    /// A square $L \times L$ lattice.
    pub fn square(length: usize) -> Result<Self, ParameterError> {
        Self::new(length, length).map_err(|error| ParameterError {
            parameter: "length",
            ..error
        })
    }

    /// $W$.
    pub fn width(&self) -> usize {
        self.width
    }

    /// $H$.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The shape, for storage.
    pub fn shape(&self) -> Shape {
        Shape {
            width: self.width,
            height: self.height,
        }
    }

    /// Number of sites $N = WH$.
    pub fn sites(&self) -> usize {
        self.width * self.height
    }

    /// The six neighbours of `site`, in [`Direction::ALL`] order.
    pub fn neighbours(&self, site: usize) -> &[u32; 6] {
        &self.neighbours[site]
    }

    /// The third sites of the two triangles on each of the six bonds of `site`.
    pub fn bond_thirds(&self, site: usize) -> &[[u32; 2]; 6] {
        &self.bond_thirds[site]
    }

    /// The colour $(x + y) \bmod 3$ of a site.
    pub fn colour(&self, site: usize) -> usize {
        (site % self.width + site / self.width) % 3
    }

    /// Whether the three-colouring is proper (3 divides both sides).
    pub fn is_three_colourable(&self) -> bool {
        self.width.is_multiple_of(3) && self.height.is_multiple_of(3)
    }

    /// The $2N$ elementary triangles, two per site: $\\{i, i+\hat x, i+\hat x+\hat y\\}$
    /// and $\\{i, i+\hat y, i+\hat x+\hat y\\}$.
    pub fn triangles(&self) -> impl Iterator<Item = [usize; 3]> + '_ {
        (0..self.sites()).flat_map(move |site| {
            let row = &self.neighbours[site];
            let corner = row[4] as usize;
            [
                [site, row[0] as usize, corner],
                [site, row[2] as usize, corner],
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_bond_lies_on_two_triangles_whose_third_sites_are_tabled() {
        let lattice = TriangularLattice::new(6, 9).unwrap();
        let triangles: Vec<[usize; 3]> = lattice.triangles().collect();
        assert_eq!(triangles.len(), 2 * lattice.sites());
        let sets: HashSet<[usize; 3]> = triangles
            .iter()
            .map(|t| {
                let mut sorted = *t;
                sorted.sort_unstable();
                sorted
            })
            .collect();
        for site in 0..lattice.sites() {
            for (k, &neighbour) in lattice.neighbours(site).iter().enumerate() {
                for &third in &lattice.bond_thirds(site)[k] {
                    let mut triangle = [site, neighbour as usize, third as usize];
                    triangle.sort_unstable();
                    assert!(sets.contains(&triangle), "site {site} direction {k}");
                }
                // The neighbour relation is symmetric: the opposite direction leads back.
                let back = lattice.neighbours(neighbour as usize)[k ^ 1];
                assert_eq!(back as usize, site);
            }
        }
    }

    #[test]
    fn the_three_colouring_puts_one_site_of_each_colour_on_every_triangle() {
        let lattice = TriangularLattice::new(9, 6).unwrap();
        assert!(lattice.is_three_colourable());
        for triangle in lattice.triangles() {
            let mut colours: Vec<usize> = triangle.iter().map(|&s| lattice.colour(s)).collect();
            colours.sort_unstable();
            assert_eq!(colours, vec![0, 1, 2]);
        }
        assert!(!TriangularLattice::new(4, 6).unwrap().is_three_colourable());
    }

    #[test]
    fn bad_sides_name_the_parameter() {
        assert_eq!(TriangularLattice::new(1, 4).unwrap_err().parameter, "width");
        assert_eq!(
            TriangularLattice::new(4, 0).unwrap_err().parameter,
            "height"
        );
        assert_eq!(
            TriangularLattice::square(1).unwrap_err().parameter,
            "length"
        );
    }
}
