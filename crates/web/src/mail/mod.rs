//! Gentle reminders by email, when the operator set up SMTP: the account
//! page's choices (`choices`), the message (`message`: plain text, a neutral
//! subject, one-click unsubscribe by `POST` as RFC 8058 asks), the sending
//! task in `serve` (`task`: a tick each minute on the app's clock, each
//! reminder claimed in the store before it is sent, so it goes out at most
//! once whatever the number of instances) and the unsubscribe page
//! (`unsubscribe`). When a reminder is due is decided in
//! `kintsugi_core::reminders`, from the Today list; nothing of what anyone
//! wrote is ever in an email.

pub mod choices;
pub mod message;
pub mod task;
pub mod unsubscribe;

use crate::http::routes::Route;

pub fn routes() -> Vec<Route> {
    vec![
        Route::form(
            "/account/reminders",
            "choose reminders by email",
            choices::choose,
        )
        .leads_to("/account"),
        Route::page(
            "/unsubscribe/{token}",
            "the page of an email's unsubscribe link",
            unsubscribe::page,
        ),
        Route::form(
            "/unsubscribe/{token}",
            "stop one kind of reminder email",
            unsubscribe::unsubscribe,
        ),
    ]
}
