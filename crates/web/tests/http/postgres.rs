//! The same stories on PostgreSQL, when the suite is given a server.

use crate::helpers::TestApp;

#[tokio::test]
async fn partners_pair_and_share_one_record_on_postgres() {
    let Some(app) = TestApp::spawn_on_postgres().await else {
        return;
    };
    assert_eq!(app.store.backend(), "postgres");
    let couple = app.couple().await;
    let theirs = couple.hurt.get("/space").await;
    let mine = couple.involved.get("/space").await;
    assert!(theirs.body.contains("the <strong>hurt partner</strong>"));
    assert!(mine.body.contains("the <strong>involved partner</strong>"));
    let stranger = app.stranger().await;
    assert_eq!(stranger.get("/space").await.location.as_deref(), Some("/"));
    let report = app.store.verify().await.unwrap();
    assert!(report.first_break.is_none());
    assert!(report.events >= 3);
}
