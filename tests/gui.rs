//! End-to-end tests of the real window, as a person uses it: the `strata` binary under Xvfb,
//! driven by tauri-driver and WebKitWebDriver. Screenshots go to `artifacts/screenshots/`.
//!
//! The app reaches the daemon through a test proxy, so the test can show it "no daemon" first
//! and then let the daemon appear, without touching the daemon anything else uses.
#![cfg(feature = "gui")]

mod common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::proxy::DaemonProxy;
use common::{daemon_socket, free_port, wait_for_port, ChildGuard, Fixtures};
use fantoccini::{elements::Element, Client, ClientBuilder, Locator};

/// The window tests take turns: one builds and reads a 100,000-file image, which keeps the daemon
/// busy long enough to make the other's "kill, then see it exited" wait time out.
static ONE_WINDOW_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Uses the display the test runs in, or starts Xvfb when there is none.
fn display() -> (String, Option<ChildGuard>) {
    if let Ok(display) = std::env::var("DISPLAY") {
        if !display.is_empty() {
            return (display, None);
        }
    }
    // A display is taken when its lock names a live process; an X server killed without
    // cleaning up leaves a stale lock (and socket) behind, which Xvfb itself replaces.
    let in_use = |n: u32| match std::fs::read_to_string(format!("/tmp/.X{n}-lock")) {
        Ok(lock) => lock.trim().parse::<u32>().map_or(true, |pid| Path::new(&format!("/proc/{pid}")).exists()),
        Err(_) => Path::new(&format!("/tmp/.X11-unix/X{n}")).exists(),
    };
    let number = (90..200).find(|n| !in_use(*n)).expect("a free X display number");
    let xvfb = Command::new("Xvfb")
        .args([
            format!(":{number}"),
            "-screen".into(),
            "0".into(),
            "1400x900x24".into(),
            "-nolisten".into(),
            "tcp".into(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb is needed for the GUI tests (Debian package xvfb; `make test` installs it)");
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
    for _ in 0..100 {
        if socket.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(socket.exists(), "Xvfb did not start on :{number}");
    (format!(":{number}"), Some(ChildGuard { child: xvfb, leads_group: false }))
}

/// Starts tauri-driver with the app's environment: the daemon to use, a docker config folder,
/// data and cache folders of the test's own, and whatever else the test sets (an index cache of
/// its own, say).
fn tauri_driver(display: &str, docker_host: &str, config: &Path, env: &[(&str, &Path)]) -> (u16, ChildGuard) {
    let port = free_port();
    let native_port = free_port();
    let driver = Command::new("tauri-driver")
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env("DISPLAY", display)
        .env("DOCKER_HOST", docker_host)
        .env("DOCKER_CONFIG", config)
        .env("STRATA_TEST_CHOICES", choices_file(config))
        // The webview's storage (the theme picked), the window's saved size and the caches are
        // the test's own: nothing the developer set or cached is read or changed.
        .env("XDG_CONFIG_HOME", config.join("xdg-config"))
        .env("XDG_DATA_HOME", config.join("xdg-data"))
        .env("XDG_CACHE_HOME", config.join("xdg-cache"))
        .env_remove("DOCKER_CONTEXT")
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .stdout(Stdio::null())
        .process_group(0)
        .spawn()
        .expect(
            "tauri-driver is needed for the GUI tests (`cargo install tauri-driver --locked`; `make test` does it)",
        );
    let driver = ChildGuard { child: driver, leads_group: true };
    assert!(wait_for_port(port), "tauri-driver did not open port {port}");
    (port, driver)
}

/// Where the tests answer the app's file dialogs (GTK's chooser cannot be driven by WebDriver):
/// the app takes the path written there as the user's pick, once.
fn choices_file(dir: &Path) -> PathBuf {
    dir.join("file-dialog-answer")
}

/// The next file dialog the window opens gets `path` as the user's answer.
fn answer_file_dialog(dir: &Path, path: &Path) {
    std::fs::write(choices_file(dir), path.to_str().unwrap()).unwrap();
}

/// A WebDriver session with a new Strata window, and the tauri-driver behind it. Should the
/// driver's WebKitWebDriver fail to start (its port taken after all, say), a new driver on new
/// ports is tried, up to three in all.
async fn start_window(display: &str, docker_host: &str, config: &Path, env: &[(&str, &Path)]) -> (Client, ChildGuard) {
    let mut tries = 0;
    loop {
        tries += 1;
        let (port, driver) = tauri_driver(display, docker_host, config, env);
        match open_app_at(port, &app_binary()).await {
            Ok(client) => return (client, driver),
            Err(error) if tries < 3 => eprintln!("no window behind tauri-driver ({error}); starting a new driver"),
            Err(error) => panic!("a WebDriver session with the Strata window: {error}"),
        }
    }
}

/// The app the tests drive: STRATA_APP when set (the release build for the load figures, the
/// installed package), else this test build's.
fn app_binary() -> PathBuf {
    std::env::var_os("STRATA_APP").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_strata")))
}

/// A WebDriver session with the app whose binary is `application`.
async fn open_app_at(port: u16, application: &Path) -> Result<Client, String> {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), "wry".into());
    capabilities.insert("tauri:options".into(), serde_json::json!({ "application": application }));
    // tauri-driver opens its port before WebKitWebDriver behind it listens; a session asked for in
    // between gets its connection closed, so ask again for a while before giving up.
    let mut attempts = 0;
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return Ok(client),
            Err(error) if attempts < 40 => {
                attempts += 1;
                eprintln!("no WebDriver session yet ({error}); asking again");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(error) => return Err(format!("{error:?}")),
        }
    }
}

/// A window of the app reaching the daemon through a test proxy, and what keeps it open.
struct Window {
    client: Client,
    _proxy: DaemonProxy,
    _xvfb: Option<ChildGuard>,
    _driver: ChildGuard,
}

/// Opens the app with the daemon behind a proxy whose socket is in `dir`, and `env` set for it.
async fn open_window(dir: &Path, env: &[(&str, &Path)]) -> Window {
    let mut proxy = DaemonProxy::new(&dir.join("docker.sock"), &daemon_socket());
    proxy.up();
    let (display, xvfb) = display();
    let (client, driver) = start_window(&display, &proxy.host(), dir, env).await;
    Window { client, _proxy: proxy, _xvfb: xvfb, _driver: driver }
}

async fn wait_for(client: &Client, css: &str, what: &str) -> Element {
    wait_for_within(client, css, what, 30).await
}

/// [`wait_for`] with a longer limit, for steps that read big images or wait on the daemon's
/// events while a cold build keeps the machine busy.
async fn wait_for_within(client: &Client, css: &str, what: &str, seconds: u64) -> Element {
    eprintln!("[gui] waiting for {what}");
    for _ in 0..5 {
        let search = client.wait().at_most(Duration::from_secs(seconds)).for_element(Locator::Css(css));
        match tokio::time::timeout(Duration::from_secs(seconds + 10), search).await {
            Err(_) => panic!("the WebDriver did not answer while waiting for {what} ({css})"),
            Ok(Ok(element)) => return element,
            // A list redrawn by a daemon event between finding and returning the element: again.
            Ok(Err(e)) if redrawn(&e) => continue,
            Ok(Err(e)) => {
                let seen = what_the_window_shows(client, what).await;
                panic!("waiting for {what} ({css}): {e}\n{seen}")
            }
        }
    }
    panic!("{what} ({css}) kept being redrawn while the test tried to find it")
}

/// What a wait that timed out left on screen, for its failure message: the shown screen's text
/// (its start) and any note, with a screenshot saved as `timed-out-<what>.png`.
async fn what_the_window_shows(client: &Client, what: &str) -> String {
    let script = "const screen = [...document.querySelectorAll('main > section, [id$=\"-view\"]')]
            .find((view) => !view.hidden && view.offsetParent !== null);
        const toast = document.querySelector('.toast:not([hidden])');
        return `screen ${screen ? screen.id : 'none'}: ${(screen ? screen.innerText : '').slice(0, 600)}`
            + (toast ? `\nnote: ${toast.innerText}` : '');";
    let said = match tokio::time::timeout(Duration::from_secs(10), client.execute(script, vec![])).await {
        Ok(Ok(text)) => text.as_str().unwrap_or_default().to_string(),
        _ => "(the window did not say what it shows)".to_string(),
    };
    let name: String = what.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    if let Ok(Ok(png)) = tokio::time::timeout(Duration::from_secs(10), client.screenshot()).await {
        let _ = std::fs::write(screenshots_dir().join(format!("timed-out-{name}.png")), png);
    }
    format!("the window shows {said}")
}

/// Whether a WebDriver error says the element was replaced by a redraw since it was found.
fn redrawn(error: &fantoccini::error::CmdError) -> bool {
    let text = error.to_string();
    text.contains("Stale") || text.contains("was not found")
}

/// The text of each cell of a table row, read again if a redraw replaced the row meanwhile
/// (other tests change the daemon's images while this one looks).
async fn cell_texts(client: &Client, row_css: &str) -> Vec<String> {
    'again: for _ in 0..5 {
        let row = wait_for(client, row_css, "a table row").await;
        let Ok(cells) = row.find_all(Locator::Css(".td")).await else { continue };
        let mut texts = Vec::new();
        for cell in &cells {
            match cell.prop("textContent").await {
                Ok(text) => texts.push(text.unwrap_or_default()),
                Err(e) if redrawn(&e) => continue 'again,
                Err(e) => panic!("reading a cell of {row_css}: {e}"),
            }
        }
        return texts;
    }
    panic!("{row_css} kept being redrawn while the test read it")
}

/// Finds and clicks an element, again if a redraw replaced it in between or something (a dialog
/// still closing) was in the way for a moment.
async fn click(client: &Client, css: &str, what: &str) {
    let mut last_error = String::new();
    for _ in 0..10 {
        match wait_for(client, css, what).await.click().await {
            Ok(_) => return,
            Err(e) if redrawn(&e) => continue,
            Err(e) => {
                last_error = format!("{e:?}");
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        }
    }
    panic!("clicking {what} ({css}) kept failing: {last_error}");
}

async fn wait_until_gone(client: &Client, css: &str, what: &str) {
    for _ in 0..300 {
        if client.find_all(Locator::Css(css)).await.unwrap().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} ({css}) is still shown after 30 s");
}

async fn screenshot(client: &Client, name: &str) {
    // Let the last change reach the screen: WebKit snapshots what was painted.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = tokio::time::timeout(Duration::from_secs(30), client.screenshot())
        .await
        .unwrap_or_else(|_| panic!("the WebDriver did not answer for the screenshot {name}"))
        .expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is a PNG");
    std::fs::write(screenshots_dir().join(name), png).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_shows_no_daemon_then_images_and_containers_and_acts_on_them() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let mut fixtures = Fixtures::new("gui").await;
    let image = fixtures.image("shown", &[("index.html", b"<h1>hi</h1>")]).await;
    let other = fixtures.image("other", &[("other.txt", b"other")]).await;
    let container = fixtures.running_container(&image, "web").await;
    let talker = fixtures
        .running_container_with(
            &other,
            "talker",
            Some("echo said > /data/said.txt; echo strata-says-hello; echo second line; exec sleep 3600"),
        )
        .await;

    let dir = tempfile::tempdir().unwrap();
    let mut proxy = DaemonProxy::new(&dir.path().join("docker.sock"), &daemon_socket());
    let (display, _xvfb) = display();
    let (client, _driver) = start_window(&display, &proxy.host(), dir.path(), &[]).await;

    // 1. No daemon: the banner names the endpoint, the error and what to do.
    let banner = wait_for(&client, "#daemon-banner:not([hidden]) h2", "the no-daemon banner").await;
    assert!(banner.text().await.unwrap().contains(&proxy.host()));
    let banner_text = client.find(Locator::Css("#daemon-banner")).await.unwrap().text().await.unwrap();
    assert!(banner_text.contains("Start Docker"), "{banner_text}");
    screenshot(&client, "no-daemon.png").await;

    // 2. The daemon appears: the window recovers by itself and lists the fixture images.
    proxy.up();
    wait_for(&client, "body[data-connection='connected']", "the connected state").await;
    wait_for(&client, &format!(".tr[data-ref='{image}']"), "the fixture image row").await;
    wait_for(&client, &format!(".tr[data-ref='{other}']"), "the second fixture image").await;
    screenshot(&client, "images.png").await;
    let texts = cell_texts(&client, &format!(".tr[data-ref='{image}']")).await;
    assert_eq!(texts[1], "shown", "the tag column: {texts:?}");
    assert!(texts[0].contains("in use"), "the image is marked as used by the container: {texts:?}");
    assert_eq!(texts[6], "1", "one container uses it: {texts:?}");

    // The endpoint picker offers the other daemons and switches without a restart.
    let picker = client.find(Locator::Css("#endpoint-picker")).await.unwrap();
    picker.select_by_value("default").await.unwrap();
    wait_for(&client, "body[data-endpoint='default']", "the switch to the default socket").await;
    picker.select_by_value("DOCKER_HOST").await.unwrap();
    wait_for(&client, "body[data-endpoint='DOCKER_HOST'][data-connection='connected']", "the switch back").await;
    wait_for(&client, &format!(".tr[data-ref='{image}']"), "the fixture image after switching back").await;

    // 3. Filtering narrows the list to what matches.
    let filter = client.find(Locator::Css("#image-filter")).await.unwrap();
    filter.send_keys(&format!("{}:other", fixtures.repository())).await.unwrap();
    wait_until_gone(&client, &format!(".tr[data-ref='{image}']"), "the non-matching image").await;
    wait_for(&client, &format!(".tr[data-ref='{other}']"), "the matching image").await;
    screenshot(&client, "images-filtered.png").await;
    let dangling = client.find(Locator::Css("#toggle-dangling")).await.unwrap();
    dangling.click().await.unwrap();
    wait_until_gone(&client, &format!(".tr[data-ref='{other}']"), "the tagged image under 'Dangling only'").await;
    let empty = wait_for(&client, "#images-view .empty:not([hidden])", "the empty state").await;
    assert_eq!(empty.text().await.unwrap(), "No image matches the filter.");
    dangling.click().await.unwrap();
    wait_for(&client, &format!(".tr[data-ref='{other}']"), "the image back without the toggle").await;

    // 4. A thousand rows: the list stays virtualized, only the rows in view exist in the page.
    filter.clear().await.unwrap();
    fixtures.many_tags(&other, 1000).await;
    filter.send_keys(&fixtures.repository()).await.unwrap();
    let summary = client.find(Locator::Css("#images-view .summary")).await.unwrap();
    let mut counted = String::new();
    for _ in 0..300 {
        counted = summary.text().await.unwrap();
        if counted.starts_with("1,002 ") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(counted.starts_with("1,002 "), "all 1002 tags are listed: {counted}");
    let drawn = client.find_all(Locator::Css("#images-view .tr")).await.unwrap().len();
    assert!(drawn < 60, "only the rows in view are drawn, not {drawn}");
    let body = client.find(Locator::Css("#images-view .table-body")).await.unwrap();
    body.click().await.unwrap();
    body.send_keys(&fantoccini::key::Key::End.to_string()).await.unwrap();
    // Newest first, ties by reference: the older image's only tag is the last row.
    wait_for(&client, &format!("#images-view .tr.selected[data-ref='{image}']"), "the last row selected with End")
        .await;
    screenshot(&client, "images-1000.png").await;

    // 5. Containers: the running fixtures are listed; Logs follows output; Kill and Remove act
    //    through the events.
    client.find(Locator::Css("#nav-containers")).await.unwrap().click().await.unwrap();
    let talker_css = format!(".tr[data-name='{talker}']");
    click(&client, &format!("{talker_css} button[data-action='logs']"), "the Logs button").await;
    let logs = wait_for(&client, "#logs-output", "the logs panel").await;
    for _ in 0..100 {
        if logs.text().await.unwrap().contains("strata-says-hello") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let logged = logs.text().await.unwrap();
    assert!(logged.contains("strata-says-hello") && logged.contains("second line"), "{logged}");
    screenshot(&client, "container-logs.png").await;
    client.find(Locator::Css(".logs-bar button")).await.unwrap().click().await.unwrap();

    // What a container wrote opens in Layers, as one more layer on its image's.
    click(&client, &format!("{talker_css} button[data-action='more']"), "the talker's ⋯ menu").await;
    click(&client, "#popup-menu button:last-child", "Changes in Layers").await;
    wait_for(&client, &format!("#layers-view[data-image='container://{talker}']"), "the container in Layers").await;
    let layer_rows = client.find_all(Locator::Css("#layers-view .layer-row")).await.unwrap();
    let top = layer_rows.last().expect("layer rows").prop("textContent").await.unwrap().unwrap_or_default();
    assert!(top.contains("what the container has written") && top.contains("+1"), "said.txt: {top}");
    screenshot(&client, "container-changes.png").await;
    client.find(Locator::Css("#nav-containers")).await.unwrap().click().await.unwrap();

    let row_css = format!(".tr[data-name='{container}']");
    wait_for(&client, &format!("{row_css}[data-state='running']"), "the running fixture container").await;
    screenshot(&client, "containers.png").await;
    // At the window's first size, Kill, Restart and Remove are in the row's "⋯" menu.
    click(&client, &format!("{row_css} button[data-action='more']"), "the container's ⋯ menu").await;
    click(&client, "#popup-menu button[data-action='kill']", "Kill").await;
    wait_for_within(&client, &format!("{row_css}[data-state='exited']"), "the killed container shown as exited", 90)
        .await;
    click(&client, &format!("{row_css} button[data-action='more']"), "the container's ⋯ menu").await;
    click(&client, "#popup-menu button[data-action='remove']", "Remove").await;
    screenshot(&client, "confirm-remove.png").await;
    click(&client, "#confirm-action", "the confirmation").await;
    wait_until_gone(&client, &row_css, "the removed container").await;

    // 6. The daemon goes away while the window is open: the banner returns.
    proxy.down();
    wait_for(&client, "body[data-connection='disconnected']", "the disconnection").await;
    client.close().await.unwrap();
}

/// An image whose second layer holds 100,000 empty files in 100 folders, unpacked by the daemon
/// from a tar in the build context (far quicker than making them one by one in a RUN step).
const HUNDRED_THOUSAND_FILES: &str = "FROM scratch\nCOPY busybox /bin/busybox\nADD data/t.tar /\n";

fn hundred_thousand_files_tar() -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::with_capacity(60 << 20));
    for folder in 0..100 {
        for file in 0..1000 {
            let mut header = tar::Header::new_gnu();
            header.set_size(0);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, format!("t/{folder}/f{file}"), std::io::empty()).unwrap();
        }
    }
    tar.into_inner().unwrap()
}

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

/// Like [`wait_for_text`], finding the element again at each look (for panels that redraw).
async fn wait_for_text_at(client: &Client, css: &str, text: &str, what: &str) -> String {
    let mut seen = String::new();
    for _ in 0..600 {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            seen = element.prop("textContent").await.ok().flatten().unwrap_or_default();
            if seen.contains(text) {
                return seen;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: `{text}` never appeared in {css}: {seen}");
}

async fn wait_for_text(element: &Element, text: &str, what: &str) -> String {
    let mut seen = String::new();
    for _ in 0..300 {
        // textContent, not the WebDriver's visible text: WebKit leaves out text in
        // `overflow: hidden` cells that ellipsis cuts.
        seen = element.prop("textContent").await.ok().flatten().unwrap_or_default();
        if seen.contains(text) {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: `{text}` never appeared in: {seen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_panel_lists_a_deleted_secret_and_opens_it_where_it_still_ships() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let mut fixtures = Fixtures::new("gui-audit").await;
    // Assembled from parts: no whole secret sits in this source.
    let secret = format!("{}{}", "Wq4Er8Ty2Ui6Op0As3Df7", "Gh1Jk5Lz9Xc2Vb6Nm4Q");
    let credentials =
        format!("[default]\naws_access_key_id = AKIA{}\naws_secret_access_key = {secret}\n", "R4T7Y2U9I3O6P1A8");
    let dockerfile = "FROM scratch\nCOPY busybox /bin/busybox\nCOPY data/aws /root/.aws\n\
         RUN [\"/bin/busybox\", \"rm\", \"-r\", \"/root/.aws\"]\nUSER 1000\n\
         HEALTHCHECK CMD [\"/bin/busybox\", \"true\"]\n";
    let leaky = fixtures.image_from("leaky", dockerfile, &[("aws/credentials", credentials.as_bytes())]).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let window = open_window(dir.path(), &[("STRATA_CACHE_DIR", &cache)]).await;
    let client = window.client.clone();
    let enter = fantoccini::key::Key::Enter.to_string();

    click(&client, "#nav-layers", "the Layers screen").await;
    wait_for(&client, "#layers-source", "the image field").await.send_keys(&format!("{leaky}{enter}")).await.unwrap();
    wait_for(&client, &format!("#layers-view[data-image='{leaky}']"), "the opened image").await;
    wait_for_text_at(&client, "#audit-line", "2 secrets in /root/.aws/credentials", "the Security line").await;
    wait_for_text_at(&client, ".layer-row[data-index='1'] .audit-badge", "2 secrets", "the layer's badge").await;
    wait_for_text_at(&client, "#summary-config", "clean", "the config's card: a user, a healthcheck").await;

    // Details lists the secrets, where they still ship; a click opens the file at that layer.
    click(&client, "#audit-details", "Details").await;
    let row = ".audit-row[data-rule='aws-secret-access-key']";
    let said = wait_for_text_at(&client, row, "deleted in layer 2, still shipped in layer 1", "the finding").await;
    assert!(said.contains("/root/.aws/credentials · layer 1"), "{said}");
    screenshot(&client, "audit-panel.png").await;
    click(&client, row, "the finding").await;
    wait_for(&client, ".tree-row.selected[data-name='credentials']", "the file, selected in the tree").await;
    wait_for_text_at(&client, "#node-details", "/root/.aws/credentials", "the file's attributes").await;
    let layer = client.find(Locator::Css(".layer-row.selected")).await.unwrap().attr("data-index").await.unwrap();
    assert_eq!(layer.as_deref(), Some("1"), "the layer that added it");
    screenshot(&client, "audit-opened.png").await;
    // Viewed, the file shows each secret as its marker.
    click(&client, "#view-file", "View").await;
    wait_for_text_at(&client, "#file-viewer", "«redacted aws-secret-access-key Wq4E…(40) sha256:", "the redacted file")
        .await;

    // The Images list's Audit column has the tally the audit kept.
    click(&client, ".dialog-buttons button", "the viewer's Close").await;
    wait_until_gone(&client, ".dialog", "the viewer").await;
    click(&client, "#nav-images", "the Images screen").await;
    wait_for(&client, "#image-filter", "the image filter").await.send_keys(&fixtures.repository()).await.unwrap();
    let cell = format!(".tr[data-ref='{leaky}'] .audit-cell");
    wait_for_text_at(&client, &cell, "2 secrets", "the Audit column").await;
    screenshot(&client, "images-audit.png").await;

    // Nothing the window holds has the secret whole.
    let page = client.source().await.unwrap();
    assert!(!page.contains(&secret), "the window holds a secret whole");
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_packages_and_vulnerabilities_tabs_list_what_an_image_installed() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let mut fixtures = Fixtures::new("gui-sbom").await;
    let dockerfile = "FROM scratch\nCOPY busybox /bin/busybox\nCOPY data/base/ /\nCOPY data/app/ /\n";
    let status = b"Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\n\n\
Package: libssl3\nStatus: install ok installed\nSource: openssl\nArchitecture: amd64\nVersion: 3.0.11-1~deb12u2\n";
    let files: [(&str, &[u8]); 3] = [
        ("base/var/lib/dpkg/status", status),
        ("base/etc/os-release", b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"),
        ("app/app/node_modules/left-pad/package.json", br#"{"name":"left-pad","version":"1.3.0","license":"WTFPL"}"#),
    ];
    let image = fixtures.image_from("packages", dockerfile, &files).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    // OSV's bucket, served here: one Debian advisory for openssl.
    let advisory = common::osv::record(
        "DSA-9999-1",
        "Debian:12",
        "openssl",
        serde_json::json!([{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u3"}]),
        serde_json::json!({"upstream": ["CVE-2026-9999"], "database_specific": {"severity": "HIGH"}}),
    );
    let dump = dir.path().join("Debian.zip");
    common::osv::write_zip(&dump, &[common::osv::as_entry(&advisory)]);
    let (port, _) = common::osv::serve_dumps(vec![("Debian".into(), std::fs::read(&dump).unwrap())], false);
    let osv_url = format!("http://127.0.0.1:{port}");
    let env = [("STRATA_CACHE_DIR", cache.as_path()), ("STRATA_OSV_URL", Path::new(&osv_url))];
    let window = open_window(dir.path(), &env).await;
    let client = window.client.clone();
    let enter = fantoccini::key::Key::Enter.to_string();

    click(&client, "#nav-layers", "the Layers screen").await;
    wait_for(&client, "#layers-source", "the image field").await.send_keys(&format!("{image}{enter}")).await.unwrap();
    wait_for(&client, &format!("#layers-view[data-image='{image}']"), "the opened image").await;

    // Vulnerabilities: no database yet, so the tab offers to download one; then the finding.
    click(&client, "#open-vulns", "Vulnerabilities").await;
    wait_for(&client, "#tab-vulns[aria-selected='true']", "the Vulnerabilities tab").await;
    wait_for_text_at(&client, "#vulns-panel p.muted", "No vulnerability database yet", "the empty state").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    screenshot(&client, "vulnerabilities-empty.png").await;
    click(&client, "#vulns-download", "Download advisories").await;
    let row = wait_for_within(&client, ".vuln-row[data-id='DSA-9999-1']", "the finding", 60).await;
    let text = row.prop("textContent").await.unwrap().unwrap_or_default();
    assert_eq!(text, "highDSA-9999-1 · CVE-2026-9999libssl3 3.0.11-1~deb12u2fixed in 3.0.11-1~deb12u3layer 1");
    let tally =
        wait_for(&client, "#vulns-tally", "the tally").await.prop("textContent").await.unwrap().unwrap_or_default();
    assert_eq!(tally, "1 high");
    // The security line counts it too, now that there is a database.
    wait_for_text_at(&client, "#audit-vulns", "1 highvulnerability", "the security line's count").await;
    screenshot(&client, "vulnerabilities.png").await;
    click(&client, ".vuln-row[data-id='DSA-9999-1']", "the finding").await;
    wait_for(&client, ".layer-row.selected[data-index='1']", "the layer that installed libssl3").await;
    wait_for(&client, "#vuln-list", "the list, still open beside the layer").await;

    click(&client, "#tab-packages", "the Packages tab").await;
    let note = wait_for_text_at(&client, "#packages-panel p.muted", "3 packages", "the tab's note").await;
    assert!(note.starts_with("Debian GNU/Linux 12 (bookworm)"), "{note}");
    let names: Vec<String> = {
        let mut names = Vec::new();
        for row in client.find_all(Locator::Css(".package-row .package-name")).await.unwrap() {
            names.push(row.prop("textContent").await.unwrap().unwrap_or_default());
        }
        names
    };
    assert_eq!(names, ["bash", "libssl3", "left-pad"]);
    screenshot(&client, "packages.png").await;

    // Saved as CycloneDX where the user picks.
    let saved = dir.path().join("packages.cdx.json");
    answer_file_dialog(dir.path(), &saved);
    click(&client, "#save-cyclonedx", "Save CycloneDX…").await;
    wait_for_text_at(&client, "#sbom-saved", "Saved", "the saved note").await;
    let document: serde_json::Value = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    assert_eq!(document["specVersion"], "1.6");
    assert_eq!(document["components"].as_array().unwrap().len(), 4, "the OS and three packages");

    // A click on a package shows the layer that installed it.
    click(&client, ".package-row[data-name='left-pad']", "left-pad").await;
    wait_for(&client, ".layer-row.selected[data-index='2']", "the layer that installed left-pad").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    screenshot(&client, "packages-layer.png").await;

    // The Images list counts the image's vulnerabilities now that its packages were read.
    click(&client, "#nav-images", "the Images screen").await;
    let cell = format!(".tr[data-ref='{image}'] .vuln-cell");
    assert_eq!(wait_for_text_at(&client, &cell, "high", "the image's Vulns cell").await, "1 high");
    screenshot(&client, "images-vulns.png").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_layer_explorer_opens_an_image_filters_its_tree_shows_and_extracts_files() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let mut fixtures = Fixtures::new("gui-layers").await;
    let every = fixtures.image_from("every", common::EVERY_CASE, &common::EVERY_CASE_FILES).await;
    let big = fixtures.image_from("big", HUNDRED_THOUSAND_FILES, &[("t.tar", &hundred_thousand_files_tar())]).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let window = open_window(dir.path(), &[("STRATA_CACHE_DIR", &cache)]).await;
    let client = window.client.clone();

    // 1. From the Images screen, Enter on a row opens it in the Layers screen.
    // Other tests add and remove images meanwhile; filter so the list holds still.
    let filter = wait_for(&client, "#image-filter", "the image filter").await;
    filter.send_keys(&every).await.unwrap();
    click(&client, &format!(".tr[data-ref='{every}']"), "the fixture image row").await;
    let table = client.find(Locator::Css("#images-view .table-body")).await.unwrap();
    table.send_keys(&fantoccini::key::Key::Enter.to_string()).await.unwrap();
    wait_for(&client, &format!("#layers-view[data-image='{every}']"), "the opened image").await;
    assert_eq!(count(&client, ".layer-row").await, 3);
    screenshot(&client, "layers-opened.png").await;
    let hidden = client.find(Locator::Css("#summary-hidden")).await.unwrap().text().await.unwrap();
    assert!(hidden.contains("28 B") && hidden.contains("8 files"), "{hidden}");
    let offenders = client
        .find(Locator::Css("#hidden-offenders"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(offenders.contains("/data/gone.txt"), "{offenders}");

    // 2. The third layer on its own: what it added, changed and removed.
    client.find(Locator::Css(".layer-row[data-index='2']")).await.unwrap().click().await.unwrap();
    client.find(Locator::Css("#mode-layer")).await.unwrap().click().await.unwrap();
    wait_until_gone(&client, ".tree-row[data-name='bin']", "the lower layers' folders").await;
    wait_for(&client, ".tree-row[data-name='gone.txt'][data-status='removed']", "the deleted file").await;
    wait_for(&client, ".tree-row[data-name='perm.txt'][data-status='modified']", "the chmod-only file").await;
    wait_for(&client, ".tree-row[data-name='new.txt'][data-status='added']", "the refilled folder's file").await;
    screenshot(&client, "layers.png").await;

    // 3. Filters and search narrow the tree.
    client.find(Locator::Css("#filter-removed")).await.unwrap().click().await.unwrap();
    wait_until_gone(&client, ".tree-row[data-name='gone.txt']", "removed files under the filter").await;
    client.find(Locator::Css("#filter-removed")).await.unwrap().click().await.unwrap();
    let search = client.find(Locator::Css("#tree-search")).await.unwrap();
    search.send_keys("inside").await.unwrap();
    wait_until_gone(&client, ".tree-row[data-name='perm.txt']", "files that do not match the search").await;
    let inside = wait_for(&client, ".tree-row[data-name='inside.txt']", "the matching file").await;

    // 4. A file's attributes, its content, and extraction to a chosen path.
    inside.click().await.unwrap();
    let details = wait_for(&client, "#node-details #view-file", "the attributes panel").await;
    let attributes = client.find(Locator::Css("#node-details")).await.unwrap();
    wait_for_text(&attributes, "/data/todir/inside.txt", "the attributes").await;
    details.click().await.unwrap();
    let viewer = wait_for(&client, "#file-viewer", "the file viewer").await;
    assert_eq!(viewer.text().await.unwrap().trim(), "inside");
    screenshot(&client, "file-viewer.png").await;
    client.find(Locator::Css(".dialog button")).await.unwrap().click().await.unwrap();
    // The file dialog's answer: a file that exists (the dialog asked before replacing it).
    let target = dir.path().join("extracted-inside.txt");
    std::fs::write(&target, "an older file").unwrap();
    answer_file_dialog(dir.path(), &target);
    client.find(Locator::Css("#extract-file")).await.unwrap().click().await.unwrap();
    wait_for_text_at(&client, ".toast", &format!("to {}", target.display()), "the saved note").await;
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "inside\n");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!left.iter().any(|name| name.to_string_lossy().contains(".partial")), "{left:?}");

    // 4b. An archive opens from the file dialog; a path typed (or sent by the page) is refused.
    let archive = dir.path().join("every.tar");
    std::fs::write(&archive, fixtures.export(&every).await).unwrap();
    let source = client.find(Locator::Css("#layers-source")).await.unwrap();
    source.clear().await.unwrap();
    source.send_keys(archive.to_str().unwrap()).await.unwrap();
    source.send_keys(&fantoccini::key::Key::Enter.to_string()).await.unwrap();
    wait_for_text_at(&client, "#layers-problem", "was not chosen in a file dialog", "the refused path").await;
    answer_file_dialog(dir.path(), &archive);
    click(&client, "#layers-open-archive", "Open archive…").await;
    wait_for(&client, &format!("#layers-view[data-image='{}']", archive.display()), "the archive").await;
    assert_eq!(count(&client, ".layer-row").await, 3, "the archive's layers");

    // 5. 100,000 files: the tree stays virtualized and the keyboard reaches the end.
    let source = client.find(Locator::Css("#layers-source")).await.unwrap();
    source.clear().await.unwrap();
    source.send_keys(&big).await.unwrap();
    source.send_keys(&fantoccini::key::Key::Enter.to_string()).await.unwrap();
    wait_for(&client, &format!("#layers-view[data-image='{big}']"), "the 100k-file image").await;
    client.find(Locator::Css("#expand-all")).await.unwrap().click().await.unwrap();
    let tree = wait_for_within(
        &client,
        "#tree[data-rows='100103']",
        "every node listed: 100k files, 100 folders, /t, /bin, busybox",
        90,
    )
    .await;
    let drawn = count(&client, ".tree-row").await;
    assert!(drawn < 100, "only the rows in view are drawn, not {drawn}");
    tree.click().await.unwrap();
    tree.send_keys(&fantoccini::key::Key::End.to_string()).await.unwrap();
    wait_for(&client, ".tree-row.selected[data-name='f999']", "the last file selected with End").await;
    let attributes = client.find(Locator::Css("#node-details")).await.unwrap();
    wait_for_text(&attributes, "/t/99/f999", "the last file's attributes").await;
    screenshot(&client, "layers-100k.png").await;

    // 6. The index cache: its size is shown, and it can be emptied.
    wait_for(&client, "#cache-usage", "the cache size").await;
    let usage = client.find(Locator::Css("#cache-line")).await.unwrap();
    let shown = wait_for_text(&usage, "layers", "the cache size").await;
    assert!(shown.starts_with("Cache ") && !shown.starts_with("Cache 0 B"), "{shown}");
    click(&client, "#clear-cache", "the Clear cache button").await;
    wait_for_text(&usage, "Cache 0 B in 0 layers", "the emptied cache").await;

    // 7. The Diff screen: the two images compared, the changed paths filtered.
    click(&client, "#nav-diff", "the Diff screen").await;
    wait_for(&client, "#diff-before", "the first image field").await.send_keys(&every).await.unwrap();
    wait_for(&client, "#diff-after", "the second image field").await.send_keys(&big).await.unwrap();
    click(&client, "#diff-compare", "the Compare button").await;
    wait_for_within(&client, &format!("#diff-view[data-compared='{every}|{big}']"), "the comparison", 120).await;
    let summary = client.find(Locator::Css("#diff-summary")).await.unwrap();
    let line = wait_for_text(&summary, "files", "the summary line").await;
    // 100,000 files and their 100 folders and /t added; /data's 16 paths removed; busybox equal.
    assert!(line.starts_with("+100,101 files, −16, 0 modified"), "{line}");
    wait_for(&client, ".diff-row[data-path='/data'][data-status='removed']", "a removed folder").await;
    screenshot(&client, "diff-100k.png").await;
    click(&client, "#diff-filter-removed", "the removed filter").await;
    wait_until_gone(&client, ".diff-row[data-status='removed']", "removed paths under the filter").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_diff_screen_compares_two_tags_picked_on_the_images_screen_as_a_tree_with_file_diffs() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let mut fixtures = Fixtures::new("gui-diff").await;
    let (first, second) = common::diff_pair::build(&mut fixtures).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let window = open_window(dir.path(), &[("STRATA_CACHE_DIR", &cache)]).await;
    let client = window.client.clone();

    // 1. On the Images screen, select the first tag and press C: the Diff screen offers the
    //    repository's other tag as the second image.
    let filter = wait_for(&client, "#image-filter", "the image filter").await;
    filter.send_keys(&first).await.unwrap();
    click(&client, &format!(".tr[data-ref='{first}']"), "the first tag's row").await;
    let table = client.find(Locator::Css("#images-view .table-body")).await.unwrap();
    table.send_keys("c").await.unwrap();
    let after = wait_for(&client, "#diff-view:not([hidden]) #diff-after", "the Diff screen").await;
    let before = client.find(Locator::Css("#diff-before")).await.unwrap();
    assert_eq!(before.prop("value").await.unwrap().as_deref(), Some(first.as_str()));
    let mut offered = String::new();
    for _ in 0..50 {
        offered = after.prop("value").await.unwrap().unwrap_or_default();
        if !offered.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(offered, second, "the other tag of the same repository is offered first");
    after.send_keys(&fantoccini::key::Key::Enter.to_string()).await.unwrap();
    wait_for(&client, &format!("#diff-view[data-compared='{first}|{second}']"), "the comparison").await;

    // 2. The summary, the folders that changed most, and the tree of changed paths.
    let summary = client.find(Locator::Css("#diff-summary")).await.unwrap();
    let line = wait_for_text(&summary, "files", "the summary line").await;
    assert!(line.starts_with("+2 files, −2, 7 modified, +5 B of files · 4 layers shared"), "{line}");
    let folders = client.find(Locator::Css("#diff-folders")).await.unwrap();
    wait_for_text(&folders, "/data +8 B", "the /data folder's size change").await;
    // Found again on each look: the rows are drawn again as the comparison's tables arrive.
    let data_css = ".diff-row[data-path='/data'][data-status='changed']";
    let data_text = wait_for_text_at(&client, data_css, "10 changed", "the /data folder").await;
    assert!(data_text.contains("+8 B"), "{data_text}");
    wait_for(&client, ".diff-row[data-path='/data/swap'][data-status='modified']", "the file become a folder").await;
    wait_for(&client, ".diff-row[data-path='/data/swap/in.txt'][data-status='added']", "the file in it").await;
    wait_for(&client, ".diff-row[data-path='/data/gone.txt'][data-status='removed']", "the removed file").await;
    wait_for_text_at(&client, "#diff-packages", "jq", "the added package").await;
    wait_for_text_at(&client, "#diff-packages", "5.1-2 → 5.2.15-2", "the upgraded package").await;
    wait_for_text_at(&client, "#diff-config", "env.MODE", "the changed variable").await;
    screenshot(&client, "diff.png").await;

    // 3. Left folds /data with the keyboard; Enter on a changed text file shows its unified diff.
    click(&client, ".diff-row[data-path='/data']", "the /data row").await;
    let tree = client.find(Locator::Css("#diff-files")).await.unwrap();
    tree.send_keys(&fantoccini::key::Key::Left.to_string()).await.unwrap();
    wait_until_gone(&client, ".diff-row[data-path='/data/gone.txt']", "the folded folder's files").await;
    tree.send_keys(&fantoccini::key::Key::Right.to_string()).await.unwrap();
    click(&client, ".diff-row[data-path='/data/same.txt']", "the same-size content change").await;
    tree.send_keys(&fantoccini::key::Key::Enter.to_string()).await.unwrap();
    let viewer = wait_for(&client, "#file-viewer", "the unified diff").await;
    let text = wait_for_text(&viewer, "+BBBB", "the new content").await;
    assert!(text.contains("-AAAA") && text.contains(&format!("--- {first}:/data/same.txt")), "{text}");
    assert_eq!(count(&client, "#file-viewer .diff-add").await, 1, "the +++ header is not an added line");
    assert_eq!(count(&client, "#file-viewer .diff-file").await, 2, "the --- and +++ headers");
    screenshot(&client, "diff-file.png").await;
    client.find(Locator::Css(".dialog button")).await.unwrap().click().await.unwrap();
    // A changed link has no text: the viewer names its two targets instead.
    click(&client, ".diff-row[data-path='/data/link']", "the changed link").await;
    tree.send_keys(&fantoccini::key::Key::Enter.to_string()).await.unwrap();
    let facts = wait_for(&client, "#compared-facts tr[data-name='link target']", "the link's two targets").await;
    let targets = facts.text().await.unwrap();
    assert!(targets.contains("mode.txt"), "{targets}");
    wait_for_text_at(&client, ".dialog p.muted", "no text of its own", "why there is no text diff").await;
    screenshot(&client, "diff-link.png").await;
    client.find(Locator::Css(".dialog button")).await.unwrap().click().await.unwrap();

    // 4. Filters and sort: only removed paths; then largest size change first.
    click(&client, "#diff-filter-added", "the added filter").await;
    click(&client, "#diff-filter-modified", "the modified filter").await;
    wait_until_gone(&client, ".diff-row[data-status='added']", "added paths under the filter").await;
    // (/data/dir stays: a modified folder-become-file on the way to its removed x.txt)
    wait_until_gone(&client, ".diff-row[data-path='/data/same.txt']", "modified files under the filter").await;
    wait_for(&client, ".diff-row[data-path='/data/dir/x.txt'][data-status='removed']", "a removed file").await;
    click(&client, "#diff-filter-added", "the added filter").await;
    click(&client, "#diff-filter-modified", "the modified filter").await;
    client.find(Locator::Css("#diff-sort")).await.unwrap().select_by_value("delta").await.unwrap();
    // /data grew 8 B, /var shrank 3 B; in /data, the folder become a file grew most (+9 B).
    wait_for(&client, ".diff-row[data-index='0'][data-path='/data']", "the largest change first").await;
    wait_for(&client, ".diff-row[data-index='1'][data-path='/data/dir']", "the largest change in /data next").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_projects_screen_adds_a_folder_builds_it_and_rebuilds_it_on_change() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let mut fixtures = Fixtures::new("gui-projects").await;
    let folder = common::project_folder::project(&fixtures);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("strata-config");
    let window = open_window(dir.path(), &[("STRATA_CONFIG_DIR", &config)]).await;
    let client = window.client.clone();
    let dev = format!("{}:dev", fixtures.repository());

    // 1. The empty screen says what to do; the folder picked in the file dialog becomes a project.
    click(&client, "#nav-projects", "the Projects screen").await;
    wait_for(&client, "#projects-empty:not([hidden])", "the empty state").await;
    answer_file_dialog(dir.path(), folder.path());
    click(&client, "#project-add", "Add a folder…").await;
    wait_for(&client, ".project-row.selected[data-state='new']", "the new project").await;

    // 2. Its settings: the test's repository, one tag, the test labels, a verification.
    click(&client, "#project-settings summary", "the settings").await;
    let set = |id: &'static str, value: String| {
        let client = client.clone();
        async move {
            let field = wait_for(&client, id, id).await;
            field.clear().await.unwrap();
            field.send_keys(&value).await.unwrap();
        }
    };
    set("#setting-image", fixtures.repository()).await;
    set("#setting-tags", "dev".into()).await;
    let enter = fantoccini::key::Key::Enter.to_string();
    let labels = format!("{}=1{enter}{}={}", common::TEST_LABEL, common::RUN_LABEL, fixtures.run);
    set("#setting-labels", labels).await;
    set("#setting-verify", r#"["/bin/busybox", "cat", "/app/main.txt"]"#.into()).await;
    click(&client, "#setting-save", "Save").await;
    wait_for(&client, ".project-row.selected .project-name", "the renamed project").await;
    wait_for_text_at(&client, ".project-row.selected .project-name", &fixtures.repository(), "the image name").await;

    // 3. Build: the stages run through, the log streams, the result says what was tagged.
    click(&client, "#project-build", "Build").await;
    let text = wait_for_text_at(&client, "#project-result.passed", &format!("Tagged {dev}"), "the tag").await;
    assert!(text.contains("Verified in"), "{text}");
    assert!(fixtures.adopt_labelled_images().await >= 1, "the image carries the labels typed in the settings");
    for stage in ["prepare", "build", "verify", "security", "tag"] {
        wait_for(&client, &format!(".stage[data-stage='{stage}'][data-state='done']"), stage).await;
    }
    wait_for_text_at(&client, "#project-log", "Step 1/", "the builder's log").await;
    screenshot(&client, "projects.png").await;

    // 4. Rebuild on change: an edit rebuilds, and the history names the file.
    click(&client, "#project-watch", "Rebuild on change").await;
    wait_for(&client, ".project-row.selected[data-state='watching']", "the watching project").await;
    std::fs::write(folder.path().join("app/main.txt"), "edited in the editor\n").unwrap();
    wait_for_text_at(&client, "#project-history", "app/main.txt changed", "the rebuild the edit triggered").await;
    fixtures.adopt_labelled_images().await;
    let good = fixtures.docker.inspect_image(&dev).await.unwrap().id;

    // 4b. Where the time went: the rebuild's first miss names the edited file, its steps are on the
    // timeline, the two builds on the trend; a click on the first build's column shows its steps.
    wait_for_text_at(&client, "#project-cache-miss", "app/main.txt changed", "why the cache missed").await;
    wait_for(&client, "#project-timeline svg", "the steps' timeline").await;
    let columns = client.find_all(Locator::Css("#project-trend .trend-column")).await.unwrap();
    assert_eq!(columns.len(), 2, "one column per build");
    // The settings' "saved" note has gone by the time a person looks (the README's picture).
    wait_for_within(&client, ".toast[hidden]", "the note gone", 15).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    screenshot(&client, "projects-times.png").await;
    columns[0].click().await.unwrap();
    wait_for_text_at(
        &client,
        "#project-cache-miss",
        "no earlier timed build to compare with",
        "the first build's story",
    )
    .await;
    wait_for(&client, "#project-trend .trend-column.picked", "the picked column").await;
    while client.find_all(Locator::Css("html[data-theme='dark']")).await.unwrap().is_empty() {
        click(&client, "#theme-switch", "the theme switch").await;
    }
    client.set_window_size(900, 760).await.unwrap();
    wait_for(&client, "html[data-theme='dark'] #project-timeline svg", "the timeline drawn dark").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let seen = client
        .execute(WHAT_A_PERSON_SEES_WRONG, vec![serde_json::json!(false), serde_json::json!(true)])
        .await
        .unwrap();
    assert_eq!(seen.as_array().unwrap().len(), 0, "what a person would see wrong: {seen}");
    screenshot(&client, "projects-times-dark-900.png").await;
    while client.find_all(Locator::Css("html[data-theme='light']")).await.unwrap().is_empty() {
        click(&client, "#theme-switch", "the theme switch back").await;
    }
    client.set_window_size(1200, 760).await.unwrap();

    // 5. A broken Dockerfile: the failure names its line, and the tag stays on the good image.
    std::fs::write(folder.path().join("Dockerfile"), "FROM scratch\nCPY run.txt /run.txt\n").unwrap();
    wait_for_text_at(&client, "#project-result.failed", "at Dockerfile line 2", "the failing line").await;
    assert_eq!(fixtures.docker.inspect_image(&dev).await.unwrap().id, good, "the tag stayed");
    screenshot(&client, "projects-failed.png").await;

    // 6. A secret in the image: verify security fails the build and names it — redacted — and the
    // tag stays on the good image.
    let token = format!("ghp_{}", "Rt5Yu8Io2Pa4".repeat(3));
    std::fs::write(folder.path().join("app/.env"), format!("GITHUB_TOKEN={token}\n")).unwrap();
    std::fs::write(
        folder.path().join("Dockerfile"),
        "FROM scratch\nCOPY run.txt /run.txt\nCOPY busybox /bin/busybox\nCOPY app/ /app/\n",
    )
    .unwrap();
    let said = wait_for_text_at(&client, "#project-result.failed", "security audit failed", "the failed audit").await;
    assert!(said.contains("github-token in /app/.env"), "{said}");
    wait_for(&client, ".stage[data-stage='security'][data-state='failed']", "the failed security stage").await;
    assert_eq!(fixtures.docker.inspect_image(&dev).await.unwrap().id, good, "the tag stayed");
    assert!(!client.source().await.unwrap().contains(&token), "the window never holds the secret whole");
    screenshot(&client, "projects-security-failed.png").await;
    click(&client, "#project-watch", "stop watching").await;
    client.close().await.unwrap();
    fixtures.adopt_labelled_images().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_containers_screen_charts_a_containers_stats_and_saves_them_as_csv() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let mut fixtures = Fixtures::new("gui-stats").await;
    let image = fixtures.image("stats", &[]).await;
    let name = fixtures.running_container(&image, "charted").await;
    let dir = tempfile::tempdir().unwrap();
    let window = open_window(dir.path(), &[]).await;
    let client = window.client.clone();

    // 1. The list: the host's figures above, a CPU sparkline and memory on the running row.
    click(&client, "#nav-containers", "the Containers screen").await;
    wait_for_text_at(&client, "#host-line", "free of", "the host's figures with Docker's data disk").await;
    let row = format!(".tr[data-name='{name}']");
    wait_for(&client, &format!("{row} .spark svg"), "the CPU sparkline").await;
    // Nothing moves while the figures stream in: the row, its cells and the charts' places stay.
    let places = |css: String| {
        let client = client.clone();
        async move {
            let script = format!(
                "return [...document.querySelectorAll({css:?})].map((e) => {{ const r = e.getBoundingClientRect();
                   return [r.left, r.top, r.width, r.height].map(Math.round).join(','); }}).join(' ');"
            );
            client.execute(&script, vec![]).await.unwrap().as_str().unwrap().to_string()
        }
    };
    // The columns are fitted to the table's width once it is on screen; from then on they stay.
    wait_for(&client, "#containers-view .table[data-fitted-to]", "the columns fitted to the window").await;
    let row_cells = format!("{row} .td, #containers-view .th");
    let before = places(row_cells.clone()).await;
    let status_cell = format!("{row} .td[data-col='3']");
    let status_now = || {
        let (client, script) =
            (client.clone(), format!("return document.querySelector({status_cell:?})?.textContent ?? ''"));
        async move { client.execute(&script, vec![]).await.unwrap().as_str().unwrap_or_default().to_string() }
    };
    let status = status_now().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(places(row_cells.clone()).await, before, "the row and header keep their places as stats update");
    // The status's age moves on with no event from the daemon ("Up 5 seconds" → "Up 8 seconds").
    let moved = status_now().await;
    assert!(status.starts_with("Up ") && moved.starts_with("Up ") && moved != status, "{status} → {moved}");

    // 2. Its stats: four charts, redrawn as points come; the window can be changed.
    click(&client, &format!("{row} button[data-action='stats']"), "the Stats button").await;
    for metric in ["cpu", "memory", "network", "block"] {
        wait_for(&client, &format!("#stats-charts .stats-chart[data-metric='{metric}'] svg"), metric).await;
    }
    wait_for_text_at(&client, "#stats-charts", "Memory — now", "the memory chart's title and figures").await;
    click(&client, "#stats-window-60", "the 1 min window").await;
    wait_for(&client, "#stats-window-60.active", "the chosen window").await;
    let charts = "#stats-charts .stats-chart".to_string();
    let before = places(charts.clone()).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(places(charts).await, before, "the charts keep their places as they are redrawn");
    screenshot(&client, "containers-stats.png").await;

    // 3. The history as CSV, to the file the user picks in the file dialog.
    let target = dir.path().join("charted.csv");
    answer_file_dialog(dir.path(), &target);
    click(&client, "#stats-csv", "Save CSV").await;
    wait_for_text_at(&client, ".toast", &format!("to {}", target.display()), "the saved note").await;
    let csv = std::fs::read_to_string(&target).unwrap();
    assert!(csv.starts_with("time,cpu_percent,memory_bytes,"), "{csv}");
    assert!(csv.lines().count() >= 3, "a row a second: {csv}");

    // 4. One chart as a PNG image; first a dialog the user cancels (no answer), which writes nothing.
    let pngs_in = |dir: &Path| {
        std::fs::read_dir(dir).unwrap().flatten().filter(|e| e.path().extension() == Some("png".as_ref())).count()
    };
    click(&client, "#stats-png-memory", "the memory chart's PNG button").await;
    tokio::time::sleep(Duration::from_secs(1)).await; // the cancelled command's time to end
    assert_eq!(pngs_in(dir.path()), 0, "the cancelled save wrote nothing");
    let image = dir.path().join("memory.png");
    answer_file_dialog(dir.path(), &image);
    click(&client, "#stats-png-memory", "the memory chart's PNG button").await;
    wait_for_text_at(&client, ".toast", &format!("to {}", image.display()), "the saved note").await;
    assert!(std::fs::read(&image).unwrap().starts_with(b"\x89PNG"), "a PNG file");
    assert_eq!(pngs_in(dir.path()), 1, "one chart, one file");

    // 5. The overview: every running container stacked, this one among them.
    click(&client, "#stats-overview", "the Overview button").await;
    wait_for(&client, "#stats-charts .stats-chart[data-metric='overview-memory'] svg", "the stacked memory").await;
    wait_for_text_at(&client, "#stats-charts", "CPU of every running container", "the stacked CPU").await;
    wait_for_text_at(&client, "#stats-charts", &name, "the container in the legend").await;
    screenshot(&client, "containers-overview.png").await;
    client.close().await.unwrap();
}

#[test]
fn without_a_display_the_window_command_fails_with_one_clear_line() {
    let output = Command::new(env!("CARGO_BIN_EXE_strata"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run strata");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no display") && stderr.contains("strata --help"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cleanup_screen_shows_the_space_plans_by_hand_and_never_removes_an_image_in_use() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let mut fixtures = Fixtures::new("gui-cleanup").await;
    let base = "FROM scratch\nCOPY busybox /busybox\nCOPY data/a /a\n";
    let first = fixtures
        .image_from("1", &format!("{base}CMD [\"/busybox\", \"sleep\", \"3600\"]\n"), &[("a", &[7u8; 100_000])])
        .await;
    let second = fixtures
        .image_from(
            "2",
            &format!("{base}COPY data/b /b\nCMD [\"/busybox\", \"sleep\", \"3600\"]\n"),
            &[("a", &[7u8; 100_000]), ("b", &[8u8; 200_000])],
        )
        .await;
    let used = fixtures.image("used", &[("u", b"used")]).await;
    let user = fixtures.create_container(&used, "user").await;
    let dir = tempfile::tempdir().unwrap();
    let window = open_window(dir.path(), &[]).await;
    let client = window.client.clone();

    // 1. Where the space is: figures by category, the treemap, the family tree.
    click(&client, "#nav-cleanup", "the Cleanup screen").await;
    wait_for(&client, "#cleanup-treemap svg", "the treemap").await;
    wait_for_text_at(&client, "#cleanup-cards", "Images in use", "the in-use figure").await;
    wait_for_text_at(&client, "#cleanup-family", &first, "app:1 in the family tree").await;
    wait_for_text_at(
        &client,
        "#cleanup-cards",
        "(shown, never removed)",
        "volumes and build cache, counted in the background",
    )
    .await;

    // 2. Nothing picked: the plan is empty (dangling images are someone else's here).
    click(&client, "#cleanup-dangling", "untick dangling images").await;
    wait_for_text_at(&client, "#cleanup-plan", "Nothing to remove", "an empty plan").await;

    // 3. By hand: app:2 goes in the plan with the bytes only it has; the image in use is kept out.
    for name in [&second, &used] {
        let pick = wait_for(&client, "#cleanup-pick", "the pick field").await;
        pick.send_keys(name).await.unwrap();
        pick.send_keys(&fantoccini::key::Key::Enter.to_string()).await.unwrap();
    }
    wait_for_text_at(&client, "#cleanup-plan", &second, "app:2 in the plan").await;
    wait_for_text_at(&client, "#cleanup-plan", &format!("container {user} uses it"), "the image in use kept out").await;
    let totals = wait_for_text_at(&client, "#cleanup-totals", "Frees 200 kB", "app:2's own bytes").await;
    // Before → after, or (when the two round alike) the share it frees.
    assert!(totals.contains("→") || totals.ends_with(" %)"), "{totals}");
    screenshot(&client, "cleanup.png").await;

    // 4. Apply: confirmed, item by item, then the fresh survey.
    click(&client, "#cleanup-apply", "Apply plan").await;
    click(&client, "#confirm-action", "Remove").await;
    wait_for_text_at(&client, "#cleanup-result", "Removed 1, kept 0, failed 0", "the result").await;
    wait_for_text_at(&client, "#cleanup-done", "removed", "what happened to each item").await;
    assert!(fixtures.docker.inspect_image(&second).await.is_err(), "app:2 is gone");
    assert!(fixtures.docker.inspect_image(&first).await.is_ok(), "app:1 was not in the plan");
    assert!(fixtures.docker.inspect_image(&used).await.is_ok(), "the image in use stays");
    screenshot(&client, "cleanup-applied.png").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_keyboard_sheet_opens_with_a_question_mark_and_the_theme_switches_by_hand() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let window = open_window(dir.path(), &[("XDG_CONFIG_HOME", &config)]).await;
    let client = window.client.clone();
    wait_for(&client, "body[data-connection='connected']", "the connected state").await;

    // `?` opens the sheet, which lists the screens' shortcuts; Escape closes it.
    let body = client.find(Locator::Css("body")).await.unwrap();
    body.send_keys("?").await.unwrap();
    let sheet = wait_for(&client, "#shortcut-sheet", "the shortcut sheet").await;
    let text = sheet.text().await.unwrap();
    assert!(text.contains("Ctrl+1") && text.contains("Cleanup") && text.contains("Ctrl+B"), "{text}");
    screenshot(&client, "shortcuts.png").await;
    body.send_keys(&fantoccini::key::Key::Escape.to_string()).await.unwrap();
    wait_until_gone(&client, "#shortcut-sheet", "the shortcut sheet").await;

    // The switch cycles system → light → dark, and the page's colours follow.
    let background =
        || async { client.execute("return getComputedStyle(document.body).backgroundColor", vec![]).await.unwrap() };
    click(&client, "#theme-switch", "the theme switch").await;
    wait_for(&client, "html[data-theme='light']", "the light theme").await;
    let light = background().await;
    click(&client, "#theme-switch", "the theme switch").await;
    wait_for(&client, "html[data-theme='dark']", "the dark theme").await;
    assert_ne!(background().await, light, "the dark theme draws another background");
    screenshot(&client, "images-dark.png").await;
    // Ctrl+Shift+L goes on to "system".
    body.send_keys(&format!("{}{}L", fantoccini::key::Key::Control, fantoccini::key::Key::Shift)).await.unwrap();
    wait_until_gone(&client, "html[data-theme]", "the picked theme").await;

    // A resized window is remembered: the next start opens it at that size.
    client.set_window_size(980, 640).await.unwrap();
    let saved = config.join("dev.strata.desktop/.window-state.json");
    let size_saved = || {
        let state: serde_json::Value = serde_json::from_slice(&std::fs::read(&saved).ok()?).ok()?;
        Some((state["main"]["width"].as_u64()?, state["main"]["height"].as_u64()?))
    };
    for _ in 0..100 {
        if size_saved() == Some((980, 640)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(size_saved(), Some((980, 640)), "the size is saved soon after the change");
    client.clone().close().await.unwrap();
    drop(window);
    let reopened = open_window(dir.path(), &[("XDG_CONFIG_HOME", &config)]).await;
    wait_for(&reopened.client, "#nav-images", "the reopened window").await;
    assert_eq!(reopened.client.get_window_size().await.unwrap(), (980, 640), "the size it had");
}

/// The DOM checks of what a person would see wrong on the screen shown (see the file).
const WHAT_A_PERSON_SEES_WRONG: &str = include_str!("gui_checks.js");

/// The screens the walkthrough visits, with what shows that each has its data.
const WALK: [(&str, &str); 6] = [
    ("images", "#images-view .tr"),
    ("containers", "#containers-view .tr .spark svg"),
    ("layers", "#layers-view .layer-row"),
    ("diff", "#diff-files .diff-row"),
    ("projects", ".project-row"),
    ("cleanup", "#cleanup-treemap svg"),
];

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_reads_right_at_900_1200_and_1600_px_light_and_dark() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let mut fixtures = Fixtures::new("gui-walk").await;
    let (first, second) = common::diff_pair::build(&mut fixtures).await;
    let image = fixtures.image("walk", &[("a", b"walk")]).await;
    let name = fixtures.running_container(&image, "walker").await;
    let folder = common::project_folder::project(&fixtures);
    let dir = tempfile::tempdir().unwrap();
    let (config, cache) = (dir.path().join("strata-config"), dir.path().join("cache"));
    let window = open_window(dir.path(), &[("STRATA_CONFIG_DIR", &config), ("STRATA_CACHE_DIR", &cache)]).await;
    let client = window.client.clone();
    let enter = fantoccini::key::Key::Enter.to_string();
    wait_for(&client, "body[data-connection='connected']", "the connected state").await;

    // Every screen with data: an image open in Layers, a comparison, a project, a container's stats.
    click(&client, "#nav-layers", "the Layers screen").await;
    wait_for(&client, "#layers-source", "the image field").await.send_keys(&format!("{second}{enter}")).await.unwrap();
    wait_for(&client, &format!("#layers-view[data-image='{second}']"), "the opened image").await;
    // The audit's line: the fixture (USER 1000) has no healthcheck, and holds no secret.
    let audit = wait_for(&client, "#audit-line[data-findings='1']", "the audit's line").await;
    let said = audit.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(said.contains("1 low") && said.contains("no secrets"), "{said}");
    click(&client, "#nav-diff", "the Diff screen").await;
    wait_for(&client, "#diff-before", "the first field").await.send_keys(&first).await.unwrap();
    wait_for(&client, "#diff-after", "the second field").await.send_keys(&format!("{second}{enter}")).await.unwrap();
    wait_for(&client, &format!("#diff-view[data-compared='{first}|{second}']"), "the comparison").await;
    click(&client, "#nav-projects", "the Projects screen").await;
    answer_file_dialog(dir.path(), folder.path());
    click(&client, "#project-add", "Add a folder…").await;
    wait_for(&client, ".project-row", "the new project").await;
    click(&client, "#nav-containers", "the Containers screen").await;
    click(&client, &format!(".tr[data-name='{name}'] button[data-action='stats']"), "the Stats button").await;
    wait_for(&client, "#stats-panel:not([hidden])", "the stats panel").await;
    wait_for_within(&client, "#stats-charts .stats-chart[data-metric='memory'] svg", "the memory chart", 60).await;

    let mut problems = Vec::new();
    for theme in ["light", "dark"] {
        while client.find_all(Locator::Css(&format!("html[data-theme='{theme}']"))).await.unwrap().is_empty() {
            click(&client, "#theme-switch", "the theme switch").await;
        }
        for width in [900u32, 1200, 1600] {
            client.set_window_size(width, 760).await.unwrap();
            for (screen, data) in WALK {
                click(&client, &format!("#nav-{screen}"), screen).await;
                wait_for(&client, &format!("#{screen}-view:not([hidden])"), screen).await;
                wait_for(&client, data, &format!("the {screen} screen's data")).await;
                tokio::time::sleep(Duration::from_millis(400)).await;
                let arguments = vec![serde_json::json!(width >= 1100), serde_json::json!(theme == "dark")];
                let seen = client.execute(WHAT_A_PERSON_SEES_WRONG, arguments).await.unwrap();
                for problem in seen.as_array().unwrap() {
                    problems.push(format!("{screen} at {width} px, {theme}: {}", problem.as_str().unwrap()));
                }
                screenshot(&client, &format!("walk-{theme}-{width}-{screen}.png")).await;
            }
        }
    }
    // The same figure where two screens show one: the sidebar's count and the screen's own.
    let counted = client.find(Locator::Css("#count-containers")).await.unwrap().text().await.unwrap();
    click(&client, "#nav-containers", "the Containers screen").await;
    let summary = client.find(Locator::Css("#containers-view .summary")).await.unwrap().text().await.unwrap();
    assert!(summary.starts_with(&format!("{counted} container")), "sidebar {counted}, screen {summary}");
    assert!(problems.is_empty(), "what a person would see wrong:\n{}", problems.join("\n"));
}

/// The app as the .deb installs it: `scripts/test-bundle.sh` (in `make test`) installs the package
/// with `dpkg -i` and runs this with STRATA_APP=/usr/bin/strata.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the .deb installed; run by scripts/test-bundle.sh"]
async fn the_installed_app_opens_its_window() {
    let installed = app_binary();
    assert!(installed.starts_with("/usr"), "STRATA_APP names the installed binary, not {}", installed.display());
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let window = open_window(dir.path(), &[]).await;
    let client = window.client.clone();
    wait_for(&client, "body[data-connection='connected']", "the installed app's connected state").await;
    wait_for(&client, "#nav-cleanup", "the installed app's screens").await;
    let title = client.title().await.unwrap();
    assert_eq!(title, "Strata", "the installed window's title");
    screenshot(&client, "installed-app.png").await;
}

/// In-page milliseconds from `action` (JavaScript run in the window) until an element matches
/// `css`, checked every frame: what the user waits, without the WebDriver's own round trips.
async fn time_until(client: &Client, action: &str, css: &str) -> f64 {
    time_until_true(client, action, &format!("document.querySelector({css:?})")).await
}

/// [`time_until`] a JavaScript `condition` holds.
async fn time_until_true(client: &Client, action: &str, condition: &str) -> f64 {
    let script = format!(
        "const done = arguments[arguments.length - 1]; const started = performance.now(); {action};
         (function poll() {{ if ({condition}) done(performance.now() - started);
                            else requestAnimationFrame(poll); }})();"
    );
    let waited = tokio::time::timeout(Duration::from_secs(130), client.execute_async(&script, vec![])).await;
    waited.unwrap_or_else(|_| panic!("{condition} did not hold")).unwrap().as_f64().unwrap()
}

/// Frames the window paints in 3 s, a second, and the longest gap between two.
async fn frame_rate(client: &Client) -> (f64, f64) {
    let script = "const done = arguments[arguments.length - 1]; let frames = 0, worst = 0;
        const start = performance.now(); let last = start;
        (function frame(now) { frames++; worst = Math.max(worst, now - last); last = now;
          if (now - start < 3000) requestAnimationFrame(frame); else done([frames / 3, worst]); })(start);";
    let measured = client.execute_async(script, vec![]).await.unwrap();
    (measured[0].as_f64().unwrap(), measured[1].as_f64().unwrap())
}

/// Median milliseconds of a command's round trip from the page to the backend and back.
async fn command_round_trip(client: &Client, command: &str) -> f64 {
    let script = format!(
        "const done = arguments[arguments.length - 1]; (async () => {{ const times = [];
         for (let i = 0; i < 21; i++) {{ const t = performance.now();
           await window.__TAURI_INTERNALS__.invoke({command:?}); times.push(performance.now() - t); }}
         times.sort((a, b) => a - b); done(times[10]); }})();"
    );
    client.execute_async(&script, vec![]).await.unwrap().as_f64().unwrap()
}

/// The app's process (the newest one running `binary`), and its CPU seconds so far.
fn app_cpu_seconds(binary: &Path) -> f64 {
    let binary = binary.canonicalize().unwrap();
    let newest = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
        .max()
        .expect("the app's process");
    let stat = std::fs::read_to_string(format!("/proc/{newest}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// The load figures of the hardening issue, for `make bench` (not a test of time: it prints what
/// it measures). 1,002 image rows, 200 running containers whose stats the window follows, and a
/// 100,000-file layer; in-page latencies of what a user does, frames painted, the app's CPU.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: make bench runs it against the release build"]
async fn load_figures() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let mut fixtures = Fixtures::new("load").await;
    let image = fixtures.image("load", &[]).await;
    fixtures.many_tags(&image, 1000).await;
    let big = fixtures.image_from("big", HUNDRED_THOUSAND_FILES, &[("t.tar", &hundred_thousand_files_tar())]).await;
    for number in 0..200 {
        fixtures.running_container(&image, &format!("c{number:03}")).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let window = open_window(dir.path(), &[("STRATA_CACHE_DIR", cache.path())]).await;
    let client = window.client.clone();
    let patient = fantoccini::wd::TimeoutConfiguration::new(Some(Duration::from_secs(120)), None, None);
    client.update_timeouts(patient).await.unwrap();
    wait_for(&client, "body[data-connection='connected']", "the connected state").await;
    let mut figures: Vec<(String, String)> = Vec::new();
    let mut note = |what: &str, value: String| {
        eprintln!("[load] {what}: {value}");
        figures.push((what.to_string(), value));
    };

    // Images: 1,002 rows.
    let repository = fixtures.repository();
    let filtered = time_until(
        &client,
        "const f = document.querySelector('#image-filter'); f.value = 'many-999'; f.dispatchEvent(new Event('input'))",
        &format!("#images-view .tr[data-ref='{repository}:many-999']"),
    )
    .await;
    note("Images (1,002 rows): type a filter → the one match shown", format!("{filtered:.0} ms"));
    let cleared = time_until(
        &client,
        "const f = document.querySelector('#image-filter'); f.value = ''; f.dispatchEvent(new Event('input'))",
        &format!("#images-view .tr[data-ref='{repository}:many-0']"),
    )
    .await;
    note("Images: clear the filter → 1,002 rows back", format!("{cleared:.0} ms"));

    let (fps, worst) = frame_rate(&client).await;
    note("Images: frames painted, idle (the baseline)", format!("{fps:.0} a second, longest gap {worst:.0} ms"));

    // Containers: 200 running, each one's stats followed every second.
    let shown =
        time_until(&client, "document.querySelector('#nav-containers').click()", "#containers-view .tr[data-name]")
            .await;
    note("Containers (200 running): open the screen → rows shown", format!("{shown:.0} ms"));
    tokio::time::sleep(Duration::from_secs(5)).await; // every stream started
    let to_end = time_until_true(
        &client,
        "const b = document.querySelector('#containers-view .table-body'); b.focus();
         b.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }))",
        "(() => { const b = document.querySelector('#containers-view .table-body');
                  return b.querySelector('.tr.selected') && b.scrollTop + b.clientHeight >= b.scrollHeight - 2; })()",
    )
    .await;
    note("Containers: End → the last row selected", format!("{to_end:.0} ms"));
    let (fps, worst) = frame_rate(&client).await;
    note(
        "Containers: frames painted while 200 streams update",
        format!("{fps:.0} a second, longest gap {worst:.0} ms"),
    );
    let size = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('stats_rows').then((rows) => done(JSON.stringify(rows).length));",
            vec![],
        )
        .await
        .unwrap();
    note(
        "Containers: stats_rows round trip (median of 21), the window's once-a-second read",
        format!("{:.1} ms, {} kB", command_round_trip(&client, "stats_rows").await, size.as_u64().unwrap() / 1000),
    );
    note(
        "Containers: list_containers round trip (median of 21)",
        format!("{:.1} ms", command_round_trip(&client, "list_containers").await),
    );
    let binary = app_binary();
    let (cpu_before, wall) = (app_cpu_seconds(&binary), std::time::Instant::now());
    tokio::time::sleep(Duration::from_secs(10)).await;
    let cpu = (app_cpu_seconds(&binary) - cpu_before) / wall.elapsed().as_secs_f64();
    note(
        "The app's CPU following 200 stats streams (Containers screen open)",
        format!("{:.0} % of one core", cpu * 100.0),
    );

    // Layers: 100,000 files in one layer.
    let opened = time_until(
        &client,
        &format!(
            "document.querySelector('#nav-layers').click(); const s = document.querySelector('#layers-source');
             s.value = {big:?}; s.dispatchEvent(new KeyboardEvent('keydown', {{ key: 'Enter', bubbles: true }}))"
        ),
        &format!("#layers-view[data-image='{big}']"),
    )
    .await;
    note("Layers: open the 100,000-file image (cold: export and read)", format!("{opened:.0} ms"));
    let expanded =
        time_until(&client, "document.querySelector('#expand-all').click()", "#tree[data-rows='100103']").await;
    note("Layers: Expand all → 100,103 rows", format!("{expanded:.0} ms"));
    let last = time_until(
        &client,
        "const t = document.querySelector('#tree'); t.focus();
         t.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }))",
        ".tree-row.selected[data-name='f999']",
    )
    .await;
    note("Layers: End → the last of 100,103 rows selected", format!("{last:.0} ms"));
    let searched = time_until(
        &client,
        "const s = document.querySelector('#tree-search'); s.value = 'f424'; s.dispatchEvent(new Event('input'))",
        ".tree-row[data-name='f424']",
    )
    .await;
    note("Layers: search a name among 100,000 → matches shown", format!("{searched:.0} ms"));
    screenshot(&client, "load-layers.png").await;

    let mut table = String::from("| what the user does | measured |\n|---|---:|\n");
    for (what, value) in &figures {
        table.push_str(&format!("| {what} | {value} |\n"));
    }
    println!("{table}");
    std::fs::create_dir_all(Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts")).unwrap();
    std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts/bench-load.md"), table).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_registries_screen_signs_in_lists_tags_opens_one_and_compares_two() {
    use common::{oci_layout, secured_registry};
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let registry = secured_registry::start_tls_basic();
    let layouts = tempfile::tempdir().unwrap();
    let repository = "strata-test/gui-registry";
    oci_layout::write(&layouts.path().join("one"), "1", &[("linux", "amd64", None), ("linux", "arm64", Some("v8"))]);
    oci_layout::write(&layouts.path().join("two"), "2", &[("linux", "amd64", Some("v2"))]);
    registry.copy_in(&layouts.path().join("one"), "1", repository);
    registry.copy_in(&layouts.path().join("two"), "2", repository);
    // A local image named after the registry's tag `1`, though it is another image.
    let mut fixtures = Fixtures::new("gui-registry").await;
    let local = fixtures.image("local", &[("app.txt", b"local\n")]).await;
    let named = format!("{}/{repository}", registry.address);
    let options = bollard::query_parameters::TagImageOptionsBuilder::default().repo(&named).tag("1").build();
    fixtures.docker.tag_image(&local, Some(options)).await.expect("the local image is tagged for the registry");
    let dir = tempfile::tempdir().unwrap();
    // The app's docker config trusts the registry's CA, as `certs.d` tells the docker CLI to.
    let certs = dir.path().join("certs.d").join(&registry.address);
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::copy(registry.cert_dir.as_ref().unwrap().join("ca.crt"), certs.join("ca.crt")).unwrap();
    let (config, cache) = (dir.path().join("strata-config"), dir.path().join("cache"));
    let window = open_window(dir.path(), &[("STRATA_CONFIG_DIR", &config), ("STRATA_CACHE_DIR", &cache)]).await;
    let client = window.client.clone();
    let enter = fantoccini::key::Key::Enter.to_string();

    // Add the registry by its address: it refuses to list anything until the user signs in.
    click(&client, "#nav-registries", "the Registries screen").await;
    wait_for(&client, "#registry-add", "the add field")
        .await
        .send_keys(&format!("{}{enter}", registry.address))
        .await
        .unwrap();
    wait_for(&client, "#sign-in:not([hidden])", "the sign-in form").await;
    wait_for(&client, "#sign-in-user", "the user field").await.send_keys(secured_registry::USER).await.unwrap();
    let password = format!("{}{enter}", secured_registry::PASSWORD);
    wait_for(&client, "#sign-in-password", "the password field").await.send_keys(&password).await.unwrap();
    click(&client, &format!(".repository-item[data-repository='{repository}']"), "the repository").await;
    wait_for(&client, ".tag-row[data-tag='2']", "the tags").await;
    let first = client.find(Locator::Css(".tag-row[data-tag='1']")).await.unwrap();
    let said = first.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(said.contains("linux/amd64, linux/arm64/v8 · 1 attestation"), "{said}");
    screenshot(&client, "registries.png").await;
    let saved = std::fs::read_to_string(dir.path().join("config.json")).expect("the sign-in was saved");
    assert!(saved.contains(&registry.address) && saved.contains("\"auth\""), "{saved}");
    assert!(!saved.contains(secured_registry::PASSWORD), "kept as docker login keeps it, encoded");

    // The Images screen says the local `1` is not the registry's.
    click(&client, "#nav-images", "the Images screen").await;
    let cell = wait_for_within(&client, ".registry-cell[data-registry='differs']", "the Registry column", 30).await;
    let said = cell.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(said.ends_with("layers differ"), "{said}");
    screenshot(&client, "images-registry.png").await;
    click(&client, "#nav-registries", "the Registries screen").await;

    // Two tags compared in Diff, then one opened in Layers.
    click(&client, ".tag-row[data-tag='1'] input", "the first tag's box").await;
    click(&client, ".tag-row[data-tag='2'] input", "the second tag's box").await;
    click(&client, "#compare-tags", "Compare").await;
    let (one, two) = (
        format!("registry://{}/{repository}:1", registry.address),
        format!("registry://{}/{repository}:2", registry.address),
    );
    wait_for_within(&client, &format!("#diff-view[data-compared='{one}|{two}']"), "the comparison", 60).await;
    let changed = wait_for(&client, "#diff-files", "the changed files").await;
    wait_for_text(&changed, "platform", "the file that differs").await;
    screenshot(&client, "registries-diff.png").await;
    click(&client, "#nav-registries", "the Registries screen").await;
    click(&client, ".tag-row[data-tag='1'] button[data-action='layers']", "Layers").await;
    wait_for_within(&client, &format!("#layers-view[data-image='{one}']"), "the tag in Layers", 60).await;
    client.close().await.unwrap();
    fixtures
        .docker
        .remove_image(&format!("{named}:1"), None::<bollard::query_parameters::RemoveImageOptions>, None)
        .await
        .expect("the extra tag is removed");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_registries_screen_pushes_a_local_image_and_pulls_its_tag_back() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let (address, _registry, _storage) = common::registry::start();
    let mut fixtures = Fixtures::new("gui-push").await;
    let local = fixtures.image("pushed", &[("pushed.txt", b"pushed\n")]).await;
    let local_id = fixtures.docker.inspect_image(&local).await.unwrap().id.unwrap();
    let repository = "strata-test/gui-push";
    // The daemon's name for the registry's tag: the push makes it, the test removes it (after a
    // panic, the fixtures' removal of the image by id, forced, takes this tag with it).
    let pushed = format!("{address}/{repository}:1");
    let remove_pushed_tag = || async {
        fixtures.docker.remove_image(&pushed, None::<bollard::query_parameters::RemoveImageOptions>, None).await
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("strata-config");
    let window = open_window(dir.path(), &[("STRATA_CONFIG_DIR", &config)]).await;
    let client = window.client.clone();
    let enter = fantoccini::key::Key::Enter.to_string();

    // A loopback registry needs no sign-in: add it, push the local image to it as `1`.
    click(&client, "#nav-registries", "the Registries screen").await;
    wait_for(&client, "#registry-add", "the add field").await.send_keys(&format!("{address}{enter}")).await.unwrap();
    wait_for(&client, &format!(".registry-item[data-host='{address}']"), "the registry in the list").await;
    wait_for(&client, "#push-form:not([hidden]) #push-image", "the push form").await.send_keys(&local).await.unwrap();
    let target = format!("{repository}:1{enter}");
    wait_for(&client, "#push-target", "the push target").await.send_keys(&target).await.unwrap();
    wait_for_within(&client, "#pull-panel[data-state='pushed']", "the push finished", 90).await;
    wait_for_text_at(&client, "#pull-panel", "Pushed: sha256:", "the pushed digest").await;
    // The repository opens with the tag, which the daemon has: the same image.
    wait_for(&client, ".tag-row[data-tag='1'] .here.same", "the pushed tag, the daemon's copy the same").await;
    screenshot(&client, "registries-pushed.png").await;

    // Without the daemon's copy, Pull brings it back, a bar per layer.
    remove_pushed_tag().await.expect("the pushed tag is removed from the daemon");
    click(&client, &format!(".repository-item[data-repository='{repository}']"), "the repository").await;
    wait_for(&client, ".tag-row[data-tag='1'] .here.absent", "the tag shown as not in the daemon").await;
    click(&client, ".tag-row[data-tag='1'] button[data-action='pull']", "Pull").await;
    wait_for_within(&client, "#pull-panel[data-state='done']", "the pull finished", 90).await;
    wait_for(&client, ".tag-row[data-tag='1'] .here.same", "the pulled tag, the daemon's copy the same").await;
    screenshot(&client, "registries-pulled.png").await;
    let pulled = fixtures.docker.inspect_image(&pushed).await.expect("the daemon has the pulled tag");
    assert_eq!(pulled.id.as_deref(), Some(local_id.as_str()), "the pulled image is the one pushed");
    client.close().await.unwrap();
    remove_pushed_tag().await.expect("the pulled tag is removed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_watched_project_with_compose_rules_syncs_an_edit_into_its_container() {
    let _turn = ONE_WINDOW_AT_A_TIME.lock().await;
    let mut fixtures = Fixtures::new("gui-sync").await;
    let image = fixtures.image_from("applets", common::WITH_APPLETS, &[]).await;
    let container = fixtures.running_container(&image, "web").await;
    let folder = tempfile::tempdir().unwrap();
    let write = |path: &str, content: &str| {
        let path = folder.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    };
    write("Dockerfile", &format!("FROM {image}\nCOPY src/ /app/src/\n"));
    write("compose.yaml", "services:\n  web:\n    build: .\n    develop:\n      watch:\n        - action: sync\n          path: ./src\n          target: /app/src\n");
    write("src/app.js", "one\n");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("strata-config");
    let window = open_window(dir.path(), &[("STRATA_CONFIG_DIR", &config)]).await;
    let client = window.client.clone();

    // The project, and the container it syncs into (picked in the settings).
    click(&client, "#nav-projects", "the Projects screen").await;
    answer_file_dialog(dir.path(), folder.path());
    click(&client, "#project-add", "Add a folder…").await;
    wait_for(&client, ".project-row.selected[data-state='new']", "the new project").await;
    click(&client, "#project-settings summary", "the settings").await;
    let field = wait_for(&client, "#setting-sync-container", "the container to sync into").await;
    field.send_keys(&container).await.unwrap();
    click(&client, "#setting-save", "Save").await;

    // Watching says where the rules come from; an edit is copied in, with no build.
    click(&client, "#project-watch", "Rebuild on change").await;
    wait_for_text_at(&client, "#project-log", "Live sync: the watch rules of compose.yaml, service web", "the rules")
        .await;
    std::fs::write(folder.path().join("src/app.js"), "two\n").unwrap();
    let said = format!("⇄ synced 1 file into {container}");
    wait_for_text_at(&client, "#project-history .history-row.synced", &said, "the sync in the history").await;
    wait_for_text_at(&client, "#project-log", "src/app.js", "the sync in the log").await;
    let docker = common::docker().await;
    assert_eq!(common::read_back(&docker, &container, "/app/src/app.js").await.unwrap().0, b"two\n");
    tokio::time::sleep(Duration::from_millis(400)).await;
    screenshot(&client, "projects-synced.png").await;
    click(&client, "#project-watch", "stop watching").await;

    // Rules of its own, typed in the settings, replace the compose file's.
    wait_for(&client, ".project-row.selected:not([data-state='watching'])", "the watch stopped").await;
    click(&client, "#setting-add-rule", "Add a rule").await;
    let path = wait_for(&client, "#setting-watch-rules .rule-row input[name='path']", "the new rule's folder").await;
    path.send_keys("src").await.unwrap();
    let target = wait_for(&client, "#setting-watch-rules .rule-row input[name='target']", "its target").await;
    target.send_keys("/app/edited").await.unwrap();
    let scroll = "document.querySelector('#setting-watch-rules').scrollIntoView({block: 'center'})";
    client.execute(scroll, vec![]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    screenshot(&client, "projects-watch-rules.png").await;
    click(&client, "#setting-save", "Save").await;
    let saved = || std::fs::read_to_string(config.join("projects.json")).unwrap_or_default().contains("/app/edited");
    for _ in 0..100 {
        if saved() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(saved(), "the typed rule is kept with the project");
    click(&client, "#project-watch", "Rebuild on change").await;
    wait_for_text_at(&client, "#project-log", "Live sync: the watch rules of the project's settings", "the own rules")
        .await;
    std::fs::write(folder.path().join("src/app.js"), "three\n").unwrap();
    let mut copied = None;
    for _ in 0..100 {
        copied = common::read_back(&docker, &container, "/app/edited/app.js").await;
        if copied.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(copied.expect("the edit where the typed rule says").0, b"three\n");
    click(&client, "#project-watch", "stop watching").await;
    client.close().await.unwrap();
}
