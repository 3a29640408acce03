#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kintsugi_fuzz::form("reminders", data));
