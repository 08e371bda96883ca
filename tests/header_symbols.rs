//! Every symbol the shared library exports is declared in the header, and
//! every function the header declares is exported; the library carries a
//! SONAME with the major version.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

/// The shared library cargo built next to this test.
fn shared_library() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let deps = exe.parent().expect("deps directory");
    for dir in [deps, deps.parent().expect("profile directory")] {
        let candidate = dir.join("libspill_ring.so");
        if candidate.exists() {
            return candidate;
        }
    }
    panic!("libspill_ring.so not found next to {}", exe.display());
}

/// Output of a binutils command.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {program} (binutils): {e}"));
    assert!(
        out.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The dynamic symbols the library defines.
fn exported_symbols() -> BTreeSet<String> {
    let lib = shared_library();
    run(
        "nm",
        &["-D", "--defined-only", lib.to_str().expect("utf-8 path")],
    )
    .lines()
    .filter_map(|line| {
        let mut fields = line.split_whitespace();
        let (_addr, kind, name) = (fields.next()?, fields.next()?, fields.next()?);
        // Undefined and weak references are not exports of ours.
        (!matches!(kind, "U" | "w" | "v")).then(|| name.to_owned())
    })
    .collect()
}

/// The functions the header declares: `name(` outside comments, excluding
/// function-pointer typedefs (`(*name)`).
fn declared_functions() -> BTreeSet<String> {
    let header = include_str!("../include/spill_ring.h");
    let mut code = String::new();
    let mut rest = header;
    while let Some(start) = rest.find("/*") {
        code.push_str(&rest[..start]);
        let end = rest[start..].find("*/").expect("closed comment") + start + 2;
        rest = &rest[end..];
    }
    code.push_str(rest);
    let code: String = code
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut names = BTreeSet::new();
    let bytes = code.as_bytes();
    for (i, _) in code.match_indices('(') {
        let start = code[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |p| p + 1);
        let name = &code[start..i];
        let pointer_typedef = start > 1 && &bytes[start - 2..start] == b"(*";
        if name.starts_with("spill_") && !pointer_typedef {
            names.insert(name.to_owned());
        }
    }
    names
}

#[test]
fn exports_and_declarations_match() {
    let exported = exported_symbols();
    let declared = declared_functions();
    assert!(
        declared.len() > 100,
        "the header parser found only {declared:?}"
    );
    let undeclared: Vec<_> = exported.difference(&declared).collect();
    let missing: Vec<_> = declared.difference(&exported).collect();
    assert!(
        undeclared.is_empty(),
        "exported by libspill_ring.so but not declared in include/spill_ring.h: {undeclared:?}"
    );
    assert!(
        missing.is_empty(),
        "declared in include/spill_ring.h but not exported: {missing:?}"
    );
}

#[test]
#[cfg(target_os = "linux")]
fn shared_library_has_a_versioned_soname() {
    let lib = shared_library();
    let dynamic = run("readelf", &["-d", lib.to_str().expect("utf-8 path")]);
    let expected = format!("[libspill_ring.so.{}]", env!("CARGO_PKG_VERSION_MAJOR"));
    assert!(
        dynamic
            .lines()
            .any(|l| l.contains("(SONAME)") && l.contains(&expected)),
        "no SONAME {expected} in:\n{dynamic}"
    );
}
