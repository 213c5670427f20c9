//! What the private cluster needs of the machine: its PostgreSQL binaries, a socket
//! directory short enough for the kernel, and (as root) the `postgres` system user.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use anyhow::{Context, anyhow, bail};

use super::PORT;

/// The longest socket path the kernel accepts (`sun_path` minus the terminating NUL).
const MAX_SOCKET_PATH: usize = 107;
/// The unprivileged account that owns the cluster when Haven runs as root.
#[derive(Debug, Clone)]
pub(super) struct SystemUser {
    pub(super) name: String,
    pub(super) uid: u32,
    pub(super) gid: u32,
}
impl SystemUser {
    pub(super) fn postgres() -> anyhow::Result<Self> {
        let passwd = fs::read_to_string("/etc/passwd").context("reading /etc/passwd")?;
        passwd
            .lines()
            .find_map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                match fields.as_slice() {
                    ["postgres", _, uid, gid, ..] => Some(Self {
                        name: "postgres".to_owned(),
                        uid: uid.parse().ok()?,
                        gid: gid.parse().ok()?,
                    }),
                    _ => None,
                }
            })
            .ok_or_else(|| {
                anyhow!(
                    "running as root but there is no `postgres` system user to own the private \
                     cluster; install postgresql-15 (it creates the user) or set DATABASE_URL"
                )
            })
    }
}

pub(super) fn running_as_root() -> anyhow::Result<bool> {
    // The owner of /proc/self is the process's effective user.
    Ok(fs::metadata("/proc/self")
        .context("reading /proc/self")?
        .uid()
        == 0)
}

/// `root/run`, or a short directory under /tmp when that path is too long for a socket.
pub(super) fn socket_dir_for(root: &Path) -> PathBuf {
    let preferred = root.join("run");
    let socket = format!("{}/.s.PGSQL.{PORT}", preferred.display());
    if socket.len() <= MAX_SOCKET_PATH {
        return preferred;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(root.as_os_str().as_encoded_bytes());
    let short: String = digest
        .iter()
        .take(6)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    std::env::temp_dir().join(format!("haven-{short}"))
}

/// The directory with `initdb` and `pg_ctl`: `HAVEN_PG_BIN`, else the newest Debian
/// `/usr/lib/postgresql/<version>/bin`.
pub(super) fn find_bin_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("HAVEN_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut candidates: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    candidates.sort();
    candidates.pop().map(|(_, bin)| bin).ok_or_else(|| {
        anyhow!(
            "PostgreSQL server binaries not found under /usr/lib/postgresql: install the Debian \
             packages postgresql-15 and postgresql-15-postgis-3 (`make run` does), set \
             HAVEN_PG_BIN, or set DATABASE_URL"
        )
    })
}

pub(super) fn check(output: &Output, what: &str) -> anyhow::Result<()> {
    if output.status.success() {
        return Ok(());
    }
    bail!(
        "{what} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim(),
        String::from_utf8_lossy(&output.stdout).trim()
    )
}
