//! `kubectl-ecrcreds`: parses the command line, sets up logging on stderr,
//! dispatches, and turns the outcome into an exit code.

use clap::Parser;
use kubectl_ecrcreds::cli::{self, Cli, exit};
use tracing_subscriber::EnvFilter;

fn main() {
    // kubectl's plugin completion calls `kubectl_complete-ecrcreds ARGS...`,
    // which runs `kubectl-ecrcreds __complete ARGS...`: the words are the
    // user's, so they bypass our own flag parsing.
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some("__complete") {
        let words = argv[2..].to_vec();
        let code = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|rt| {
                rt.block_on(cli::completions::complete(words))
                    .unwrap_or(exit::FAILED)
            })
            .unwrap_or(exit::FAILED);
        std::process::exit(code);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            // Help and version go to stdout; a closed pipe there is fine.
            let _ = e.print();
            std::process::exit(code);
        }
    };
    // The controller logs its progress by default. The plugin says what
    // matters itself, once (`error:` and `warning:` lines), and logs only
    // with -v.
    let verbose = match cli.command {
        cli::Command::Controller(_) => cli.global.verbose.max(1),
        _ => cli.global.verbose,
    };
    init_tracing(verbose, cli.global.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(exit::FAILED);
        }
    };
    let code = match runtime.block_on(cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            exit::FAILED
        }
    };
    std::process::exit(code);
}

/// Targets whose trace output prints request and response bodies.
const NO_BODIES: &str = "aws_smithy_runtime=info,aws_smithy_runtime_api=info,aws_smithy_http_client=info,hyper=info,hyper_util=info,h2=info,rustls=info";

/// Logs go to stderr; `RUST_LOG` overrides `-v`. Without `-v` there are none
/// at all, not even the kube client's own error lines, which would repeat the
/// `error:` sentence. The AWS SDK and kube client are kept at warn unless
/// asked, so requests never show up by default.
fn init_tracing(verbose: u8, format: cli::LogFormat) {
    let level = match verbose {
        0 => "off",
        1 => "warn,kubectl_ecrcreds=info",
        2 => "info,kubectl_ecrcreds=debug",
        _ => "debug,kubectl_ecrcreds=trace",
    };
    // Whatever turns trace on (-vvv, or RUST_LOG unless it names a more
    // specific target), the AWS SDK's and the HTTP stack's trace output stays
    // off: it prints request and response bodies, which hold ECR tokens and
    // the ServiceAccount token sent to STS.
    let capped = |directives: &str| {
        if directives.to_ascii_lowercase().contains("trace") {
            format!("{directives},{NO_BODIES}")
        } else {
            directives.to_string()
        }
    };
    let filter = match std::env::var("RUST_LOG") {
        Ok(v) if !v.trim().is_empty() => EnvFilter::try_new(capped(&v)).ok(),
        _ => None,
    }
    .unwrap_or_else(|| EnvFilter::new(capped(level)));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    match format {
        cli::LogFormat::Text => builder.init(),
        cli::LogFormat::Json => builder.json().init(),
    }
}
