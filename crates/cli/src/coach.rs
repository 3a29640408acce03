//! `kintsugi coach apology|request`: the coaches without the web app.

use anyhow::Result;
use kintsugi_core::coach;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Which {
    Apology,
    Request,
}

pub fn findings_json(which: Which, text: &str) -> Result<String> {
    let findings = match which {
        Which::Apology => coach::apology::review(text),
        Which::Request => coach::request::review(text),
    };
    Ok(coach::to_json(&findings))
}
