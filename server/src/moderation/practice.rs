//! Practices as moderation writes them: checking fields, creating one for a city, changing
//! one (policy areas and sources are rewritten only when they change), and the snapshot.

use diesel::sql_types::{Array, BigInt, Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value};

use crate::auth::rows::{IdRow, JsonRow};
use crate::error::{AppResult, not_found};
use crate::moderation::input::{is_lang, lang_map, partial_date, text, unprocessable, web_url};
use crate::moderation::{first, slug};

const STATUSES: [&str; 4] = ["planned", "active", "ended", "unknown"];

/// Checks practice fields (`prefix` names them in errors); `creating` requires `title` and
/// `original_lang`, with the title in the original language.
///
/// # Errors
/// 422 naming the first field at fault.
pub async fn check_fields(
    conn: &mut AsyncPgConnection,
    fields: &Map<String, Value>,
    prefix: &str,
    creating: bool,
    extra: &[&str],
) -> AppResult<()> {
    for (key, value) in fields {
        let field = format!("{prefix}{key}");
        let nullable = value.is_null();
        match key.as_str() {
            "original_lang" => {
                if !value.as_str().is_some_and(is_lang) {
                    return Err(unprocessable(&field, "must be a two-letter language code"));
                }
            }
            "title" => {
                lang_map(&field, value, 300)?;
                if value.as_object().is_some_and(Map::is_empty) {
                    return Err(unprocessable(
                        &field,
                        "needs a title in at least one language",
                    ));
                }
            }
            "summary" | "transferability" => lang_map(&field, value, 5000)?,
            "body" => lang_map(&field, value, 50_000)?,
            "organisation" | "contact" if !nullable => {
                text(
                    &field,
                    value
                        .as_str()
                        .ok_or_else(|| unprocessable(&field, "must be text"))?,
                    300,
                )?;
            }
            "started" | "ended" if !nullable => {
                if !value
                    .as_i64()
                    .is_some_and(|year| (1800..=2200).contains(&year))
                {
                    return Err(unprocessable(
                        &field,
                        "must be a year between 1800 and 2200",
                    ));
                }
            }
            "status" => {
                if !value.as_str().is_some_and(|s| STATUSES.contains(&s)) {
                    return Err(unprocessable(
                        &field,
                        format!("must be one of {}", STATUSES.join(", ")),
                    ));
                }
            }
            "policy_areas" => check_policy_areas(conn, &field, value).await?,
            "sources" => check_sources(&field, value)?,
            "lon" | "lat" if !nullable => {
                let limit = if key == "lon" { 180.0 } else { 90.0 };
                if !value
                    .as_f64()
                    .is_some_and(|x| (-limit..=limit).contains(&x))
                {
                    return Err(unprocessable(
                        &field,
                        format!("must be a number between -{limit} and {limit}"),
                    ));
                }
            }
            "organisation" | "contact" | "started" | "ended" | "lon" | "lat" => {}
            other if extra.contains(&other) => {}
            _ => return Err(unprocessable(&field, "is not a field that can be set")),
        }
    }
    if creating {
        let lang = fields.get("original_lang").and_then(Value::as_str);
        let Some(lang) = lang else {
            return Err(unprocessable(
                format!("{prefix}original_lang"),
                "is required",
            ));
        };
        if fields
            .get("title")
            .is_none_or(|title| title.get(lang).is_none())
        {
            return Err(unprocessable(
                format!("{prefix}title"),
                "needs a title in the original language",
            ));
        }
    }
    Ok(())
}

async fn check_policy_areas(
    conn: &mut AsyncPgConnection,
    field: &str,
    value: &Value,
) -> AppResult<()> {
    let Some(items) = value.as_array() else {
        return Err(unprocessable(field, "must be a list of policy-area slugs"));
    };
    let slugs: Vec<String> = items
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    if slugs.len() != items.len() || slugs.len() > 12 {
        return Err(unprocessable(field, "must be a list of policy-area slugs"));
    }
    let known: Vec<JsonRow> = diesel::sql_query(
        "SELECT to_jsonb(array_agg(s)) AS value FROM unnest($1::text[]) AS s
          WHERE NOT EXISTS (SELECT 1 FROM policy_areas WHERE slug = s) HAVING count(*) > 0",
    )
    .bind::<Array<Text>, _>(&slugs)
    .load(conn)
    .await?;
    if let Some(unknown) = first(known) {
        return Err(unprocessable(
            field,
            format!("unknown policy areas: {unknown}"),
        ));
    }
    Ok(())
}

fn check_sources(field: &str, value: &Value) -> AppResult<()> {
    let Some(items) = value.as_array() else {
        return Err(unprocessable(field, "must be a list of {url, title}"));
    };
    if items.is_empty() || items.len() > 20 {
        return Err(unprocessable(field, "must list 1 to 20 sources"));
    }
    for (index, item) in items.iter().enumerate() {
        let Some(source) = item.as_object() else {
            return Err(unprocessable(
                format!("{field}.{index}"),
                "must be {url, title}",
            ));
        };
        for (key, value) in source {
            let at = format!("{field}.{index}.{key}");
            match key.as_str() {
                "url" => web_url(&at, value.as_str().unwrap_or(""))?,
                "title" if !value.is_null() => text(&at, value.as_str().unwrap_or(""), 300)?,
                "accessed_on" if !value.is_null() => {
                    let date = value.as_str().unwrap_or("");
                    partial_date(&at, date)?;
                    if date.len() != 10 {
                        return Err(unprocessable(&at, "must be YYYY-MM-DD"));
                    }
                }
                "title" | "accessed_on" => {}
                _ => return Err(unprocessable(&at, "is not a field of a source")),
            }
        }
        if !source.contains_key("url") {
            return Err(unprocessable(format!("{field}.{index}.url"), "is required"));
        }
    }
    Ok(())
}

/// The published state of a practice as revisions record it.
///
/// # Errors
/// Database errors.
pub async fn snapshot(conn: &mut AsyncPgConnection, id: i64) -> AppResult<Option<Value>> {
    let rows: Vec<JsonRow> = diesel::sql_query(
        "SELECT jsonb_build_object('slug', p.slug, 'city', c.slug, 'original_lang', p.original_lang,
                'title', p.title, 'summary', p.summary, 'body', p.body, 'transferability', p.transferability,
                'organisation', p.organisation, 'started', p.started, 'ended', p.ended, 'status', p.status,
                'contact', p.contact, 'lon', ST_X(p.geom), 'lat', ST_Y(p.geom), 'published', p.published,
                'policy_areas', coalesce((SELECT jsonb_agg(policy_area ORDER BY policy_area)
                                            FROM practice_policy_areas WHERE practice_id = p.id), '[]'),
                'sources', coalesce((SELECT jsonb_agg(jsonb_build_object('url', url, 'title', title,
                                            'accessed_on', accessed_on) ORDER BY position)
                                       FROM practice_sources WHERE practice_id = p.id), '[]')) AS value
           FROM practices p JOIN cities c ON c.id = p.city_id WHERE p.id = $1",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    Ok(first(rows))
}

/// The id and city of the practice with `slug` (or a former slug of it).
///
/// # Errors
/// 404 when there is none.
pub async fn find(conn: &mut AsyncPgConnection, slug: &str) -> AppResult<(i64, i64)> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = BigInt)]
        city_id: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT p.id, p.city_id FROM practices p
          WHERE p.slug = $1 OR p.id = (SELECT practice_id FROM practice_slug_redirects WHERE slug = $1)
          LIMIT 1",
    )
    .bind::<Text, _>(slug)
    .load(conn)
    .await?;
    rows.into_iter()
        .next()
        .map(|row| (row.id, row.city_id))
        .ok_or_else(|| not_found(format!("There is no practice '{slug}'.")))
}

/// Creates a practice of the city `city_id` from checked fields; `sources` default to
/// `fallback_sources` (a submission's source URLs).
///
/// # Errors
/// 422/409 when the database refuses.
pub async fn create(
    conn: &mut AsyncPgConnection,
    city_id: i64,
    fields: &Value,
    fallback_sources: &[String],
) -> AppResult<i64> {
    #[derive(diesel::QueryableByName)]
    struct CitySlug {
        #[diesel(sql_type = Text)]
        slug: String,
    }
    let city: CitySlug = diesel::sql_query("SELECT slug FROM cities WHERE id = $1")
        .bind::<BigInt, _>(city_id)
        .get_result(conn)
        .await?;
    let lang = fields["original_lang"].as_str().unwrap_or("en");
    let title = fields["title"][lang].as_str().unwrap_or("practice");
    let slug = slug::practice_slug(conn, &city.slug, title).await?;
    let row: IdRow = diesel::sql_query(
        "INSERT INTO practices (slug, city_id, original_lang, title, published) VALUES ($1, $2, $3, $4, true)
         RETURNING id",
    )
    .bind::<Text, _>(&slug)
    .bind::<BigInt, _>(city_id)
    .bind::<Text, _>(lang)
    .bind::<Jsonb, _>(&fields["title"])
    .get_result(conn)
    .await?;
    let mut state = fields.clone();
    if let Value::Object(map) = &mut state {
        map.insert("slug".to_owned(), Value::String(slug));
        map.insert("published".to_owned(), Value::Bool(true));
        if !map.get("sources").is_some_and(Value::is_array) {
            let sources = fallback_sources
                .iter()
                .map(|url| serde_json::json!({ "url": url }))
                .collect();
            map.insert("sources".to_owned(), Value::Array(sources));
        }
        map.entry("policy_areas")
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    write(conn, row.id, &Value::Null, &state).await?;
    Ok(row.id)
}

/// Writes a snapshot to the practice; `before` tells whether areas and sources changed.
///
/// # Errors
/// 422/409 when the database refuses.
pub async fn write(
    conn: &mut AsyncPgConnection,
    id: i64,
    before: &Value,
    state: &Value,
) -> AppResult<()> {
    diesel::sql_query(
        "UPDATE practices SET original_lang = $1->>'original_lang', title = $1->'title',
                summary = coalesce($1->'summary', '{}'), body = coalesce($1->'body', '{}'),
                transferability = coalesce($1->'transferability', '{}'),
                organisation = $1->>'organisation', contact = $1->>'contact',
                started = ($1->>'started')::smallint, ended = ($1->>'ended')::smallint,
                status = coalesce($1->>'status', 'unknown'),
                geom = CASE WHEN $1->>'lon' IS NULL OR $1->>'lat' IS NULL THEN NULL
                            ELSE ST_SetSRID(ST_MakePoint(($1->>'lon')::float8, ($1->>'lat')::float8), 4326) END,
                published = coalesce(($1->>'published')::boolean, true)
          WHERE id = $2",
    )
    .bind::<Jsonb, _>(state)
    .bind::<BigInt, _>(id)
    .execute(conn)
    .await?;
    if before["policy_areas"] != state["policy_areas"] {
        diesel::sql_query("DELETE FROM practice_policy_areas WHERE practice_id = $1")
            .bind::<BigInt, _>(id)
            .execute(conn)
            .await?;
        diesel::sql_query(
            "INSERT INTO practice_policy_areas (practice_id, policy_area)
             SELECT DISTINCT $1, jsonb_array_elements_text(coalesce($2, '[]'))",
        )
        .bind::<BigInt, _>(id)
        .bind::<Jsonb, _>(&state["policy_areas"])
        .execute(conn)
        .await?;
    }
    if before["sources"] != state["sources"] {
        diesel::sql_query("DELETE FROM practice_sources WHERE practice_id = $1")
            .bind::<BigInt, _>(id)
            .execute(conn)
            .await?;
        diesel::sql_query(
            "INSERT INTO practice_sources (practice_id, position, url, title, accessed_on)
             SELECT $1, ord, s->>'url', s->>'title', coalesce((s->>'accessed_on')::date, current_date)
               FROM jsonb_array_elements(coalesce($2, '[]')) WITH ORDINALITY AS t(s, ord)",
        )
        .bind::<BigInt, _>(id)
        .bind::<Jsonb, _>(&state["sources"])
        .execute(conn)
        .await?;
    }
    Ok(())
}
