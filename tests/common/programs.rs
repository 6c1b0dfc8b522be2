//! Real programs that say what they were built from, for the SBOM's binary reader: a Go program
//! built by Debian's Go (`golang-go`, which `make deps` installs) with one dependency vendored, so
//! no module proxy is asked; and a Rust program built by rustc with a `.dep-v0` section as
//! cargo-auditable writes it (zlib-compressed JSON, kept by the linker through `--undefined`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Go program's one dependency.
pub const GO_DEPENDENCY: (&str, &str) = ("example.com/greeting", "v1.4.2");

/// The Rust program's crates: its own, then one dependency.
pub const RUST_CRATES: [(&str, &str); 2] = [("hello", "0.1.0"), ("smallvec", "1.6.0")];

fn write(path: &Path, content: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn run(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?} did not start: {e}"));
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// Builds the Go program in `dir`: its path, and what `go version -m` says of it.
pub fn go_program(dir: &Path) -> (PathBuf, String) {
    assert!(
        Command::new("go").arg("version").output().is_ok_and(|o| o.status.success()),
        "Go is needed to build the test's Go program: `make deps` installs Debian's golang-go"
    );
    let (module, version) = GO_DEPENDENCY;
    write(&dir.join("go.mod"), &format!("module example.com/hello\n\ngo 1.19\n\nrequire {module} {version}\n"));
    write(&dir.join("vendor/modules.txt"), &format!("# {module} {version}\n## explicit\n{module}\n"));
    write(
        &dir.join("vendor").join(module).join("greeting.go"),
        "package greeting\n\nfunc Hello() string { return \"hello\" }\n",
    );
    write(
        &dir.join("main.go"),
        &format!("package main\n\nimport (\n\t\"fmt\"\n\t\"{module}\"\n)\n\nfunc main() {{ fmt.Println(greeting.Hello()) }}\n"),
    );
    let program = dir.join("hello");
    run(Command::new("go")
        .current_dir(dir)
        .args(["build", "-trimpath", "-ldflags=-s -w", "-o"])
        .arg(&program)
        .arg(".")
        .env("GOFLAGS", "-mod=vendor")
        .env("GOPROXY", "off")
        .env("CGO_ENABLED", "0")
        .env("GOCACHE", dir.join("cache"))
        .env("GOPATH", dir.join("gopath")));
    let said = run(Command::new("go").args(["version", "-m"]).arg(&program));
    (program, said)
}

/// Builds the Rust program in `dir`, and gives its path.
pub fn rust_program(dir: &Path) -> PathBuf {
    let crates: Vec<String> = RUST_CRATES
        .iter()
        .enumerate()
        .map(|(index, (name, version))| {
            let own = if index == 0 {
                r#","source":"local","dependencies":[1],"root":true"#
            } else {
                r#","source":"crates.io""#
            };
            format!(r#"{{"name":"{name}","version":"{version}"{own}}}"#)
        })
        .collect();
    let json = format!(r#"{{"packages":[{}]}}"#, crates.join(","));
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(json.as_bytes()).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("dependencies.zlib"), encoder.finish().unwrap()).unwrap();
    write(
        &dir.join("main.rs"),
        "#[no_mangle]\n#[used]\n#[link_section = \".dep-v0\"]\n\
         pub static AUDITABLE_VERSION_INFO: [u8; include_bytes!(\"dependencies.zlib\").len()] = *include_bytes!(\"dependencies.zlib\");\n\
         fn main() { println!(\"hello\"); }\n",
    );
    let program = dir.join("hello-rs");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    run(Command::new(rustc)
        .current_dir(dir)
        .args(["-C", "link-arg=-Wl,--undefined=AUDITABLE_VERSION_INFO", "-C", "strip=debuginfo", "-o"])
        .arg(&program)
        .arg("main.rs"));
    program
}
