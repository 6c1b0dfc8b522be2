//! The family tree of local images: images arranged by the base layers they share (what `dockviz`
//! once drew in a terminal), each branch with the bytes it adds and the bytes of everything below
//! it, so a user sees which tags are cheap to keep and which are not.

use std::collections::HashMap;

use serde::Serialize;

use super::facts::ImageFacts;
use super::plan::display_name;

/// A stretch of layers with no fork and no image inside it, and what grows from its top.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Branch {
    /// Layers in the stretch (one or more; none only for an image without layers).
    pub layers: usize,
    /// Bytes the stretch adds.
    pub bytes: u64,
    /// Bytes of the stretch and all branches above it: what removing every image of this branch
    /// would free.
    pub branch_bytes: u64,
    /// The command that made the stretch's top layer.
    pub command: String,
    /// Images whose top layer is the stretch's top.
    pub images: Vec<FamilyImage>,
    /// Branches built on it, largest first.
    pub children: Vec<Branch>,
}

/// An image as the family tree shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FamilyImage {
    /// The full image id.
    pub id: String,
    /// Its first reference, or its short id when it has none.
    pub name: String,
    /// All its `repository:tag` references; none for a dangling image.
    pub refs: Vec<String>,
}

/// One layer of the tree while it is built.
#[derive(Default)]
struct Node {
    size: u64,
    command: String,
    children: Vec<usize>,
    images: Vec<FamilyImage>,
}

/// The roots of the family tree of `images` (bases no two images share are separate roots),
/// largest first.
pub fn family_tree(images: &[ImageFacts]) -> Vec<Branch> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut by_chain: HashMap<&str, usize> = HashMap::new();
    let mut roots: Vec<usize> = Vec::new();
    let mut bare: Vec<Branch> = Vec::new();
    for image in images {
        let member = FamilyImage { id: image.id.clone(), name: display_name(image), refs: image.refs.clone() };
        let mut parent: Option<usize> = None;
        for layer in &image.layers {
            let index = *by_chain.entry(layer.chain.as_str()).or_insert_with(|| {
                nodes.push(Node { size: layer.size, command: layer.command.clone(), ..Default::default() });
                let index = nodes.len() - 1;
                match parent {
                    Some(parent) => nodes[parent].children.push(index),
                    None => roots.push(index),
                }
                index
            });
            parent = Some(index);
        }
        match parent {
            Some(top) => nodes[top].images.push(member),
            None => bare.push(Branch {
                layers: 0,
                bytes: 0,
                branch_bytes: 0,
                command: String::new(),
                images: vec![member],
                children: vec![],
            }),
        }
    }
    let mut branches: Vec<Branch> = roots.into_iter().map(|root| branch_from(&mut nodes, root)).collect();
    branches.extend(bare);
    branches.sort_by_key(|branch| std::cmp::Reverse(branch.branch_bytes));
    branches
}

/// The branch starting at `start`: follows single children with no image of their own.
fn branch_from(nodes: &mut [Node], start: usize) -> Branch {
    let mut layers = 1;
    let mut bytes = nodes[start].size;
    let mut top = start;
    while nodes[top].images.is_empty() && nodes[top].children.len() == 1 {
        top = nodes[top].children[0];
        layers += 1;
        bytes += nodes[top].size;
    }
    let child_indices = std::mem::take(&mut nodes[top].children);
    let mut children: Vec<Branch> = child_indices.into_iter().map(|child| branch_from(nodes, child)).collect();
    children.sort_by_key(|child| std::cmp::Reverse(child.branch_bytes));
    let branch_bytes = bytes + children.iter().map(|c| c.branch_bytes).sum::<u64>();
    Branch {
        layers,
        bytes,
        branch_bytes,
        command: std::mem::take(&mut nodes[top].command),
        images: std::mem::take(&mut nodes[top].images),
        children,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cleanup::facts::test_image;

    fn image(id: &str, refs: &[&str], chains: &[(&str, u64)]) -> ImageFacts {
        test_image(id, refs, 0, chains)
    }

    #[test]
    fn images_hang_from_the_layers_they_share() {
        let images = [
            image("base", &["debian:12"], &[("os", 100), ("os-conf", 1)]),
            image("a1", &["app:1"], &[("os", 100), ("os-conf", 1), ("deps", 40), ("a1", 5)]),
            image("a2", &["app:2"], &[("os", 100), ("os-conf", 1), ("deps", 40), ("a2", 6)]),
            image("t", &["tool:1"], &[("alpine", 7)]),
        ];
        let tree = family_tree(&images);
        assert_eq!(tree.len(), 2, "two unrelated bases");
        let debian = &tree[0];
        assert_eq!((debian.layers, debian.bytes, debian.branch_bytes), (2, 101, 152));
        assert_eq!(debian.images[0].name, "debian:12");
        assert_eq!(debian.command, "make os-conf");
        let deps = &debian.children[0];
        assert_eq!((deps.layers, deps.bytes, deps.branch_bytes), (1, 40, 51), "the fork of app:1 and app:2");
        assert!(deps.images.is_empty());
        let tips: Vec<(&str, u64)> = deps.children.iter().map(|c| (c.images[0].name.as_str(), c.bytes)).collect();
        assert_eq!(tips, [("app:2", 6), ("app:1", 5)], "largest first");
        assert_eq!(tree[1].images[0].name, "tool:1");
    }
}
