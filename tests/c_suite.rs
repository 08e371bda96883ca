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

/// The static library cargo built for this run. The test executable lives
/// in `<target>/<profile>/deps/`; cargo leaves the library it built as this
/// test's dependency next to it (and copies it to `<target>/<profile>/` only
/// when the library itself was asked for).
fn static_library() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let deps = exe.parent().expect("the test executable's directory");
    let candidates = [
        deps.to_path_buf(),
        deps.parent().unwrap_or(deps).to_path_buf(),
    ];
    candidates
        .iter()
        .map(|dir| dir.join("libspill_ring.a"))
        .find(|lib| lib.is_file())
        .unwrap_or_else(|| {
            panic!(
                "libspill_ring.a is in neither {} nor its parent: the root package must \
                 build a staticlib",
                deps.display()
            )
        })
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

/// A `cc` build for the host with the suite's settings.
fn build(cpp: bool) -> cc::Build {
    let triple = host_triple();
    let mut build = cc::Build::new();
    build
        .cpp(cpp)
        .target(&triple)
        .host(&triple)
        .opt_level(1)
        .debug(true)
        .cargo_metadata(false)
        .warnings(false)
        .include(root().join("include"))
        .include(root().join("c_tests"));
    build
}

/// The system C (or C++) compiler as `cc` finds it, with its default flags.
fn compiler(cpp: bool) -> cc::Tool {
    build(cpp)
        .try_get_compiler()
        .unwrap_or_else(|e| panic!("no C{} compiler found: {e}", if cpp { "++" } else { "" }))
}

/// Compiles the suite's support code (c_tests/support/*.c) once, into
/// `<work>/libspill_test_support.a`.
fn support_library(work: &Path) -> PathBuf {
    let support = root().join("c_tests").join("support");
    let mut build = build(false);
    for flag in C_FLAGS {
        build.flag(flag);
    }
    build
        .files(["check.c", "families.c", "parallel.c", "spouts.c"].map(|f| support.join(f)))
        .out_dir(work)
        .try_compile("spill_test_support")
        .unwrap_or_else(|e| panic!("compiling c_tests/support: {e}"));
    work.join("libspill_test_support.a")
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

/// One program of the suite: its name, its source and whether it uses the
/// support library (the test programs) or not (the header checks).
struct Program {
    name: String,
    source: PathBuf,
    cpp: bool,
    uses_support: bool,
}

/// Compiles `program` against the static library, then runs it; returns
/// the failure report, if any.
fn build_and_run(
    program: &Program,
    support: &Path,
    lib: &Path,
    work: &Path,
) -> Result<String, String> {
    let exe = work.join(&program.name);
    let mut compile = compiler(program.cpp).to_command();
    compile
        .args(if program.cpp { CXX_FLAGS } else { C_FLAGS })
        .arg(format!(
            "-DSPILL_EXPECTED_VERSION=\"{}\"",
            env!("CARGO_PKG_VERSION")
        ))
        .arg(&program.source)
        .arg("-o")
        .arg(&exe);
    if program.uses_support {
        compile.arg(support);
    }
    compile.arg(lib).args(SYSTEM_LIBS);
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

/// Every program of the suite: each `c_tests/test_*.c`, and the two header
/// checks.
fn programs() -> Vec<Program> {
    let c_tests = root().join("c_tests");
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

    let program = |source: PathBuf, cpp: bool, uses_support: bool| Program {
        name: source
            .file_stem()
            .expect("a file name")
            .to_string_lossy()
            .into_owned(),
        source,
        cpp,
        uses_support,
    };
    let mut programs: Vec<Program> = tests
        .into_iter()
        .map(|test| program(test, false, true))
        .collect();
    programs.push(program(c_tests.join("header_c99.c"), false, false));
    programs.push(program(c_tests.join("header_cxx11.cpp"), true, false));
    programs
}

#[test]
fn c_test_suite_passes() {
    let lib = static_library();
    let work = work_dir();
    let support = support_library(&work);
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
                    let result = build_and_run(program, &support, &lib, &work);
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
