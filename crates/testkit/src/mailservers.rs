//! Real mail servers for the mail tests: Debian's Dovecot (IMAP on a plain
//! and a TLS port, and SASL for Postfix) and Postfix (SMTP on a plain port
//! for the local network, submission with required STARTTLS and AUTH, and
//! SMTPS with AUTH), each with its own configuration in a temporary folder.
//! Postfix delivers every recipient to the maildir `delivered/inbox/`, each
//! copy with a `Delivered-To` header naming its recipient; recipients
//! starting with `reject-` are refused permanently (550) and those starting
//! with `busy-` temporarily (451). A second plain SMTP port is slow: Postfix
//! waits [`SLOW_SMTP_SECONDS`] before answering each RCPT TO.
//!
//! The servers start once per test process under a small shell that stops
//! them when the test process ends (its stdin closes), however it ends.

use rapport_transport::{AfterProcessing, ImapSettings, Security, SmtpSettings};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The password every IMAP and SMTP login uses.
pub const PASSWORD: &str = "rapport-test-secret";
/// How long the slow SMTP port waits before accepting each recipient.
pub const SLOW_SMTP_SECONDS: u64 = 1;

/// The running servers.
#[derive(Debug)]
pub struct MailServers {
    /// Their folder.
    pub dir: PathBuf,
    /// IMAP, plain (STARTTLS offered).
    pub imap_port: u16,
    /// IMAP over TLS.
    pub imaps_port: u16,
    /// SMTP for the local network: no login, no TLS needed.
    pub smtp_port: u16,
    /// Like `smtp_port`, but each RCPT TO is answered after [`SLOW_SMTP_SECONDS`].
    pub slow_smtp_port: u16,
    /// Submission: STARTTLS and AUTH required.
    pub submission_port: u16,
    /// SMTPS: TLS from the start, AUTH required.
    pub smtps_port: u16,
    /// The private CA that signed both servers' certificate (for `ca_file`).
    pub ca_file: PathBuf,
    _keeper: Mutex<Child>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn installed() -> bool {
    ["/usr/sbin/dovecot", "/usr/sbin/postfix"]
        .iter()
        .all(|p| Path::new(p).exists())
        && Command::new("openssl").arg("version").output().is_ok()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn nobody_uid() -> String {
    Command::new("id")
        .args(["-u", "nobody"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "65534".into())
}

fn wait_for(port: u16, what: &str, log: &Path) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "{what} did not open port {port}; log:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    ))
}

/// Removes folders of earlier runs whose process is gone.
fn sweep() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix("rapport-mailservers-")
            && pid.parse::<u32>().is_ok_and(|p| {
                p != std::process::id() && !Path::new(&format!("/proc/{p}")).exists()
            })
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn start() -> Result<MailServers, String> {
    sweep();
    let dir = std::env::temp_dir().join(format!("rapport-mailservers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in [
        "dovecot/run",
        "dovecot/state",
        "imap",
        "postfix/conf",
        "postfix/queue",
        "postfix/data",
        "delivered",
    ] {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| e.to_string())?;
    }
    let d = dir.display().to_string();
    // A private CA and a server certificate it signed, as a company mail server would have.
    let openssl = |args: &[&str]| run(Command::new("openssl").args(args).current_dir(&dir));
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Rapport Test CA",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
    ])?;
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "key.pem",
        "-out",
        "server.csr",
    ])?;
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .map_err(|e| e.to_string())?;
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca-key.pem",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "cert.pem",
    ])?;
    let uid = nobody_uid();
    run(Command::new("chown").args([
        &format!("{uid}:{uid}"),
        &format!("{d}/imap"),
        &format!("{d}/delivered"),
    ]))?;
    run(Command::new("chown").args(["postfix:postfix", &format!("{d}/postfix/data")]))?;
    let (imap, imaps, smtp, submission, smtps, slow) = (
        free_port(),
        free_port(),
        free_port(),
        free_port(),
        free_port(),
        free_port(),
    );
    let dovecot_conf = format!(
        r#"base_dir = {d}/dovecot/run
state_dir = {d}/dovecot/state
log_path = {d}/dovecot/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={uid} home={d}/imap/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
    ssl = yes
  }}
}}
service auth {{
  unix_listener {d}/dovecot/auth-client {{
    mode = 0666
  }}
}}
"#
    );
    std::fs::write(dir.join("dovecot/dovecot.conf"), dovecot_conf).map_err(|e| e.to_string())?;
    let main_cf = format!(
        r#"compatibility_level = 3.6
queue_directory = {d}/postfix/queue
data_directory = {d}/postfix/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.rapport.test
mydomain = rapport.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file_prefixes = {d}
maillog_file = {d}/postfix/maillog
alias_maps =
alias_database =
biff = no
message_size_limit = 52428800
virtual_mailbox_limit = 0
virtual_mailbox_domains = static:all
virtual_mailbox_base = {d}/delivered
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:{uid}
virtual_gid_maps = static:{uid}
virtual_minimum_uid = 1
smtpd_tls_cert_file = {d}/cert.pem
smtpd_tls_key_file = {d}/key.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = {d}/dovecot/auth-client
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject
smtpd_recipient_restrictions = check_recipient_access regexp:{d}/postfix/conf/recipients, permit_mynetworks, permit_sasl_authenticated, reject
"#
    );
    std::fs::write(dir.join("postfix/conf/main.cf"), main_cf).map_err(|e| e.to_string())?;
    let auth = "-o smtpd_sasl_auth_enable=yes -o mynetworks=127.0.0.2/32";
    let master_cf = format!(
        "127.0.0.1:{smtp} inet n - n - - smtpd\n\
         127.0.0.1:{submission} inet n - n - - smtpd -o smtpd_tls_security_level=encrypt {auth}\n\
         127.0.0.1:{smtps} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes {auth}\n\
         127.0.0.1:{slow} inet n - n - - smtpd -o smtpd_recipient_restrictions=sleep,{SLOW_SMTP_SECONDS},permit_mynetworks,reject\n\
         pickup unix n - n 60 1 pickup\n\
         cleanup unix n - n - 0 cleanup\n\
         qmgr unix n - n 300 1 qmgr\n\
         tlsmgr unix - - n 1000? 1 tlsmgr\n\
         rewrite unix - - n - - trivial-rewrite\n\
         bounce unix - - n - 0 bounce\n\
         defer unix - - n - 0 bounce\n\
         trace unix - - n - 0 bounce\n\
         verify unix - - n - 1 verify\n\
         flush unix n - n 1000? 0 flush\n\
         proxymap unix - - n - - proxymap\n\
         proxywrite unix - - n - 1 proxymap\n\
         smtp unix - - n - - smtp\n\
         relay unix - - n - - smtp\n\
         showq unix n - n - - showq\n\
         error unix - - n - - error\n\
         retry unix - - n - - error\n\
         discard unix - - n - - discard\n\
         local unix - n n - - local\n\
         virtual unix - n n - - virtual\n\
         lmtp unix - - n - - lmtp\n\
         anvil unix - - n - 1 anvil\n\
         scache unix - - n - 1 scache\n\
         postlog unix-dgram n - n - 1 postlogd\n"
    );
    std::fs::write(dir.join("postfix/conf/master.cf"), master_cf).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("postfix/conf/recipients"),
        "/^reject-/ 550 5.1.1 Recipient address rejected: no such user\n/^busy-/ 451 4.3.2 Mailbox busy, try again later\n",
    )
    .map_err(|e| e.to_string())?;
    let script = format!(
        "dovecot -F -c {d}/dovecot/dovecot.conf >{d}/dovecot/stdout.log 2>&1 & dovecot=$!\n\
         postfix -c {d}/postfix/conf start >{d}/postfix/start.log 2>&1\n\
         cat >/dev/null\n\
         postfix -c {d}/postfix/conf stop >/dev/null 2>&1\n\
         kill $dovecot 2>/dev/null\n\
         wait\n"
    );
    let mut keeper = Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the mail servers: {e}"))?;
    if let Some(stdin) = keeper.stdin.as_mut() {
        // Keep the pipe open: the shell stops the servers when it closes.
        let _ = stdin.flush();
    }
    let dovecot_log = dir.join("dovecot/dovecot.log");
    let postfix_log = dir.join("postfix/maillog");
    wait_for(imap, "Dovecot", &dovecot_log)?;
    wait_for(imaps, "Dovecot", &dovecot_log)?;
    for port in [smtp, submission, smtps, slow] {
        wait_for(port, "Postfix", &postfix_log)?;
    }
    Ok(MailServers {
        ca_file: dir.join("ca.pem"),
        dir,
        imap_port: imap,
        imaps_port: imaps,
        smtp_port: smtp,
        slow_smtp_port: slow,
        submission_port: submission,
        smtps_port: smtps,
        _keeper: Mutex::new(keeper),
    })
}

static SERVERS: OnceLock<Option<MailServers>> = OnceLock::new();

/// The servers, started on first use; `None` (skipped loudly) when Dovecot
/// or Postfix is not installed or the tests do not run as root. With
/// `CI=true` that is a failure.
pub fn servers() -> Option<&'static MailServers> {
    SERVERS
        .get_or_init(|| {
            if !installed() {
                crate::skip("mail server tests: Dovecot (dovecot-imapd), Postfix or openssl is not installed");
                return None;
            }
            if !is_root() {
                crate::skip("mail server tests: Postfix needs root to start");
                return None;
            }
            match start() {
                Ok(servers) => Some(servers),
                Err(error) => {
                    assert!(!crate::in_ci(), "the mail servers did not start: {error}");
                    eprintln!("\n!!! SKIPPED: the mail servers did not start: {error} !!!\n");
                    None
                }
            }
        })
        .as_ref()
}

impl MailServers {
    /// Sending settings for one of the SMTP ports.
    pub fn smtp(&self, security: Security, login: bool) -> SmtpSettings {
        let port = match security {
            Security::None => self.smtp_port,
            Security::StartTls => self.submission_port,
            Security::Tls => self.smtps_port,
        };
        SmtpSettings {
            host: "localhost".into(),
            port,
            security,
            username: login.then(|| "rapport".to_string()),
            password: login.then(|| PASSWORD.to_string()),
            ca_file: Some(self.ca_file.clone()),
            timeout: Duration::from_secs(20),
            hello_name: Some("rapport.test".into()),
        }
    }

    /// Sending settings for the slow port (plain, no login).
    pub fn slow_smtp(&self) -> SmtpSettings {
        SmtpSettings {
            port: self.slow_smtp_port,
            ..self.smtp(Security::None, false)
        }
    }

    /// Reading settings for a user's INBOX (every user exists, with [`PASSWORD`]).
    pub fn imap(&self, user: &str, security: Security, after: AfterProcessing) -> ImapSettings {
        ImapSettings {
            name: format!("{user}-{security:?}"),
            host: "localhost".into(),
            port: match security {
                Security::Tls => self.imaps_port,
                _ => self.imap_port,
            },
            security,
            username: user.to_string(),
            password: PASSWORD.to_string(),
            folder: "INBOX".into(),
            after,
            ca_file: Some(self.ca_file.clone()),
            timeout: Duration::from_secs(20),
        }
    }

    /// The raw messages Postfix delivered to a local part (oldest first by file name).
    pub fn delivered(&self, local_part: &str) -> Vec<Vec<u8>> {
        let mut files = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.dir.join("delivered/inbox").join(sub)) {
                files.extend(entries.flatten().map(|e| e.path()));
            }
        }
        files.sort();
        let wanted = format!("delivered-to: {}@", local_part.to_ascii_lowercase());
        files
            .iter()
            .filter_map(|f| std::fs::read(f).ok())
            .filter(|raw| {
                let head =
                    String::from_utf8_lossy(&raw[..raw.len().min(4096)]).to_ascii_lowercase();
                head.lines().any(|l| l.starts_with(&wanted))
            })
            .collect()
    }

    /// Waits until at least `count` messages were delivered to a local part.
    pub async fn wait_delivered(&self, local_part: &str, count: usize) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let mail = self.delivered(local_part);
            if mail.len() >= count || Instant::now() > deadline {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The IMAP folder of a user on disk (new and cur), to check flags and moves.
    pub fn mailbox_dir(&self, user: &str, folder: Option<&str>) -> PathBuf {
        let base = self.dir.join("imap").join(user).join("Maildir");
        match folder {
            Some(f) => base.join(format!(".{f}")),
            None => base,
        }
    }

    /// The Postfix log, for failure messages.
    pub fn postfix_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("postfix/maillog")).unwrap_or_default()
    }
}

type TestSession = async_imap::Session<tokio::net::TcpStream>;

/// A plain IMAP login as a user, for tests that put mail in or look at flags.
pub async fn imap_login(servers: &MailServers, user: &str) -> TestSession {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", servers.imap_port))
        .await
        .expect("connect to Dovecot");
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.expect("greeting");
    client
        .login(user, PASSWORD)
        .await
        .map_err(|(e, _)| e)
        .expect("login")
}

/// Appends a raw message to a user's folder (created if missing).
pub async fn append(servers: &MailServers, user: &str, folder: &str, raw: &[u8]) {
    let mut session = imap_login(servers, user).await;
    if folder != "INBOX" {
        let _ = session.create(folder).await;
    }
    session
        .append(folder, None, None, raw)
        .await
        .expect("APPEND");
    let _ = session.logout().await;
}

/// How many messages a folder holds, and how many are \Seen.
pub async fn counts(servers: &MailServers, user: &str, folder: &str) -> (usize, usize) {
    let mut session = imap_login(servers, user).await;
    let mailbox = session.select(folder).await.expect("SELECT");
    let seen = session.uid_search("SEEN").await.expect("SEARCH").len();
    let _ = session.logout().await;
    (mailbox.exists as usize, seen)
}

/// Deletes a folder and makes it again, which gives it a new UIDVALIDITY.
pub async fn recreate_folder(servers: &MailServers, user: &str, folder: &str) {
    let mut session = imap_login(servers, user).await;
    session.delete(folder).await.expect("DELETE");
    session.create(folder).await.expect("CREATE");
    let _ = session.logout().await;
}
