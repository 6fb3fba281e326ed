//! Change notifications: telling clients that a resource changed, or that the server's tools,
//! prompts or resources changed.
//!
//! ```ignore
//! async fn rename(&self, Parameters(p): Parameters<Rename>) -> Result<String, ToolError> {
//!     self.store.rename(&p.id, &p.name).await?;
//!     // Every session subscribed to this URI gets `notifications/resources/updated`.
//!     self.services().changes().resource_updated(&format!("items://{}", p.id)).await;
//!     Ok("renamed".into())
//! }
//! ```
//!
//! [`Changes`] (from [`Services::changes`](crate::Services::changes), one per server) keeps the
//! server's live sessions and what each subscribed to:
//! - **2025-11-25 sessions** subscribe with `resources/subscribe` and leave with
//!   `resources/unsubscribe`. A session joins the registry when it starts and leaves it when it
//!   ends (the client goes away, the session expires, the server stops): nothing is kept for a
//!   gone session.
//! - **2026-07-28 clients** (stateless) open `subscriptions/listen` with the notifications they
//!   want; the platform accepts the three list changes and resources it serves, and the same
//!   calls reach the request's stream until the client cancels it or the server shuts down
//!   (then it ends with its final result).
//!
//! Guarantees:
//! - A subscription names a resource the server serves: a listed resource's URI or a URI that
//!   matches one of its templates. Any other URI is refused with invalid params (-32602) and a
//!   log line (2025), or left out of the accepted filter (2026). Subscribing twice is one
//!   subscription; unsubscribing from what was never subscribed answers `{}`.
//! - A session or listen request holds at most `MAX_SUBSCRIPTIONS_PER_SESSION` resources
//!   (default 100); a subscription beyond it is refused with a message that says so.
//! - [`Changes::resource_updated`] reaches the sessions subscribed to exactly that URI;
//!   [`Changes::tools_changed`], [`Changes::prompts_changed`] and [`Changes::resources_changed`]
//!   reach every live session (and every listener that asked for them). Notifications go out
//!   to all recipients at once, each given at most [`NOTIFY_TIMEOUT`]: a slow or gone client
//!   delays no tool past it and fails no one else's delivery.
//! - Over stateless HTTP (`HTTP_STATELESS=true`) 2025-11-25 clients have no session to deliver
//!   to: `resources/subscribe` is refused, and their `initialize` does not advertise
//!   subscriptions or list changes. 2026-07-28 listeners are served the same in both modes.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use rmcp::model::{ResourceUpdatedNotificationParam, SubscriptionFilter};
use rmcp::service::{Peer, SubscriptionContext, SubscriptionSink};
use rmcp::{ErrorData, RoleServer};
use tokio_util::sync::CancellationToken;

use crate::errors::lock;

/// The longest one notification to one client may take before it is given up.
pub const NOTIFY_TIMEOUT: Duration = Duration::from_secs(5);

/// The default of `MAX_SUBSCRIPTIONS_PER_SESSION`.
pub const DEFAULT_MAX_SUBSCRIPTIONS: usize = 100;

/// The server's live sessions and listeners, and what they subscribed to. Cloning is cheap
/// (one registry per server).
#[derive(Clone)]
pub struct Changes {
    registry: Arc<Registry>,
}

impl std::fmt::Debug for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Changes")
            .field("sessions", &self.sessions())
            .field("listeners", &self.listeners())
            .finish_non_exhaustive()
    }
}

struct Registry {
    /// Most resources one session or listen request may subscribe to.
    max_subscriptions: usize,
    /// Whether 2025-11-25 clients have sessions (not over stateless HTTP).
    sessions_possible: bool,
    next_id: AtomicU64,
    sessions: Mutex<HashMap<u64, Arc<Session>>>,
    listeners: Mutex<HashMap<u64, Listener>>,
    /// Cancelled at shutdown: listen requests end.
    closing: CancellationToken,
}

/// A 2025-11-25 session: how to reach its client, and what it subscribed to.
struct Session {
    peer: Peer<RoleServer>,
    subscriptions: Mutex<BTreeSet<String>>,
}

/// A 2026-07-28 `subscriptions/listen` request.
#[derive(Clone)]
struct Listener {
    sink: SubscriptionSink,
    accepted: SubscriptionFilter,
}

/// Which list changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Tools,
    Prompts,
    Resources,
}

impl Changes {
    /// An empty registry: `max_subscriptions` per session or listen request; without
    /// `sessions_possible` (stateless HTTP), 2025-11-25 clients cannot subscribe.
    pub(crate) fn new(max_subscriptions: usize, sessions_possible: bool) -> Self {
        Self {
            registry: Arc::new(Registry {
                max_subscriptions,
                sessions_possible,
                next_id: AtomicU64::new(1),
                sessions: Mutex::default(),
                listeners: Mutex::default(),
                closing: CancellationToken::new(),
            }),
        }
    }

    /// Tells every session subscribed to `uri` (exactly that URI) that the resource changed:
    /// `notifications/resources/updated`. Returns how many clients it reached.
    pub async fn resource_updated(&self, uri: &str) -> usize {
        let sessions: Vec<Peer<RoleServer>> = lock(&self.registry.sessions)
            .values()
            .filter(|s| lock(&s.subscriptions).contains(uri))
            .map(|s| s.peer.clone())
            .collect();
        let listeners = self.listeners_where(|accepted| {
            accepted
                .resource_subscriptions
                .as_ref()
                .is_some_and(|uris| uris.iter().any(|u| u == uri))
        });
        let to_sessions = sessions.into_iter().map(|peer| {
            let uri = uri.to_string();
            deliver("resources/updated", async move {
                peer.notify_resource_updated(ResourceUpdatedNotificationParam::new(uri))
                    .await
                    .map_err(|e| e.to_string())
            })
        });
        let to_listeners = listeners.into_iter().map(|listener| {
            let uri = uri.to_string();
            deliver("resources/updated", async move {
                listener
                    .sink
                    .notify_resource_updated(uri)
                    .await
                    .map_err(|e| e.to_string())
            })
        });
        let reached = {
            let (sessions, listeners) = tokio::join!(
                futures::future::join_all(to_sessions),
                futures::future::join_all(to_listeners)
            );
            count(sessions) + count(listeners)
        };
        tracing::debug!(
            uri = crate::logging::bounded(uri),
            reached,
            "resource change notified"
        );
        reached
    }

    /// Tells every live session that the list of tools changed
    /// (`notifications/tools/list_changed`). Returns how many clients it reached.
    pub async fn tools_changed(&self) -> usize {
        self.list_changed(List::Tools).await
    }

    /// Tells every live session that the list of prompts changed
    /// (`notifications/prompts/list_changed`). Returns how many clients it reached.
    pub async fn prompts_changed(&self) -> usize {
        self.list_changed(List::Prompts).await
    }

    /// Tells every live session that the list of resources (or resource templates) changed
    /// (`notifications/resources/list_changed`). Returns how many clients it reached.
    pub async fn resources_changed(&self) -> usize {
        self.list_changed(List::Resources).await
    }

    /// 2025-11-25 sessions live now.
    pub fn sessions(&self) -> usize {
        lock(&self.registry.sessions).len()
    }

    /// 2026-07-28 `subscriptions/listen` requests open now.
    pub fn listeners(&self) -> usize {
        lock(&self.registry.listeners).len()
    }

    /// How many sessions and listeners are subscribed to `uri`.
    pub fn subscribers(&self, uri: &str) -> usize {
        let sessions = lock(&self.registry.sessions)
            .values()
            .filter(|s| lock(&s.subscriptions).contains(uri))
            .count();
        sessions
            + self
                .listeners_where(|accepted| {
                    accepted
                        .resource_subscriptions
                        .as_ref()
                        .is_some_and(|uris| uris.iter().any(|u| u == uri))
                })
                .len()
    }

    async fn list_changed(&self, list: List) -> usize {
        let sessions: Vec<Peer<RoleServer>> = lock(&self.registry.sessions)
            .values()
            .map(|s| s.peer.clone())
            .collect();
        let listeners = self.listeners_where(|accepted| {
            let wanted = match list {
                List::Tools => accepted.tools_list_changed,
                List::Prompts => accepted.prompts_list_changed,
                List::Resources => accepted.resources_list_changed,
            };
            wanted == Some(true)
        });
        let what = match list {
            List::Tools => "tools/list_changed",
            List::Prompts => "prompts/list_changed",
            List::Resources => "resources/list_changed",
        };
        let to_sessions = sessions.into_iter().map(|peer| {
            deliver(what, async move {
                match list {
                    List::Tools => peer.notify_tool_list_changed().await,
                    List::Prompts => peer.notify_prompt_list_changed().await,
                    List::Resources => peer.notify_resource_list_changed().await,
                }
                .map_err(|e| e.to_string())
            })
        });
        let to_listeners = listeners.into_iter().map(|listener| {
            deliver(what, async move {
                let sink = &listener.sink;
                match list {
                    List::Tools => sink.notify_tool_list_changed().await,
                    List::Prompts => sink.notify_prompt_list_changed().await,
                    List::Resources => sink.notify_resource_list_changed().await,
                }
                .map_err(|e| e.to_string())
            })
        });
        let reached = {
            let (sessions, listeners) = tokio::join!(
                futures::future::join_all(to_sessions),
                futures::future::join_all(to_listeners)
            );
            count(sessions) + count(listeners)
        };
        tracing::debug!(list = what, reached, "list change notified");
        reached
    }

    fn listeners_where(&self, wants: impl Fn(&SubscriptionFilter) -> bool) -> Vec<Listener> {
        lock(&self.registry.listeners)
            .values()
            .filter(|l| wants(&l.accepted))
            .cloned()
            .collect()
    }

    /// Most resources one session or listen request may subscribe to.
    pub(crate) fn max_subscriptions(&self) -> usize {
        self.registry.max_subscriptions
    }

    /// Whether 2025-11-25 clients have sessions to subscribe in (not over stateless HTTP).
    pub(crate) fn sessions_possible(&self) -> bool {
        self.registry.sessions_possible
    }

    /// Puts a session in the registry until the registration is dropped; `None` where
    /// 2025-11-25 clients have no session (stateless HTTP).
    fn register(&self, peer: Peer<RoleServer>) -> Option<Registration> {
        if !self.registry.sessions_possible {
            return None;
        }
        let id = self.registry.next_id.fetch_add(1, Ordering::Relaxed);
        let session = Arc::new(Session {
            peer,
            subscriptions: Mutex::default(),
        });
        lock(&self.registry.sessions).insert(id, session.clone());
        Some(Registration {
            registry: self.registry.clone(),
            id,
            session,
        })
    }

    /// The session of `slot`, registered now if it was not yet.
    pub(crate) fn session<'s>(
        &self,
        slot: &'s SessionSlot,
        peer: &Peer<RoleServer>,
    ) -> Option<&'s Registration> {
        slot.0.get_or_init(|| self.register(peer.clone())).as_ref()
    }

    /// Serves one `subscriptions/listen` request: its sink is in the registry until the client
    /// cancels the request or the server shuts down (then the request ends with its result).
    pub(crate) async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        let id = self.registry.next_id.fetch_add(1, Ordering::Relaxed);
        let listener = Listener {
            sink: context.sink().clone(),
            accepted: context.accepted().clone(),
        };
        lock(&self.registry.listeners).insert(id, listener);
        let _leave = LeaveListeners {
            registry: &self.registry,
            id,
        };
        tracing::debug!(
            resources = context
                .accepted()
                .resource_subscriptions
                .as_ref()
                .map_or(0, Vec::len),
            "subscriptions/listen open"
        );
        tokio::select! {
            () = context.cancelled() => {}
            () = self.registry.closing.cancelled() => {}
        }
        Ok(())
    }

    /// At shutdown: ends every listen request (each with its final result).
    pub(crate) fn close(&self) {
        self.registry.closing.cancel();
    }
}

/// Removes a listener when its request ends, however it ends.
struct LeaveListeners<'r> {
    registry: &'r Registry,
    id: u64,
}

impl Drop for LeaveListeners<'_> {
    fn drop(&mut self) {
        lock(&self.registry.listeners).remove(&self.id);
    }
}

/// Sends one notification within [`NOTIFY_TIMEOUT`]; whether it went out.
async fn deliver(what: &'static str, send: impl Future<Output = Result<(), String>>) -> bool {
    match tokio::time::timeout(NOTIFY_TIMEOUT, send).await {
        Ok(Ok(())) => true,
        Ok(Err(error)) => {
            tracing::debug!(notification = what, %error, "notification not delivered");
            false
        }
        Err(_) => {
            tracing::warn!(
                notification = what,
                timeout = ?NOTIFY_TIMEOUT,
                "notification given up: the client did not take it in time"
            );
            false
        }
    }
}

fn count(delivered: Vec<bool>) -> usize {
    delivered.into_iter().filter(|d| *d).count()
}

/// A session's place in the registry; dropping it (when the session ends) removes the
/// session and its subscriptions.
pub(crate) struct Registration {
    registry: Arc<Registry>,
    id: u64,
    session: Arc<Session>,
}

/// Why a subscription was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The session already holds this many.
    Full(usize),
}

impl Registration {
    /// Subscribes the session to `uri`; `Ok(false)` when it already was.
    pub(crate) fn subscribe(&self, uri: &str) -> Result<bool, Refused> {
        let mut subscriptions = lock(&self.session.subscriptions);
        if subscriptions.contains(uri) {
            return Ok(false);
        }
        if subscriptions.len() >= self.registry.max_subscriptions {
            return Err(Refused::Full(subscriptions.len()));
        }
        Ok(subscriptions.insert(uri.to_string()))
    }

    /// Unsubscribes the session from `uri`; whether it was subscribed.
    pub(crate) fn unsubscribe(&self, uri: &str) -> bool {
        lock(&self.session.subscriptions).remove(uri)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        lock(&self.registry.sessions).remove(&self.id);
    }
}

/// Where a session's registration lives: in the session's own server value (one per
/// session), so the registration goes when the session does. Request contexts carry a clone.
#[derive(Clone, Default)]
pub(crate) struct SessionSlot(Arc<OnceLock<Option<Registration>>>);

impl std::fmt::Debug for SessionSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SessionSlot")
            .field(&self.0.get().is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rmcp::handler::server::router::prompt::PromptRouter;
    use rmcp::handler::server::wrapper::Parameters;
    use rmcp::model::{ErrorCode, Resource, ResourceTemplate, SubscriptionFilter};
    use rmcp::service::SubscriptionEnd;
    use rmcp::{schemars, tool, tool_router};
    use serde::Deserialize;
    use serde_json::json;

    use crate::config::Settings;
    use crate::errors::ToolError;
    use crate::harness::{Harness, ListChanged};
    use crate::resources::{ResourceRequest, ResourceRouter};
    use crate::{App, Catalog, Services};

    /// A server with a fixed resource, a template, and tools that say what changed.
    #[derive(Clone)]
    struct Watch {
        services: Services,
    }

    #[derive(Debug, Deserialize, schemars::JsonSchema)]
    struct Touch {
        uri: String,
    }

    #[tool_router(router = tools)]
    impl Watch {
        /// Says the resource at `uri` changed; answers how many clients were told.
        #[tool]
        async fn touch(&self, Parameters(p): Parameters<Touch>) -> Result<String, ToolError> {
            Ok(self
                .services
                .changes()
                .resource_updated(&p.uri)
                .await
                .to_string())
        }

        /// Says every list changed: tools, prompts, resources.
        #[tool]
        async fn reshape(&self) -> Result<String, ToolError> {
            let changes = self.services.changes();
            let reached = [
                changes.tools_changed().await,
                changes.prompts_changed().await,
                changes.resources_changed().await,
            ];
            Ok(format!("{reached:?}"))
        }
    }

    async fn read(_: Watch, request: ResourceRequest) -> Result<String, ToolError> {
        Ok(request.uri)
    }

    fn app_with(settings: Settings) -> App {
        crate::testing::app_with_catalog(settings, |services| {
            let mut resources = ResourceRouter::fixed(Resource::new("watch://a", "a"), read);
            resources += ResourceRouter::fixed(Resource::new("watch://b", "b"), read);
            resources +=
                ResourceRouter::template(ResourceTemplate::new("watch://items/{id}", "item"), read);
            Catalog::new(
                Watch {
                    services: services.clone(),
                },
                Watch::tools(),
                PromptRouter::new(),
                resources,
            )
        })
    }

    fn app() -> App {
        app_with(Settings::defaults())
    }

    fn invalid_params(error: &str) -> bool {
        error.contains(&ErrorCode::INVALID_PARAMS.0.to_string()) || error.contains("nvalid param")
    }

    async fn touch(h: &Harness, uri: &str) -> usize {
        let result = h.call_tool("touch", json!({ "uri": uri })).await;
        Harness::text(&result).parse().unwrap()
    }

    /// Waits (up to 5 s) until `done` holds.
    async fn eventually(what: &str, done: impl Fn() -> bool) {
        let waited = tokio::time::timeout(Duration::from_secs(5), async {
            while !done() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        assert!(waited.is_ok(), "waited 5 s for {what}");
    }

    #[tokio::test]
    async fn subscriptions_and_list_changes_are_advertised() {
        let h = Harness::with_app(app()).await;
        let info = h.peer().peer_info().expect("initialized");
        let capabilities = &info.capabilities;
        let resources = capabilities.resources.as_ref().unwrap();
        assert_eq!(resources.subscribe, Some(true));
        assert_eq!(resources.list_changed, Some(true));
        assert_eq!(
            capabilities.tools.as_ref().unwrap().list_changed,
            Some(true)
        );
        assert_eq!(
            capabilities.prompts.as_ref().unwrap().list_changed,
            Some(true)
        );
    }

    #[tokio::test]
    async fn an_update_reaches_the_sessions_subscribed_to_that_uri_only() {
        let app = app();
        let changes = app.changes.clone();
        let (watcher, other) = (
            Harness::with_app(app.clone()).await,
            Harness::with_app(app).await,
        );
        watcher.subscribe("watch://a").await.unwrap();
        // A URI a template matches may be subscribed to as well.
        watcher.subscribe("watch://items/7").await.unwrap();
        other.subscribe("watch://b").await.unwrap();
        assert_eq!(changes.subscribers("watch://a"), 1);

        assert_eq!(touch(&other, "watch://a").await, 1);
        watcher.wait_for_updates(1).await;
        assert_eq!(touch(&other, "watch://items/7").await, 1);
        watcher.wait_for_updates(2).await;
        assert_eq!(watcher.updates(), ["watch://a", "watch://items/7"]);
        // Exactly that URI: not another item, not a resource nobody subscribed to.
        assert_eq!(touch(&other, "watch://items/8").await, 0);
        assert_eq!(touch(&other, "watch://c").await, 0);
        assert!(other.updates().is_empty(), "{:?}", other.updates());

        assert_eq!(touch(&watcher, "watch://b").await, 1);
        other.wait_for_updates(1).await;
        assert_eq!(other.updates(), ["watch://b"]);
        assert_eq!(watcher.updates().len(), 2);
    }

    #[tokio::test]
    async fn bad_subscriptions_are_refused_and_repeats_are_harmless() {
        let h = Harness::with_app(app()).await;
        // A URI the server does not serve: invalid params, and the session goes on.
        for uri in [
            "watch://nope",
            "watch://items/",
            "watch://items/1/2",
            "other://a",
            "",
        ] {
            let error = h.subscribe(uri).await.unwrap_err();
            assert!(invalid_params(&error), "{uri}: {error}");
            assert!(error.contains("no resource"), "{uri}: {error}");
        }
        // Twice is one subscription: one update, not two.
        h.subscribe("watch://a").await.unwrap();
        h.subscribe("watch://a").await.unwrap();
        assert_eq!(touch(&h, "watch://a").await, 1);
        h.wait_for_updates(1).await;
        // Unsubscribing from what was never subscribed, or twice, answers `{}`.
        h.unsubscribe("watch://b").await.unwrap();
        h.unsubscribe("watch://nope").await.unwrap();
        h.unsubscribe("watch://a").await.unwrap();
        h.unsubscribe("watch://a").await.unwrap();
        assert_eq!(touch(&h, "watch://a").await, 0);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(h.updates(), ["watch://a"]);
    }

    #[tokio::test]
    async fn a_session_holds_at_most_the_configured_number_of_subscriptions() {
        let settings = Settings::with(&[("MAX_SUBSCRIPTIONS_PER_SESSION", "2")]).unwrap();
        let h = Harness::with_app(app_with(settings)).await;
        h.subscribe("watch://a").await.unwrap();
        h.subscribe("watch://b").await.unwrap();
        let error = h.subscribe("watch://items/1").await.unwrap_err();
        assert!(
            error.contains("MAX_SUBSCRIPTIONS_PER_SESSION") && error.contains("2 subscriptions"),
            "{error}"
        );
        // What it holds may be repeated; after an unsubscribe there is room again.
        h.subscribe("watch://a").await.unwrap();
        h.unsubscribe("watch://b").await.unwrap();
        h.subscribe("watch://items/1").await.unwrap();

        let zero = Settings::with(&[("MAX_SUBSCRIPTIONS_PER_SESSION", "0")]).unwrap_err();
        assert!(
            zero.to_string().contains("MAX_SUBSCRIPTIONS_PER_SESSION"),
            "{zero}"
        );
    }

    #[tokio::test]
    async fn list_changes_reach_every_live_session() {
        let app = app();
        let (a, b) = (
            Harness::with_app(app.clone()).await,
            Harness::with_app(app).await,
        );
        // `b` subscribed to nothing: list changes still reach it.
        a.subscribe("watch://a").await.unwrap();
        let result = b.call_tool("reshape", json!({})).await;
        assert_eq!(Harness::text(&result), "[2, 2, 2]");
        for h in [&a, &b] {
            h.wait_for_list_changes(3).await;
            assert_eq!(
                h.list_changes(),
                [
                    ListChanged::Tools,
                    ListChanged::Prompts,
                    ListChanged::Resources
                ]
            );
        }
    }

    #[tokio::test]
    async fn sessions_leave_the_registry_when_they_end() {
        let app = app();
        let changes = app.changes.clone();
        let a = Harness::with_app(app.clone()).await;
        let b = Harness::with_app(app.clone()).await;
        a.subscribe("watch://a").await.unwrap();
        b.subscribe("watch://a").await.unwrap();
        eventually("two sessions", || changes.sessions() == 2).await;
        drop(a);
        eventually("the ended session to leave", || changes.sessions() == 1).await;
        assert_eq!(changes.subscribers("watch://a"), 1);
        assert_eq!(touch(&b, "watch://a").await, 1);
        drop(b);
        eventually("no session", || changes.sessions() == 0).await;

        // Many sessions come and go: none stays behind.
        for _ in 0..20 {
            let h = Harness::with_app(app.clone()).await;
            h.subscribe("watch://b").await.unwrap();
        }
        eventually("every session to leave", || changes.sessions() == 0).await;
        assert_eq!(changes.subscribers("watch://b"), 0);
    }

    #[tokio::test]
    async fn in_2026_07_28_a_listen_request_gets_what_it_asked_for_and_the_server_serves() {
        let app = app();
        let changes = app.changes.clone();
        let listener = Harness::modern(app.clone()).await;
        let filter = SubscriptionFilter::builder()
            .tools_list_changed()
            .resource_subscriptions(["watch://a", "watch://nope", "watch://items/3"])
            .build();
        let mut subscription = listener.listen(filter).await.unwrap();
        let accepted = subscription.acknowledged().clone();
        assert_eq!(accepted.tools_list_changed, Some(true));
        assert_eq!(accepted.prompts_list_changed, None, "not asked for");
        assert_eq!(
            accepted.resource_subscriptions.as_deref(),
            Some(&["watch://a".to_string(), "watch://items/3".to_string()][..]),
            "the unknown URI is left out"
        );
        assert_eq!(changes.listeners(), 1);

        // The same helper reaches 2026 listeners and 2025 sessions.
        let session = Harness::with_app(app).await;
        session.subscribe("watch://a").await.unwrap();
        assert_eq!(touch(&session, "watch://a").await, 2);
        assert_eq!(touch(&session, "watch://nope").await, 0);
        let result = session.call_tool("reshape", json!({})).await;
        assert_eq!(
            Harness::text(&result),
            "[2, 1, 1]",
            "prompts/resources not asked for"
        );
        let first = subscription.next().await.unwrap().expect("an update");
        assert!(
            matches!(&first, rmcp::model::ServerNotification::ResourceUpdatedNotification(n) if n.params.uri == "watch://a"),
            "{first:?}"
        );
        let second = subscription.next().await.unwrap().expect("a list change");
        assert!(
            matches!(
                second,
                rmcp::model::ServerNotification::ToolListChangedNotification(_)
            ),
            "{second:?}"
        );
        assert_eq!(listener.updates(), ["watch://a"]);
        assert_eq!(listener.list_changes(), [ListChanged::Tools]);

        // Cancelled by the client: it leaves the registry.
        subscription.cancel().await.unwrap();
        eventually("the listener to leave", || changes.listeners() == 0).await;
        assert_eq!(touch(&session, "watch://items/3").await, 0);
    }

    #[tokio::test]
    async fn listen_requests_end_with_their_result_at_shutdown() {
        let app = app();
        let changes = app.changes.clone();
        let h = Harness::modern(app).await;
        let filter = SubscriptionFilter::builder()
            .resources_list_changed()
            .build();
        let mut subscription = h.listen(filter).await.unwrap();
        assert_eq!(changes.listeners(), 1);
        changes.close();
        let next = tokio::time::timeout(Duration::from_secs(5), subscription.next())
            .await
            .expect("the listen request ended");
        assert!(matches!(next, Ok(None)), "{next:?}");
        assert!(
            matches!(subscription.end(), Some(SubscriptionEnd::Graceful(_))),
            "{:?}",
            subscription.end()
        );
        assert_eq!(changes.listeners(), 0);
    }

    #[tokio::test]
    async fn a_listen_request_holds_at_most_the_configured_number_of_resources() {
        let settings = Settings::with(&[("MAX_SUBSCRIPTIONS_PER_SESSION", "1")]).unwrap();
        let h = Harness::modern(app_with(settings)).await;
        let filter = SubscriptionFilter::builder()
            .resource_subscriptions(["watch://a", "watch://b"])
            .build();
        let subscription = h.listen(filter).await.unwrap();
        assert_eq!(
            subscription
                .acknowledged()
                .resource_subscriptions
                .as_deref(),
            Some(&["watch://a".to_string()][..])
        );
    }

    /// Over stateless HTTP a 2025-11-25 client has no session: no subscriptions offered.
    #[cfg(feature = "http")]
    #[tokio::test]
    async fn without_sessions_subscribing_is_refused_and_not_advertised() {
        let settings =
            Settings::with(&[("TRANSPORT", "http"), ("HTTP_STATELESS", "true")]).unwrap();
        let app = app_with(settings);
        let changes = app.changes.clone();
        let h = Harness::as_http_client(app, &[]).await;
        let info = h.peer().peer_info().expect("initialized");
        let resources = info.capabilities.resources.as_ref().unwrap();
        assert_eq!((resources.subscribe, resources.list_changed), (None, None));
        assert_eq!(info.capabilities.tools.as_ref().unwrap().list_changed, None);
        let error = h.subscribe("watch://a").await.unwrap_err();
        assert!(error.contains("stateless"), "{error}");
        h.unsubscribe("watch://a").await.unwrap();
        assert_eq!(changes.sessions(), 0);
    }
}
