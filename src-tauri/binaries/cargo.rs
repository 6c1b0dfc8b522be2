//! The crates a Rust binary was built from, as cargo-auditable records them: a `.dep-v0` section
//! holding zlib-compressed JSON, `{"packages": [{"name", "version", "source", "kind", "root"}, …]}`.
//! The section is found through the binary's section table (ELF, PE or Mach-O, read by the
//! `object` crate), so the binary must be whole: the image reader keeps binaries up to
//! [`super::SECTION_READ_LIMIT`].

use std::io::Read;

use object::{Object, ObjectSection};
use serde::Deserialize;

use super::{BinaryFinding, BuiltWith, Module, Toolchain};

/// The section cargo-auditable writes.
const SECTION: &str = ".dep-v0";
/// More than any dependency list inflates to: a section that inflates past it is not read.
const INFLATED_LIMIT: u64 = 16 * 1024 * 1024;

#[derive(Deserialize)]
struct DependencyList {
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    /// Where it came from: `crates.io`, `local` (a path), `git`, `registry`, `other`.
    #[serde(default)]
    source: Option<String>,
    /// `runtime` (the default) or `build`: a build dependency runs at build time and is not in
    /// the program.
    #[serde(default)]
    kind: Option<String>,
    /// Set on the binary's own crate.
    #[serde(default)]
    root: bool,
}

impl Package {
    /// Whether crates.io's advisories speak of it: a crate from crates.io (or an older list that
    /// does not say), built into the program.
    fn is_published_and_shipped(&self) -> bool {
        self.source.as_deref().is_none_or(|source| source == "crates.io") && self.kind.as_deref() != Some("build")
    }
}

/// The dependency list in a whole binary, if it has one.
pub fn find(binary: &[u8]) -> Option<BinaryFinding> {
    let file = object::File::parse(binary).ok()?;
    let section = file.section_by_name(SECTION)?;
    let Ok(compressed) = section.data() else {
        return Some(not_read("its section lies outside the file"));
    };
    let mut json = Vec::new();
    let inflated = flate2::read::ZlibDecoder::new(compressed).take(INFLATED_LIMIT + 1).read_to_end(&mut json);
    if inflated.is_err() {
        return Some(not_read("its section does not inflate"));
    }
    if json.len() as u64 > INFLATED_LIMIT {
        return Some(not_read("its list inflates past 16 MiB"));
    }
    let Ok(list) = serde_json::from_slice::<DependencyList>(&json) else {
        return Some(not_read("its list is not cargo-auditable's JSON"));
    };
    // The program's own crate, and path or git crates, are the program's code, not crates.io's;
    // build dependencies are not in the binary.
    let shipped = list.packages.into_iter().filter(Package::is_published_and_shipped);
    let (roots, dependencies): (Vec<_>, Vec<_>) = shipped.partition(|package| package.root);
    let module = |package: Package| Module { name: package.name, version: package.version };
    Some(BinaryFinding::Read(BuiltWith {
        toolchain: Toolchain::Rust,
        toolchain_version: None,
        main: roots.into_iter().next().map(module),
        modules: dependencies.into_iter().map(module).collect(),
    }))
}

fn not_read(why: &str) -> BinaryFinding {
    BinaryFinding::NotRead(format!("a Rust dependency list (cargo-auditable) is there, but {why}"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    pub fn dependencies_json() -> &'static str {
        r#"{"packages":[
            {"name":"hello","version":"0.1.0","source":"local","dependencies":[1,2],"root":true},
            {"name":"serde","version":"1.0.150","source":"crates.io"},
            {"name":"cc","version":"1.0.79","source":"crates.io","kind":"build"}
        ]}"#
    }

    pub fn compressed(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    pub fn compressed_dependencies() -> Vec<u8> {
        compressed(dependencies_json().as_bytes())
    }

    /// An ELF object file with `data` in a `.dep-v0` section, as cargo-auditable's object is
    /// before the linker takes it in.
    pub fn elf_with_section(data: &[u8]) -> Vec<u8> {
        use object::write::Object as Writer;
        let mut writer =
            Writer::new(object::BinaryFormat::Elf, object::Architecture::X86_64, object::Endianness::Little);
        let section = writer.add_section(Vec::new(), SECTION.as_bytes().to_vec(), object::SectionKind::ReadOnlyData);
        writer.append_section_data(section, data, 1);
        writer.write().unwrap()
    }

    #[test]
    fn the_crates_and_the_binarys_own_are_read() {
        let Some(BinaryFinding::Read(built)) = find(&elf_with_section(&compressed_dependencies())) else {
            panic!("not read")
        };
        assert_eq!(built.main, None, "the program's own crate (source: local) is not crates.io's");
        let names: Vec<_> = built.modules.iter().map(|m| format!("{}@{}", m.name, m.version)).collect();
        assert_eq!(names, ["serde@1.0.150"], "cc is a build dependency: not in the binary");
    }

    #[test]
    fn a_damaged_section_is_said_not_read() {
        let garbled = find(&elf_with_section(b"not zlib at all"));
        assert!(
            matches!(&garbled, Some(BinaryFinding::NotRead(why)) if why.contains("does not inflate")),
            "{garbled:?}"
        );
        let not_json = find(&elf_with_section(&compressed(b"{\"crates\": 1}")));
        assert!(matches!(not_json, Some(BinaryFinding::NotRead(why)) if why.contains("not cargo-auditable")));
        let bomb = find(&elf_with_section(&compressed(&vec![b' '; 17 * 1024 * 1024])));
        assert!(matches!(bomb, Some(BinaryFinding::NotRead(why)) if why.contains("16 MiB")));
        assert!(matches!(find(&elf_with_section(b"")), Some(BinaryFinding::NotRead(_))));
        assert_eq!(find(b"\x7fELF but cut"), None);
    }
}
