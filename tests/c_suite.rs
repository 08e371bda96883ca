//! The C test suite, run by `cargo test`.
//!
//! Compiles every `c_tests/test_*.c` program (with the suite's support code)
//! and the C99 / C++11 header checks with the system C and C++ compilers,
//! found through the `cc` crate (which honours `CC`, `CXX`, `CFLAGS`, ...),
//! links them against the static library cargo built for this very test
//! run, and runs them. A change on the Rust side therefore cannot break the
//! C interface silently, and this path needs no CMake.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

/// Flags every C program of the suite is compiled with.
const C_FLAGS: &[&str] = &["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"];
/// Flags of the C++ header check.
const CXX_FLAGS: &[&str] = &["-std=c++11", "-Wall", "-Wextra", "-Werror", "-pedantic"];
/// System libraries the Rust standard library in the static library needs.
const SYSTEM_LIBS: &[&str] = &["-lpthread", "-ldl", "-lm"];

/// The repository root (this package's manifest directory).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The static library cargo built for this run: the test executable lives
/// in `<target>/<profile>/deps/`, the library in `<target>/<profile>/`.
fn static_library() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test executable lives in <target>/<profile>/deps");
    let lib = profile_dir.join("libspill_ring.a");
    assert!(
        lib.is_file(),
        "{} is missing: the root package must build a staticlib",
        lib.display()
    );
    lib
}

/// Where this test writes its programs and temporary files.
fn work_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("c_suite");
    std::fs::create_dir_all(dir.join("tmp")).expect("creating the work directory");
    dir
}

/// The host's target triple, from `rustc -vV`.
fn host_triple() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let output = Command::new(&rustc)
        .arg("-vV")
        .output()
        .unwrap_or_else(|e| panic!("running {rustc} -vV: {e}"));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .expect("rustc -vV names the host triple")
}

/// The system C (or C++) compiler as `cc` finds it, with its default flags.
fn compiler(cpp: bool) -> cc::Tool {
    let triple = host_triple();
    cc::Build::new()
        .cpp(cpp)
        .target(&triple)
        .host(&triple)
        .opt_level(1)
        .debug(true)
        .cargo_metadata(false)
        .try_get_compiler()
        .unwrap_or_else(|e| panic!("no C{} compiler found: {e}", if cpp { "++" } else { "" }))
}

/// Runs a command to completion, capturing its output.
fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("could not start {command:?}: {e}"))
}

/// Describes a failed command for the test report.
fn failure(what: &str, output: &Output) -> String {
    format!(
        "{what}: {}\n--- stdout ---\n{}--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// One program of the suite: its sources, how to compile it and its name.
struct Program {
    name: String,
    sources: Vec<PathBuf>,
    cpp: bool,
}

/// Compiles `program` against the static library, then runs it; returns
/// the failure report, if any.
fn build_and_run(program: &Program, lib: &Path, work: &Path) -> Result<String, String> {
    let c_tests = root().join("c_tests");
    let exe = work.join(&program.name);
    let mut compile = compiler(program.cpp).to_command();
    compile
        .args(if program.cpp { CXX_FLAGS } else { C_FLAGS })
        .arg("-I")
        .arg(root().join("include"))
        .arg("-I")
        .arg(&c_tests)
        .arg(format!(
            "-DSPILL_EXPECTED_VERSION=\"{}\"",
            env!("CARGO_PKG_VERSION")
        ))
        .args(&program.sources)
        .arg("-o")
        .arg(&exe)
        .arg(lib)
        .args(SYSTEM_LIBS);
    let compiled = run(&mut compile);
    if !compiled.status.success() {
        return Err(failure(&format!("compiling {}", program.name), &compiled));
    }
    let ran = run(Command::new(&exe)
        .env("SPILL_TEST_TMPDIR", work.join("tmp"))
        .current_dir(work));
    if ran.status.success() {
        Ok(String::from_utf8_lossy(&ran.stdout).into_owned())
    } else {
        Err(failure(&format!("running {}", program.name), &ran))
    }
}

/// Every program of the suite: each `c_tests/test_*.c` with the support
/// code, and the two header checks.
fn programs() -> Vec<Program> {
    let c_tests = root().join("c_tests");
    let support: Vec<PathBuf> = ["check.c", "families.c", "spouts.c"]
        .iter()
        .map(|f| c_tests.join("support").join(f))
        .collect();
    let mut tests: Vec<PathBuf> = std::fs::read_dir(&c_tests)
        .expect("reading c_tests/")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("test_") && name.ends_with(".c")
        })
        .collect();
    tests.sort();
    assert!(!tests.is_empty(), "no c_tests/test_*.c found");

    let mut programs: Vec<Program> = tests
        .into_iter()
        .map(|test| Program {
            name: test.file_stem().unwrap().to_string_lossy().into_owned(),
            sources: support.iter().cloned().chain([test]).collect(),
            cpp: false,
        })
        .collect();
    programs.push(Program {
        name: "header_c99".into(),
        sources: vec![c_tests.join("header_c99.c")],
        cpp: false,
    });
    programs.push(Program {
        name: "header_cxx11".into(),
        sources: vec![c_tests.join("header_cxx11.cpp")],
        cpp: true,
    });
    programs
}

#[test]
fn c_test_suite_passes() {
    let lib = static_library();
    let work = work_dir();
    let programs = programs();
    let next = AtomicUsize::new(0);
    let jobs = thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    let results: Mutex<Vec<(String, Result<String, String>)>> = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while let Some(program) = programs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = build_and_run(program, &lib, &work);
                    results
                        .lock()
                        .expect("no job panicked")
                        .push((program.name.clone(), result));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("no job panicked");
    results.sort_by(|a, b| a.0.cmp(&b.0));

    let mut failures = Vec::new();
    for (name, result) in &results {
        match result {
            Ok(stdout) => println!("== {name}: passed\n{stdout}"),
            Err(report) => failures.push(report.as_str()),
        }
    }
    assert_eq!(results.len(), programs.len(), "every program ran");
    assert!(
        failures.is_empty(),
        "{} of {} C programs failed:\n\n{}",
        failures.len(),
        results.len(),
        failures.join("\n\n")
    );
}
