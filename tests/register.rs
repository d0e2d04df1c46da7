//! The register of live forecasts (forecasts/): each frozen result folder
//! still reproduces from its frozen scenario byte for byte, and the
//! outcomes on record grade with `muster score`.

use crate::util::{ok_in, repo, temp_dir};

#[test]
fn frozen_forecasts_reproduce_and_grade() {
    let root = repo();
    let dir = temp_dir();
    for stem in ["gaza_isf_2025-11", "gaza_isf_2026-07", "haiti_gsf_2025-09"] {
        let out = dir.path().join(stem);
        let file = root.join("forecasts").join(format!("{stem}.toml"));
        ok_in(
            &root,
            &[
                "run",
                file.to_str().unwrap(),
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        let frozen = root.join("forecasts/runs").join(stem);
        for entry in std::fs::read_dir(&frozen).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".csv") {
                let a = std::fs::read(frozen.join(&name)).unwrap();
                let b = std::fs::read(out.join(&name)).unwrap();
                assert!(a == b, "forecasts/runs/{stem}/{name} no longer reproduces");
            }
        }
    }
    let gaza = score(&root, "gaza_isf_2025-11");
    assert!(
        gaza.contains("7.4"),
        "the record of month 7.4 is graded: {gaza}"
    );
    let haiti = score(&root, "haiti_gsf_2025-09");
    assert!(
        haiti.contains("2.3") && haiti.contains("980"),
        "the record of month 2.3 (980 personnel) is graded: {haiti}"
    );
}

/// `muster score` of a forecast's frozen results against its outcomes,
/// with every precedent's outcomes as the baselines' others.
fn score(root: &std::path::Path, stem: &str) -> String {
    let mut args = vec![
        "score".to_string(),
        format!("forecasts/runs/{stem}"),
        format!("forecasts/{stem}.outcomes.toml"),
    ];
    let mut others: Vec<_> = std::fs::read_dir(root.join("precedents"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".outcomes.toml"))
        .collect();
    others.sort();
    for p in others {
        args.push("--others".into());
        args.push(p.to_string_lossy().into_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok_in(root, &args)
}
