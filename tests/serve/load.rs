//! Twenty pages moving controls at once for a while (a minute unless
//! MUSTER_LOAD_SECONDS says otherwise): each page sends bursts of changes
//! without waiting, as a hand on a slider does, and sometimes a bad value.
//! No request may fail, and none may go unanswered: the last change of
//! every burst gets its answer, the ones before it an answer or a note
//! that a newer change replaced them, a bad value its refusal; the same
//! overrides always give the same numbers.
//!
//!     cargo test --test main -- --ignored serve_load --nocapture

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Served, folder_with_tutorial};
use crate::util::SplitMix;

const PAGES: u64 = 20;

#[derive(Default, Debug)]
struct Counts {
    requests: u64,
    answers: u64,
    superseded: u64,
    refused: u64,
    last_answer_ms: Vec<u128>,
}

#[test]
#[ignore = "load test, run as its own CI step"]
fn serve_load_twenty_pages_moving_controls() {
    let seconds: u64 = std::env::var("MUSTER_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let dir = folder_with_tutorial();
    let s = Served::start(dir.path(), &["tutorial.toml"]);
    let keys = [
        "contributors.Indonesia.veto",
        "contributors.Pakistan.veto",
        "contributors.Azerbaijan.p_join",
        "conditions.un_mandate.p",
    ];
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let counts = Arc::new(Mutex::new(Counts::default()));
    let seen: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
    let pages: Vec<_> = (0..PAGES)
        .map(|page| {
            let (s, counts, seen) = (s.clone(), counts.clone(), seen.clone());
            std::thread::spawn(move || {
                let mut rng = SplitMix(page + 1);
                let client = format!("page-{page}");
                let mut seq = 0u64;
                while Instant::now() < deadline {
                    let key = keys[(rng.next() % keys.len() as u64) as usize];
                    let bad = rng.next().is_multiple_of(10);
                    let burst = 1 + rng.next() % 3;
                    let started = Instant::now();
                    let sent: Vec<_> = (0..burst)
                        .map(|i| {
                            seq += 1;
                            let value = if bad && i + 1 == burst {
                                "1.3".to_string()
                            } else {
                                format!("{}", (rng.unit() * 20.0).round() / 20.0)
                            };
                            let o = vec![format!("{key}={value}")];
                            let body = json!({ "client": client, "seq": seq, "overrides": o });
                            let s = s.clone();
                            let handle = std::thread::spawn(move || s.post("/api/run", &body));
                            std::thread::sleep(Duration::from_millis(3));
                            (seq, o, handle)
                        })
                        .collect();
                    let n = sent.len();
                    for (i, (seq, o, handle)) in sent.into_iter().enumerate() {
                        let (status, a) = handle.join().expect("the request thread");
                        let last = i + 1 == n;
                        let mut c = counts.lock().unwrap();
                        c.requests += 1;
                        if status == 422 {
                            assert!(bad && last, "refused a good value {o:?}: {a}");
                            assert_eq!(a["key"], key);
                            c.refused += 1;
                            continue;
                        }
                        assert_eq!(status, 200, "{o:?}: {a}");
                        assert_eq!(a["seq"], seq, "an answer to another request: {a}");
                        if a["superseded"] == true {
                            assert!(!last, "the last change of a burst lost its answer: {o:?}");
                            c.superseded += 1;
                            continue;
                        }
                        assert!(!(bad && last), "a bad value was run: {o:?}");
                        assert_eq!(a["overrides"], json!(o));
                        c.answers += 1;
                        if last {
                            c.last_answer_ms.push(started.elapsed().as_millis());
                        }
                        drop(c);
                        let summary = a["tables"]["summary"].clone();
                        let mut seen = seen.lock().unwrap();
                        let before = seen.entry(o.join(" ")).or_insert_with(|| summary.clone());
                        assert_eq!(*before, summary, "{o:?} gave two answers");
                    }
                }
            })
        })
        .collect();
    for p in pages {
        p.join().expect("a page failed");
    }
    let mut c = counts.lock().unwrap();
    c.last_answer_ms.sort();
    let median = c
        .last_answer_ms
        .get(c.last_answer_ms.len() / 2)
        .copied()
        .unwrap_or(0);
    println!(
        "serve load: {PAGES} pages for {seconds} s: {} requests, {} answers, {} replaced by a newer change, {} refused; median time to a burst's last answer {median} ms",
        c.requests, c.answers, c.superseded, c.refused
    );
    assert!(c.answers >= PAGES, "{c:?}");
    assert!(c.refused > 0 && c.superseded > 0, "{c:?}");
}
