//! `stockflow-server`: the command line of DESIGN §8.
//! Exit status: 0 done, 1 refused (a sentence on stderr), 2 a usage mistake.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use stockflow_server::storage::{self, Granted};
use stockflow_server::{auth, validate, ServerConfig};

#[derive(Parser)]
#[command(name = "stockflow-server", version, about = "StockFlow sync server")]
struct Cli {
    /// postgres://user:password@host:port/database
    #[arg(
        long,
        global = true,
        env = "STOCKFLOW_DATABASE_URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create or upgrade the schema (safe to run again, and from two processes at once).
    Migrate,
    /// Server accounts: the sync identity of a shop.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Let an account sync a company another account owns.
    Grant {
        #[arg(long)]
        email: String,
        /// The company's id, or its name.
        #[arg(long)]
        company: String,
    },
    /// Take a grant back; it takes effect on the account's next call.
    Revoke {
        #[arg(long)]
        email: String,
        #[arg(long)]
        company: String,
    },
    /// Serve the sync API.
    Serve {
        /// e.g. 127.0.0.1:8080 (port 0: any free port, printed on stdout).
        #[arg(long)]
        listen: SocketAddr,
        /// Connections to PostgreSQL this instance may hold.
        #[arg(long, default_value_t = 16)]
        pool_size: usize,
        /// How long a sign-in token is good for, in seconds.
        #[arg(long, default_value_t = 900)]
        token_ttl: u64,
    },
    /// Start a new epoch, after restoring PostgreSQL from a backup: every device then pulls
    /// from the start and pushes all it has again.
    NewEpoch,
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Create an account; the password comes from STOCKFLOW_PASSWORD.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
    },
}

enum Failure {
    Refused(String),
    Usage(String),
}

impl From<storage::Error> for Failure {
    fn from(e: storage::Error) -> Self {
        Failure::Refused(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("stockflow-server: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Refused(message)) => {
            eprintln!("stockflow-server: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("stockflow-server: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let url = cli
        .database_url
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| {
            Failure::Usage(
                "name the database with --database-url URL or STOCKFLOW_DATABASE_URL".to_string(),
            )
        })?;
    let pool_size = match &cli.command {
        Command::Serve { pool_size, .. } => (*pool_size).max(1),
        _ => 2,
    };
    let pool = storage::connect(&url, pool_size)
        .map_err(|e| Failure::Usage(format!("the database URL is not valid: {e}")))?;
    match cli.command {
        Command::Migrate => {
            let done = storage::migrate(&pool).await?;
            if done.applied.is_empty() {
                println!("schema up to date (version {})", done.version);
            } else {
                println!(
                    "applied {} (schema version {})",
                    done.applied.join(", "),
                    done.version
                );
            }
        }
        Command::Account {
            command: AccountCommand::Add { email, name },
        } => {
            let email = validate::email(&email).map_err(|e| Failure::Usage(e.message))?;
            if !email.contains('@') {
                return Err(Failure::Usage(format!("{email} is not an email address")));
            }
            let password = std::env::var("STOCKFLOW_PASSWORD").unwrap_or_default();
            if password.is_empty() {
                return Err(Failure::Usage(
                    "set the account's password in STOCKFLOW_PASSWORD".to_string(),
                ));
            }
            if password.chars().count() < 8 || password.len() > auth::MAX_PASSWORD_LEN {
                return Err(Failure::Refused(format!(
                    "a password has 8 to {} characters",
                    auth::MAX_PASSWORD_LEN
                )));
            }
            storage::check_schema(&pool).await?;
            let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
                .await
                .map_err(|e| Failure::Refused(format!("hashing failed: {e}")))?;
            let name = name.as_deref().map(str::trim).filter(|n| !n.is_empty());
            let id = storage::add_account(&pool, &email, name, &hash).await?;
            println!("account {email} added (id {id})");
        }
        Command::Grant { email, company } => {
            storage::check_schema(&pool).await?;
            let email = validate::email(&email).map_err(|e| Failure::Usage(e.message))?;
            match storage::grant(&pool, &email, company.trim()).await? {
                Granted::Now { company_id } => println!("{email} may now sync {company_id}"),
                Granted::Already { company_id } => {
                    println!("{email} could already sync {company_id}")
                }
                Granted::Owner { company_id } => println!("{email} owns {company_id}"),
            }
        }
        Command::Revoke { email, company } => {
            storage::check_schema(&pool).await?;
            let email = validate::email(&email).map_err(|e| Failure::Usage(e.message))?;
            let (company_id, had) = storage::revoke(&pool, &email, company.trim()).await?;
            if had {
                println!("{email} may no longer sync {company_id}");
            } else {
                println!("{email} had no grant on {company_id}");
            }
        }
        Command::NewEpoch => {
            storage::check_schema(&pool).await?;
            let epoch = storage::new_epoch(&pool).await?;
            println!(
                "new epoch {epoch}: devices will pull from the start and push everything again"
            );
        }
        Command::Serve {
            listen,
            pool_size: _,
            token_ttl,
        } => serve(pool, listen, token_ttl).await?,
    }
    Ok(())
}

async fn serve(pool: storage::Pool, listen: SocketAddr, token_ttl: u64) -> Result<(), Failure> {
    init_logging();
    let config = ServerConfig {
        jwt_secret: std::env::var("STOCKFLOW_JWT_SECRET")
            .ok()
            .filter(|s| !s.is_empty()),
        token_ttl: Duration::from_secs(token_ttl.max(1)),
        ..ServerConfig::default()
    };
    let router = stockflow_server::app(pool, config).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| Failure::Refused(format!("cannot listen on {listen}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Failure::Refused(format!("cannot listen on {listen}: {e}")))?;
    // Tests and scripts read the address from this line (port 0 picks a free one).
    println!("listening on {local}");
    tracing::info!(%local, "serving");
    stockflow_server::serve(listener, router, shutdown_signal())
        .await
        .map_err(|e| Failure::Refused(format!("serving failed: {e}")))?;
    tracing::info!("stopped");
    Ok(())
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("STOCKFLOW_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
