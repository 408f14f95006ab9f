//! Clusters from verified pairs.
//!
//! In: the number of documents and the verified edges. Out: connected
//! components with at least two members, as sorted document-index lists,
//! ordered by size (largest first) and then by their smallest member.
//!
//! Union-find over dense `u32` ids, with union by size and path halving:
//! near-constant time per edge, no recursion, no pointers.

/// Disjoint sets over `0..n`.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        assert!(n <= u32::MAX as usize, "too many elements for u32 ids");
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// The representative of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Joins the sets of `a` and `b`; returns false when they were already one.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        true
    }

    /// Components with at least `min_size` members, each sorted, ordered by
    /// size descending then smallest member.
    pub fn components(&mut self, min_size: usize) -> Vec<Vec<u32>> {
        let n = self.parent.len() as u32;
        // (root, member) for the members of large enough components, sorted:
        // memory for those members only, not a list per unit.
        let mut keyed: Vec<(u32, u32)> = (0..n)
            .filter_map(|x| {
                let r = self.find(x);
                (self.size[r as usize] as usize >= min_size).then_some((r, x))
            })
            .collect();
        keyed.sort_unstable();
        let mut comps: Vec<Vec<u32>> = keyed
            .chunk_by(|x, y| x.0 == y.0)
            .map(|run| run.iter().map(|&(_, x)| x).collect())
            .collect();
        comps.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        comps
    }
}

/// The connected components of at least `min_size` units among `n`,
/// joined by `edges` (pairs of unit ids below `n`), as
/// [`UnionFind::components`] orders them.
pub fn components(
    n: usize,
    edges: impl IntoIterator<Item = (u32, u32)>,
    min_size: usize,
) -> Vec<Vec<u32>> {
    let mut uf = UnionFind::new(n);
    for (a, b) in edges {
        uf.union(a, b);
    }
    uf.components(min_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unions_and_components() {
        let mut uf = UnionFind::new(7);
        assert!(uf.union(0, 1));
        assert!(uf.union(1, 2));
        assert!(!uf.union(0, 2));
        assert!(uf.union(5, 4));
        assert_eq!(uf.find(2), uf.find(0));
        assert_ne!(uf.find(3), uf.find(0));
        assert_eq!(uf.components(2), vec![vec![0, 1, 2], vec![4, 5]]);
        assert_eq!(uf.components(1).len(), 4);
    }

    #[test]
    fn long_chain_does_not_overflow_the_stack() {
        let n = 1_000_000;
        let mut uf = UnionFind::new(n);
        for i in 1..n as u32 {
            uf.union(i - 1, i);
        }
        assert_eq!(uf.components(2).len(), 1);
    }

    #[test]
    fn order_of_unions_does_not_change_components() {
        let edges = [(0, 3), (3, 6), (1, 4), (8, 9), (2, 8)];
        let mut a = UnionFind::new(10);
        let mut b = UnionFind::new(10);
        for &(x, y) in &edges {
            a.union(x, y);
        }
        for &(x, y) in edges.iter().rev() {
            b.union(y, x);
        }
        assert_eq!(a.components(2), b.components(2));
    }
}
