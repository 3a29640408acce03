//! The operator's metrics page: counts by coarse route group and status,
//! appends, commit batches and cache hits, and nothing about anyone: no couple, person,
//! address, entry or word written appears in it.

use crate::checkin::check_in;
use crate::helpers::TestApp;

async fn metrics_of(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("an address");
    let router = kintsugi_web::metrics::router(app.state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let response = reqwest::get(format!("http://{address}/metrics"))
        .await
        .expect("GET /metrics");
    assert_eq!(response.status(), 200);
    response.text().await.expect("a body")
}

/// The number a line `name{labels} N` ends with.
fn value(page: &str, series: &str) -> u64 {
    page.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {series} in\n{page}"))
}

#[tokio::test]
async fn the_metrics_count_requests_and_writes_and_name_no_one() {
    let (app, couple) = TestApp::with_couple().await;
    let marker = "mk-metrics-never-shows-this";
    let sent = check_in(&couple.hurt, &[("hopeful", "2")], marker, "partner").await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    couple.involved.get("/checkin").await;
    couple.involved.get("/checkin").await;

    let page = metrics_of(&app).await;

    assert!(
        value(
            &page,
            "kintsugi_http_requests_total{group=\"pages\",status=\"2xx\"}"
        ) >= 2
    );
    assert!(
        value(
            &page,
            "kintsugi_http_requests_total{group=\"forms\",status=\"3xx\"}"
        ) >= 1
    );
    assert!(
        value(
            &page,
            "kintsugi_http_requests_total{group=\"auth\",status=\"3xx\"}"
        ) >= 2
    );
    assert!(value(&page, "kintsugi_appended_events_total") >= 1);
    // The store's commits: every action written is in one batch, and
    // nothing waits for the writer once every answer came back.
    let batches = value(&page, "kintsugi_commit_batch_size_count");
    assert!(batches >= 1);
    assert!(value(&page, "kintsugi_commit_batch_size_sum") >= batches);
    assert_eq!(
        value(&page, "kintsugi_commit_batch_size_bucket{le=\"+Inf\"}"),
        batches
    );
    assert_eq!(value(&page, "kintsugi_commit_queue_actions"), 0);
    assert!(value(&page, "kintsugi_session_cache_hits_total") >= 1);
    assert!(value(&page, "kintsugi_projection_cache_streams") >= 1);
    let (hurt, space) = app.ids_of(&couple.hurt).await;
    let (involved, _) = app.ids_of(&couple.involved).await;
    let space = space.expect("a space").to_string();
    for secret in [
        marker,
        &couple.hurt.email,
        &couple.involved.email,
        &hurt.to_string(),
        &involved.to_string(),
        &space,
        "checkin",
    ] {
        assert!(!page.contains(secret), "the metrics name {secret:?}");
    }
}
