//! The human-readable reference (`/api/docs`), rendered on the server from the OpenAPI
//! document: no CDN, no script, every text escaped.

use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{RefOr, Required};

/// The reference page, rendered once.
static PAGE: LazyLock<String> = LazyLock::new(|| render(&crate::api::openapi()));

/// A readable reference of every route, parameter and answer.
#[utoipa::path(get, path = "/api/docs", tag = "meta",
    responses((status = 200, description = "HTML reference", content_type = "text/html")))]
pub async fn docs() -> Response {
    let mut response = PAGE.clone().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    response
}

/// Escapes text for HTML element content and attribute values.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn render(api: &utoipa::openapi::OpenApi) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
    );
    let _ = write!(
        html,
        "<title>{} reference</title><style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
         code{{background:#f3f3f3;padding:0 .2em}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border:1px solid #ccc;padding:.3em;text-align:left;vertical-align:top}}\
         h2{{margin-top:2.5rem;border-top:1px solid #ccc;padding-top:1rem}}</style></head><body>",
        escape(&api.info.title)
    );
    let _ = write!(
        html,
        "<h1>{}</h1><p>{}</p><p>Machine-readable: <a href=\"/api/openapi.json\">/api/openapi.json</a></p><nav><ul>",
        escape(&api.info.title),
        escape(api.info.description.as_deref().unwrap_or(""))
    );
    for (path, item) in &api.paths.paths {
        for method in operations(item) {
            let _ = write!(
                html,
                "<li><a href=\"#{}\"><code>{} {}</code></a></li>",
                escape(&anchor(method.0, path)),
                method.0,
                escape(path)
            );
        }
    }
    html.push_str("</ul></nav>");
    for (path, item) in &api.paths.paths {
        for (method, operation) in operations(item) {
            render_operation(&mut html, method, path, operation);
        }
    }
    html.push_str("</body></html>");
    html
}

fn operations(item: &utoipa::openapi::PathItem) -> Vec<(&'static str, &Operation)> {
    [
        ("GET", item.get.as_ref()),
        ("POST", item.post.as_ref()),
        ("PUT", item.put.as_ref()),
        ("PATCH", item.patch.as_ref()),
        ("DELETE", item.delete.as_ref()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|operation| (method, operation)))
    .collect()
}

fn anchor(method: &str, path: &str) -> String {
    format!("{method}-{path}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn render_operation(html: &mut String, method: &str, path: &str, operation: &Operation) {
    let _ = write!(
        html,
        "<h2 id=\"{}\"><code>{method} {}</code></h2>",
        escape(&anchor(method, path)),
        escape(path)
    );
    for text in [&operation.summary, &operation.description]
        .into_iter()
        .flatten()
    {
        let _ = write!(html, "<p>{}</p>", escape(text));
    }
    if let Some(parameters) = &operation.parameters {
        html.push_str("<h3>Parameters</h3><table><tr><th>Name</th><th>In</th><th>Required</th><th>Description</th></tr>");
        for parameter in parameters {
            let place = match parameter.parameter_in {
                ParameterIn::Query => "query",
                ParameterIn::Path => "path",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            };
            let required = matches!(parameter.required, Required::True);
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td>{place}</td><td>{}</td><td>{}</td></tr>",
                escape(&parameter.name),
                if required { "yes" } else { "no" },
                escape(parameter.description.as_deref().unwrap_or(""))
            );
        }
        html.push_str("</table>");
    }
    html.push_str(
        "<h3>Responses</h3><table><tr><th>Status</th><th>Type</th><th>Description</th></tr>",
    );
    for (status, response) in &operation.responses.responses {
        let (description, types) = match response {
            RefOr::T(response) => (
                response.description.clone(),
                response
                    .content
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            RefOr::Ref(reference) => (reference.ref_location.clone(), String::new()),
        };
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(status),
            escape(&types),
            escape(&description)
        );
    }
    html.push_str("</table>");
}
