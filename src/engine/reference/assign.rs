//! A roles assignment that shows §2 step 5 holds: each role gets at least
//! its minimum from contributors accepting it, nobody counted twice
//! (a maximum flow from contributors through roles; `muster trace`).

/// People of each contributor given to each role: `[contributor][role]`;
/// None when the minimums cannot all be met.
pub fn assign(deployed: &[u64], accepts: &[Vec<usize>], minimums: &[u64]) -> Option<Vec<Vec<u64>>> {
    let (n, r) = (deployed.len(), minimums.len());
    // Nodes: 0 source, 1..=n contributors, n+1..=n+r roles, n+r+1 sink.
    let sink = n + r + 1;
    let mut cap = vec![vec![0u64; sink + 1]; sink + 1];
    for i in 0..n {
        cap[0][1 + i] = deployed[i];
        for &role in &accepts[i] {
            cap[1 + i][1 + n + role] = u64::MAX;
        }
    }
    for (k, &m) in minimums.iter().enumerate() {
        cap[1 + n + k][sink] = m;
    }
    let original = cap.clone();
    let mut flow = 0u64;
    while let Some(path) = augmenting_path(&cap, sink) {
        let push = path.windows(2).map(|w| cap[w[0]][w[1]]).min().unwrap_or(0);
        for w in path.windows(2) {
            cap[w[0]][w[1]] -= push;
            cap[w[1]][w[0]] = cap[w[1]][w[0]].saturating_add(push);
        }
        flow += push;
    }
    if flow < minimums.iter().sum::<u64>() {
        return None;
    }
    Some(
        (0..n)
            .map(|i| {
                (0..r)
                    .map(|k| {
                        let (a, b) = (1 + i, 1 + n + k);
                        original[a][b].saturating_sub(cap[a][b]).min(deployed[i])
                    })
                    .collect()
            })
            .collect(),
    )
}

/// A shortest path from the source (node 0) to `sink` along edges with
/// capacity left.
fn augmenting_path(cap: &[Vec<u64>], sink: usize) -> Option<Vec<usize>> {
    let mut before = vec![usize::MAX; cap.len()];
    before[0] = 0;
    let mut queue = std::collections::VecDeque::from([0usize]);
    while let Some(a) = queue.pop_front() {
        for b in 0..cap.len() {
            if cap[a][b] > 0 && before[b] == usize::MAX {
                before[b] = a;
                queue.push_back(b);
            }
        }
    }
    if before[sink] == usize::MAX {
        return None;
    }
    let mut path = vec![sink];
    while *path.last()? != 0 {
        path.push(before[*path.last()?]);
    }
    path.reverse();
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::assign;

    #[test]
    fn meets_every_minimum_without_counting_anyone_twice() {
        // A (300) takes only role 0; B (500) takes both. Minimums 250, 400:
        // A must give 250 to role 0, B 400 to role 1.
        let a = assign(&[300, 500], &[vec![0], vec![0, 1]], &[250, 400]).unwrap();
        for (k, m) in [250u64, 400].iter().enumerate() {
            assert!(a.iter().map(|row| row[k]).sum::<u64>() >= *m);
        }
        for (i, d) in [300u64, 500].iter().enumerate() {
            assert!(a[i].iter().sum::<u64>() <= *d);
        }
        assert_eq!(a[0][1], 0, "A does not accept role 1");
    }

    #[test]
    fn refuses_when_a_set_of_roles_asks_more_than_its_contributors_have() {
        assert!(assign(&[300, 500], &[vec![0], vec![0]], &[800]).is_some());
        assert!(assign(&[300, 500], &[vec![0], vec![0]], &[801]).is_none());
        assert!(assign(&[100], &[vec![0]], &[0, 1]).is_none());
    }
}
