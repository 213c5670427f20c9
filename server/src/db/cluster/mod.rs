//! The private PostgreSQL cluster Haven runs when no `DATABASE_URL` is given.
//!
//! A newcomer should get a working Haven without setting up a database server, so Haven
//! keeps its own cluster under `<data-dir>/pg`: `initdb` on first start, `pg_ctl start` on
//! every start (a Unix socket only), `pg_ctl stop` on exit. The tests use the same code.
//!
//! PostgreSQL refuses to run as root, so when Haven itself runs as root the cluster's files
//! belong to the `postgres` system user and every cluster command runs through `runuser`.

mod host;

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, anyhow, bail};

use host::{SystemUser, check, find_bin_dir, running_as_root, socket_dir_for};

/// The Unix-socket port number; the socket file is `<socket dir>/.s.PGSQL.5432`.
const PORT: u16 = 5432;

/// A running private cluster. Dropping it stops the server if this process started it.
#[derive(Debug)]
pub struct EmbeddedCluster {
    pg_dir: PathBuf,
    socket_dir: PathBuf,
    bin_dir: PathBuf,
    run_as: Option<SystemUser>,
    started_here: bool,
    stopped: AtomicBool,
}

impl EmbeddedCluster {
    /// Initialises the cluster under `root/pg` if needed and starts it unless it is running.
    ///
    /// # Errors
    /// When the PostgreSQL binaries are missing, `initdb` or `pg_ctl` fail, or (as root) the
    /// `postgres` user cannot reach `root`.
    pub fn start(root: &Path) -> anyhow::Result<Self> {
        fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
        let root = fs::canonicalize(root)?;
        let bin_dir = find_bin_dir()?;
        let run_as = if running_as_root()? {
            Some(SystemUser::postgres()?)
        } else {
            None
        };
        let pg_dir = root.join("pg");
        let socket_dir = socket_dir_for(&root);
        let mut cluster = Self {
            pg_dir,
            socket_dir,
            bin_dir,
            run_as,
            started_here: false,
            stopped: AtomicBool::new(false),
        };
        cluster.prepare_dirs(&root)?;
        if !cluster.pg_dir.join("PG_VERSION").exists() {
            cluster.initdb()?;
        }
        cluster.write_settings()?;
        if cluster.is_running()? {
            tracing::info!(dir = %cluster.pg_dir.display(), "reusing the running private PostgreSQL cluster");
        } else {
            cluster.pg_ctl_start()?;
            cluster.started_here = true;
            tracing::info!(dir = %cluster.pg_dir.display(), "started the private PostgreSQL cluster");
        }
        Ok(cluster)
    }

    /// Stops the cluster if it was running; idempotent.
    ///
    /// # Errors
    /// When `pg_ctl stop` fails.
    pub fn stop(&self) -> anyhow::Result<()> {
        if self.stopped.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        self.pg_ctl_stop()
    }

    /// Starts the server again after [`stop`](Self::stop) (for tests of a database outage).
    ///
    /// # Errors
    /// When `pg_ctl start` fails.
    pub fn restart(&self) -> anyhow::Result<()> {
        self.pg_ctl_start()?;
        self.stopped.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// Makes `root/pg` a streaming replica of this cluster with `pg_basebackup -R` (replacing a
    /// replica left there before); [`EmbeddedCluster::start`] on `root` then runs it as a hot
    /// standby. For the scale-out tests, and as the recipe for an operator's replica.
    ///
    /// # Errors
    /// When the directory cannot be prepared or `pg_basebackup` fails.
    pub fn base_backup_to(&self, root: &Path) -> anyhow::Result<()> {
        fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
        let root = fs::canonicalize(root)?;
        let pg_dir = root.join("pg");
        if pg_dir.join("postmaster.pid").exists() {
            let _ = self
                .command(self.bin_dir.join("pg_ctl"))
                .arg("stop")
                .arg("-D")
                .arg(&pg_dir)
                .args(["-m", "immediate", "-w", "-s"])
                .output();
        }
        if pg_dir.exists() {
            fs::remove_dir_all(&pg_dir)
                .with_context(|| format!("removing {}", pg_dir.display()))?;
        }
        fs::create_dir_all(&pg_dir)?;
        if let Some(user) = &self.run_as {
            std::os::unix::fs::chown(&pg_dir, Some(user.uid), Some(user.gid))?;
        }
        fs::set_permissions(&pg_dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
        let output = self
            .command(self.bin_dir.join("pg_basebackup"))
            .arg("-D")
            .arg(&pg_dir)
            .arg("-h")
            .arg(&self.socket_dir)
            .args(["-p", &PORT.to_string(), "-U", "postgres"])
            .args(["-R", "-X", "stream", "-c", "fast"])
            .output()
            .context("running pg_basebackup")?;
        check(&output, "pg_basebackup")
    }

    /// A libpq-style connection string for database `dbname` as the superuser.
    #[must_use]
    pub fn connection_string(&self, dbname: &str) -> String {
        format!(
            "host={} port={PORT} user=postgres dbname={dbname}",
            self.socket_dir.display()
        )
    }

    /// The directory of PostgreSQL's programs (`pg_dump`, `pg_restore`, …) this cluster runs.
    #[must_use]
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// The directory holding the cluster's socket.
    #[must_use]
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// Creates database `name` unless it exists.
    ///
    /// # Errors
    /// When the server cannot be reached.
    pub async fn ensure_database(&self, name: &str) -> anyhow::Result<()> {
        let client = self.admin_client().await?;
        let exists = client
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
            .await?
            .is_some();
        if !exists {
            client
                .batch_execute(&format!("CREATE DATABASE {}", quote_ident(name)))
                .await?;
        }
        Ok(())
    }

    /// A plain connection to the `postgres` maintenance database.
    ///
    /// # Errors
    /// When the server cannot be reached.
    pub async fn admin_client(&self) -> anyhow::Result<tokio_postgres::Client> {
        let (client, connection) =
            tokio_postgres::connect(&self.connection_string("postgres"), tokio_postgres::NoTls)
                .await
                .context("connecting to the private PostgreSQL cluster")?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "admin connection closed");
            }
        });
        Ok(client)
    }

    fn prepare_dirs(&self, root: &Path) -> anyhow::Result<()> {
        for dir in [&self.pg_dir, &self.socket_dir] {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        if let Some(user) = &self.run_as {
            for dir in [&self.pg_dir, &self.socket_dir] {
                if fs::metadata(dir)?.uid() != user.uid {
                    std::os::unix::fs::chown(dir, Some(user.uid), Some(user.gid))
                        .with_context(|| format!("giving {} to {}", dir.display(), user.name))?;
                }
            }
            let reachable = self
                .command("test")
                .args(["-w"])
                .arg(&self.pg_dir)
                .status()?;
            if !reachable.success() {
                bail!(
                    "the `{}` system user cannot reach {}: PostgreSQL refuses to run as root, so \
                     the private cluster runs as `{}`. Move the checkout to a directory other \
                     users may enter (e.g. chmod o+x on its parents) or set DATABASE_URL.",
                    user.name,
                    root.display(),
                    user.name
                );
            }
        }
        fs::set_permissions(
            &self.pg_dir,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )?;
        Ok(())
    }

    fn initdb(&self) -> anyhow::Result<()> {
        tracing::info!(dir = %self.pg_dir.display(), "initialising a private PostgreSQL cluster");
        let output = self
            .command(self.bin_dir.join("initdb"))
            .arg("-D")
            .arg(&self.pg_dir)
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .arg("--no-instructions")
            .output()
            .context("running initdb")?;
        check(&output, "initdb")?;
        let conf = self.pg_dir.join("postgresql.conf");
        let mut text = fs::read_to_string(&conf)?;
        text.push_str("\ninclude_if_exists = 'haven.conf'\n");
        fs::write(&conf, text)?;
        Ok(())
    }

    /// Settings rewritten on every start, so a moved checkout finds its socket again.
    fn write_settings(&self) -> anyhow::Result<()> {
        let settings = format!(
            "# Written by Haven on every start.\n\
             listen_addresses = ''\n\
             port = {PORT}\n\
             unix_socket_directories = '{}'\n\
             max_connections = 300\n\
             shared_buffers = '256MB'\n\
             work_mem = '16MB'\n\
             logging_collector = off\n\
             log_min_messages = warning\n",
            self.socket_dir.display().to_string().replace('\'', "''")
        );
        let path = self.pg_dir.join("haven.conf");
        fs::write(&path, settings)?;
        if let Some(user) = &self.run_as {
            std::os::unix::fs::chown(&path, Some(user.uid), Some(user.gid))?;
        }
        Ok(())
    }

    fn is_running(&self) -> anyhow::Result<bool> {
        let status = self
            .command(self.bin_dir.join("pg_ctl"))
            .arg("status")
            .arg("-D")
            .arg(&self.pg_dir)
            .output()?;
        Ok(status.status.success())
    }

    fn pg_ctl_start(&self) -> anyhow::Result<()> {
        let log = self.socket_dir.join("postgresql.log");
        let output = self
            .command(self.bin_dir.join("pg_ctl"))
            .arg("start")
            .arg("-D")
            .arg(&self.pg_dir)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "120", "-s"])
            // Its own process group: Ctrl-C in the terminal reaches Haven, which then stops
            // the cluster cleanly, instead of killing PostgreSQL behind its back.
            .process_group(0)
            .output()
            .context("running pg_ctl start")?;
        check(&output, "pg_ctl start").map_err(|error| {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(10).collect();
            anyhow!(
                "{error}\nlast lines of {}:\n{}",
                log.display(),
                tail.join("\n")
            )
        })
    }

    fn pg_ctl_stop(&self) -> anyhow::Result<()> {
        let output = self
            .command(self.bin_dir.join("pg_ctl"))
            .arg("stop")
            .arg("-D")
            .arg(&self.pg_dir)
            .args(["-m", "fast", "-w", "-t", "60", "-s"])
            .output()
            .context("running pg_ctl stop")?;
        check(&output, "pg_ctl stop")
    }

    /// `program` as the cluster's owner.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", &user.name, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        }
    }
}

impl Drop for EmbeddedCluster {
    fn drop(&mut self) {
        if self.started_here
            && let Err(error) = self.stop()
        {
            tracing::warn!(%error, "could not stop the private PostgreSQL cluster");
        }
    }
}

/// Quotes an SQL identifier.
#[must_use]
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
