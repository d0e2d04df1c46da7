//! The page and its assets, built into the program: the server answers
//! only these paths and never reads a file from the disk to answer.

/// The content type and bytes of the asset at `path`, if there is one.
pub fn asset(path: &str) -> Option<(&'static str, &'static str)> {
    Some(match path {
        "/" | "/index.html" => ("text/html; charset=utf-8", include_str!("page/index.html")),
        "/app.js" => (
            "text/javascript; charset=utf-8",
            include_str!("page/app.js"),
        ),
        "/charts.js" => (
            "text/javascript; charset=utf-8",
            include_str!("page/charts.js"),
        ),
        "/app.css" => ("text/css; charset=utf-8", include_str!("page/app.css")),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_only_assets_that_exist() {
        let (_, html) = asset("/").unwrap();
        for name in ["/app.js", "/charts.js", "/app.css"] {
            assert!(html.contains(&format!("\"{name}\"")), "{name}");
            assert!(asset(name).is_some());
        }
        assert!(asset("/../Cargo.toml").is_none());
        assert!(asset("/scenarios/tutorial.toml").is_none());
    }
}
